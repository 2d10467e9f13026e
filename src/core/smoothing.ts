/**
 * Neighbour smoothing (score regularisation): passages that resemble each other tend to
 * be relevant to the same questions, so each top candidate's score is mixed with the
 * scores of its most similar fellow candidates. Similarity is the cosine of the passages'
 * TF-IDF term vectors. It reorders only the top candidates, so its cost is bounded by the
 * candidates' shared terms (at most candidates² / 2 products per shared term).
 */

/** A passage's terms as sorted term ids with unit-length TF-IDF weights. */
export interface TermVector {
  ids: Int32Array;
  weights: Float32Array;
}

/** How the smoothing runs. */
export interface SmoothingSettings {
  /** How many of the best candidates are smoothed (the rest keep their order below them). */
  candidates: number;
  /** How many most-similar candidates each one draws on. */
  neighbours: number;
  /** Share of the smoothed score that comes from the neighbours (0 turns smoothing off). */
  weight: number;
}

/** Builds a unit-length TF-IDF vector from a passage's terms. */
export function termVector(
  terms: readonly string[],
  idOf: (term: string) => number | undefined,
  idf: (term: string) => number,
): TermVector {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const entries: [number, number][] = [];
  let norm = 0;
  for (const [t, n] of tf) {
    const id = idOf(t);
    if (id === undefined) continue;
    const w = (1 + Math.log(n)) * idf(t);
    entries.push([id, w]);
    norm += w * w;
  }
  entries.sort((a, b) => a[0] - b[0]);
  norm = Math.sqrt(norm) || 1;
  return {
    ids: Int32Array.from(entries, (e) => e[0]),
    weights: Float32Array.from(entries, (e) => e[1] / norm),
  };
}

/** Cosine of two unit vectors (a merge over their sorted ids). */
export function dot(a: TermVector, b: TermVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  const ai = a.ids;
  const bi = b.ids;
  while (i < ai.length && j < bi.length) {
    const x = ai[i] as number;
    const y = bi[j] as number;
    if (x === y) {
      s += (a.weights[i] as number) * (b.weights[j] as number);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return s;
}

/**
 * Smooths scores of candidates sorted best first. Returns new scores in the same order
 * as `scores` (the caller re-sorts, stably): for the top `candidates`,
 * (1 − weight) × own + weight × similarity-weighted mean of the `neighbours` most
 * similar candidates' scores, all relative to the best score; the rest get
 * (1 − weight) × their relative score, which keeps them below as before.
 *
 * `leader` is the rank of a candidate whose own evidence is uncontested (the caller's
 * rule: it leads every ranking that was mixed into `scores`). Smoothing lends each
 * candidate its neighbours' scores, so the neighbours of a lone strong passage borrow
 * its score while it has only weaker neighbours to borrow from, and can pass it; the
 * leader therefore gets the highest smoothed score (ties included), which keeps it first
 * under a stable sort. The other candidates are smoothed as usual.
 */
export function smoothScores(
  scores: readonly number[],
  vectorAt: (rank: number) => TermVector,
  settings: SmoothingSettings,
  leader?: number,
): number[] {
  const best = scores[0] || 1;
  const own = scores.map((s) => s / best);
  const { weight } = settings;
  const n = Math.min(settings.candidates, scores.length);
  if (weight <= 0 || n < 2) return own;
  const sims = similarities(Array.from({ length: n }, (_, r) => vectorAt(r)));
  const out = own.map((s) => (1 - weight) * s);
  const k = Math.min(settings.neighbours, n - 1);
  const topIds = new Int32Array(k);
  const topSims = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    // The k most similar other candidates, by insertion into a small sorted list.
    let size = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const s = sims[row + j] as number;
      if (size === k && s <= (topSims[k - 1] as number)) continue;
      let p = size < k ? size++ : k - 1;
      while (p > 0 && (topSims[p - 1] as number) < s) {
        topSims[p] = topSims[p - 1] as number;
        topIds[p] = topIds[p - 1] as number;
        p--;
      }
      topSims[p] = s;
      topIds[p] = j;
    }
    let total = 0;
    let mixed = 0;
    for (let m = 0; m < size; m++) {
      const s = topSims[m] as number;
      total += s;
      mixed += s * (own[topIds[m] as number] as number);
    }
    out[i] = (1 - weight) * (own[i] as number) + weight * (total > 0 ? mixed / total : 0);
  }
  if (leader !== undefined && leader >= 0 && leader < out.length) {
    let top = out[leader] as number;
    for (const s of out) if (s > top) top = s;
    out[leader] = top;
  }
  return out;
}

/**
 * All pairwise cosines of unit vectors (an n × n row-major matrix), accumulated through
 * the terms the vectors share, so terms found in one candidate only cost nothing.
 */
export function similarities(vectors: readonly TermVector[]): Float64Array {
  const n = vectors.length;
  // Per term, the candidates that have it and their weights, in candidate order.
  const postings = new Map<number, number[]>();
  vectors.forEach((v, c) => {
    for (let i = 0; i < v.ids.length; i++) {
      const id = v.ids[i] as number;
      const w = v.weights[i] as number;
      const list = postings.get(id);
      if (list) list.push(c, w);
      else postings.set(id, [c, w]);
    }
  });
  // Each pair once, into the upper triangle (ca < cb), then mirrored.
  const sims = new Float64Array(n * n);
  for (const list of postings.values()) {
    if (list.length < 4) continue;
    for (let a = 0; a < list.length; a += 2) {
      const row = (list[a] as number) * n;
      const wa = list[a + 1] as number;
      for (let b = a + 2; b < list.length; b += 2) {
        const at = row + (list[b] as number);
        sims[at] = (sims[at] as number) + wa * (list[b + 1] as number);
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sims[j * n + i] = sims[i * n + j] as number;
  return sims;
}
