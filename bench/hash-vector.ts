/**
 * A cheap stand-in for the model where embedding every passage would take too long (100x, 1000x):
 * each word adds a fixed pseudo-random ±1 pattern (from its hash) to a 512-d vector, normalised.
 * Same dimension and unit length as USE-lite's vectors, so the vector search does the same work.
 */
export function hashVector(text: string, dim = 512): Float32Array {
  const v = new Float32Array(dim);
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    for (let k = 0; k < 16; k++) {
      h = Math.imul(h ^ (h >>> 15), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      const j = (h >>> 0) % dim;
      v[j] = (v[j] as number) + ((h >>> 31) & 1 ? 1 : -1);
    }
  }
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}
