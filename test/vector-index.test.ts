import { describe, expect, it } from 'vitest';
import { semanticCandidates, VectorIndex, vectorIndexOf } from '../src/core/vector-index.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
/** `n` vectors of `dim` around n/20 centres, with a shared offset (as sentence vectors are). */
function clustered(n: number, dim: number, seed = 1): Float32Array[] {
  const r = rng(seed);
  const g = () => r() * 2 - 1;
  const offset = Float32Array.from({ length: dim }, () => 0.3 * g());
  const centres = Array.from({ length: Math.ceil(n / 20) }, () =>
    unit(Float32Array.from({ length: dim }, g)),
  );
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * centres.length)] as Float32Array;
    return unit(Float32Array.from(c, (x, i) => x + (offset[i] as number) + 0.15 * g()));
  });
}
function exactCosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] as number) * (b[i] as number);
  return d / (Math.hypot(...a) * Math.hypot(...b));
}

describe('the vector index', () => {
  const vectors = clustered(3000, 64);
  const index = VectorIndex.build(vectors, { rerank: 200 });
  // Questions near some of the vectors (a paraphrase is near its passage), not equal to them.
  const noise = rng(7);
  const queries = Array.from({ length: 40 }, (_, i) =>
    unit(Float32Array.from(vectors[i * 70] as Float32Array, (x) => x + 0.1 * (noise() * 2 - 1))),
  );

  it('finds nearly all of the exact top 10 while re-scoring a small share of the vectors', () => {
    let found = 0;
    for (const q of queries) {
      const exact = new Set(index.searchExact(q, 10).map((h) => h.id));
      found += index.search(q, 10).filter((h) => exact.has(h.id)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThan(0.9);
  });

  it('returns exact cosines, best first, and the exact answer is a brute-force scan', () => {
    const q = queries[0] as Float32Array;
    const hits = index.search(q, 5);
    expect(hits).toHaveLength(5);
    for (let i = 1; i < hits.length; i++)
      expect((hits[i - 1] as { score: number }).score).toBeGreaterThanOrEqual(
        (hits[i] as { score: number }).score,
      );
    for (const h of hits) expect(h.score).toBeCloseTo(exactCosine(q, vectors[h.id] as Float32Array), 5);
    const brute = vectors
      .map((v, id) => ({ id, score: exactCosine(q, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5)
      .map((h) => h.id);
    expect(index.searchExact(q, 5).map((h) => h.id)).toEqual(brute);
  });

  it('keeps only what the filter accepts, and a narrow filter is searched exactly', () => {
    const q = queries[1] as Float32Array;
    const few = new Set([5, 17, 2999, 1234, 42]);
    const hits = index.search(q, 3, (id) => few.has(id));
    expect(hits.every((h) => few.has(h.id))).toBe(true);
    expect(hits.map((h) => h.id)).toEqual(index.searchExact(q, 3, (id) => few.has(id)).map((h) => h.id));
    expect(index.search(q, 3, () => false)).toEqual([]);
  });

  it('ignores vectors of another length and queries of the wrong size', () => {
    const mixed = [new Float32Array([1, 0]), new Float32Array(0), new Float32Array([0, 1])];
    const small = VectorIndex.build(mixed);
    expect(small.search(new Float32Array([1, 0.1]), 5).map((h) => h.id)).toEqual([0, 2]);
    expect(small.search(new Float32Array([1, 0, 0]), 5)).toEqual([]);
  });

  it('builds the same index in slices as at once, and once per vector list', async () => {
    const sliced = await VectorIndex.buildInSlices(vectors, { rerank: 200 }, 128, () => Promise.resolve());
    for (const q of queries.slice(0, 5)) expect(sliced.search(q, 10)).toEqual(index.search(q, 10));
    expect(vectorIndexOf(vectors)).toBe(vectorIndexOf(vectors));
    expect(await vectorIndexOf.inSlices(vectors, 500, () => Promise.resolve())).toBe(vectorIndexOf(vectors));
  });

  it('builds the same index again from its saved mean, without the pass over the vectors', async () => {
    const mean = index.mean;
    expect(mean.length).toBe(index.dim);
    const sum = new Float64Array(index.dim);
    for (const v of vectors) v.forEach((x, j) => (sum[j] = (sum[j] as number) + x));
    expect(Array.from(mean)).toEqual(Array.from(sum, (x) => Math.fround(x / vectors.length)));
    const fromMean = (given: Float32Array) =>
      VectorIndex.buildInSlices(vectors, { rerank: 200 }, 128, () => Promise.resolve(), given);
    // A mean that is not the vectors' own shows that the given one is used ...
    const other = Float32Array.from(mean, (x, j) => (j % 2 ? x + 0.05 : x - 0.05));
    expect(Array.from((await fromMean(other)).mean)).toEqual(Array.from(other));
    // ... and the saved one makes the very same index; one of the wrong length is not used.
    for (const given of [mean, new Float32Array(3)]) {
      const again = await fromMean(given);
      expect(Array.from(again.mean)).toEqual(Array.from(mean));
      for (const q of queries.slice(0, 5)) expect(again.search(q, 10)).toEqual(index.search(q, 10));
    }
  });

  it('finds the same nearest vectors with the WebAssembly scan and int8 shortlist as in JavaScript alone', () => {
    const plain = VectorIndex.build(vectors, { rerank: 200, kernels: false });
    let same = 0;
    for (const q of queries) {
      const mine = new Set(plain.search(q, 10).map((h) => h.id));
      same += index.search(q, 10).filter((h) => mine.has(h.id)).length;
      for (const h of index.search(q, 3)) expect(h.score).toBeCloseTo(plain.cosine(q, h.id), 6);
    }
    expect(same / (queries.length * 10)).toBeGreaterThanOrEqual(0.98);
  });

  it('leaves vectors of another length and ids the filter refuses out of the WebAssembly scan too', () => {
    const mixed = vectors.map((v, id) => (id % 97 === 0 ? v.subarray(0, 32) : v));
    const even = (id: number) => id % 2 === 0;
    for (const kernels of [true, false]) {
      const ix = VectorIndex.build(mixed, { rerank: 200, kernels });
      for (const q of queries.slice(0, 10)) {
        const all = ix.search(q, 20).map((h) => h.id);
        const filtered = ix.search(q, 20, even).map((h) => h.id);
        expect(all).toHaveLength(20);
        expect(all.filter((id) => id % 97 === 0)).toEqual([]);
        expect(filtered.filter((id) => id % 97 === 0 || !even(id))).toEqual([]);
        expect(filtered[0]).toBe(ix.searchExact(q, 1, even)[0]?.id);
      }
    }
  });

  it('adds the lexical candidates to the nearest ones, once each, with their cosine', () => {
    const q = queries[2] as Float32Array;
    const far = index.searchExact(q, vectors.length).at(-1)?.id as number;
    const hits = semanticCandidates(vectors, q, 10, [far, far]);
    expect(hits).toHaveLength(11);
    expect(hits.at(-1)?.id).toBe(far);
    expect(hits.at(-1)?.score).toBeCloseTo(exactCosine(q, vectors[far] as Float32Array), 5);
  });
});
