/**
 * The vector index's JavaScript loops (vector-index.ts): binary codes against the mean, the sum the
 * mean comes from, and the Hamming distance of two codes (where the WebAssembly scan does not run).
 * Pure.
 */

/** Scratch for `encode`: mean − v as float32, read back as its bit patterns (the sign bit). */
let scratch = new Float32Array(512);
let scratchBits = new Int32Array(scratch.buffer);

/**
 * Writes the sign bits of `v − mean` into `out` from word `at`: bit 1 where v > mean, read off the
 * sign of mean − v (no branch on each component, whose signs are as good as random).
 */
export function encode(v: Float32Array, mean: Float32Array, dim: number, out: Int32Array, at: number): void {
  if (scratch.length < dim) {
    scratch = new Float32Array(dim);
    scratchBits = new Int32Array(scratch.buffer);
  }
  for (let j = 0; j < dim; j++) scratch[j] = (mean[j] as number) - (v[j] as number);
  const words = Math.ceil(dim / 32);
  for (let w = 0; w < words; w++) {
    let bits = 0;
    const base = w * 32;
    const end = Math.min(32, dim - base);
    for (let b = 0; b < end; b++) bits |= ((scratchBits[base + b] as number) >>> 31) << b;
    out[at + w] = bits;
  }
}

/**
 * Adds the vectors `from`…`to` of the sum's length into `sum`; returns how many it added. (Out of
 * the generator that calls it, whose own loops V8 optimises less well.)
 */
export function addUp(vectors: readonly Float32Array[], from: number, to: number, sum: Float64Array): number {
  const dim = sum.length;
  let added = 0;
  for (let id = from; id < to; id++) {
    const v = vectors[id] as Float32Array;
    if (v.length !== dim) continue;
    for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) + (v[j] as number);
    added++;
  }
  return added;
}

/** The set bits of each byte of `x`, one count (0–8) per byte. */
function bytePopcounts(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (x + (x >>> 4)) & 0x0f0f0f0f;
}

/**
 * The Hamming distance of the `words` 32-bit words at `codes[o…]` and `q`. Four words' byte counts
 * are added before they are summed across bytes (at most 32 a byte), which halves the work of
 * counting each word on its own.
 */
export function hamming(codes: Int32Array, o: number, q: Int32Array, words: number): number {
  let h = 0;
  let w = 0;
  for (; w + 3 < words; w += 4) {
    const bytes =
      bytePopcounts((codes[o + w] as number) ^ (q[w] as number)) +
      bytePopcounts((codes[o + w + 1] as number) ^ (q[w + 1] as number)) +
      bytePopcounts((codes[o + w + 2] as number) ^ (q[w + 2] as number)) +
      bytePopcounts((codes[o + w + 3] as number) ^ (q[w + 3] as number));
    h += Math.imul(bytes, 0x01010101) >>> 24;
  }
  for (; w < words; w++) {
    h += Math.imul(bytePopcounts((codes[o + w] as number) ^ (q[w] as number)), 0x01010101) >>> 24;
  }
  return h;
}
