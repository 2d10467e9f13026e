/**
 * Vector search at scale: recall@10 against the exact answer and µs per query for the
 * binary-code index (src/core/vector-index.ts) at several rerank sizes, with and without its
 * WebAssembly kernels, and for a plain int8-quantised full scan, over synthetic unit vectors of
 * 512 dimensions.
 *
 *   npx tsx bench/vector-index.ts [--sizes 50000,200000] [--queries 200] [--kind clustered|random]
 *
 * `clustered` vectors are drawn around 1 centre per 50 vectors (noise 0.8 of the centre's
 * length; nearest neighbours share a centre, as paraphrases do); `random` are uniform on the
 * sphere (the worst case: no neighbour is much nearer than any other).
 */
import { parseArgs } from 'node:util';
import { dot, VectorIndex } from '../src/core/vector-index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '50000,200000' },
    queries: { type: 'string', default: '200' },
    kind: { type: 'string', default: 'clustered' },
    rerank: { type: 'string', default: '256,512,1024,2048' },
  },
});
const DIM = 512;
let seed = 1;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}
function unit(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v)) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
}
function randomUnit(): Float32Array {
  return unit(Float32Array.from({ length: DIM }, gauss));
}
/** Vectors around shared centres, plus a common offset (real sentence vectors are not centred). */
function make(n: number, kind: string): Float32Array[] {
  if (kind === 'random') return Array.from({ length: n }, randomUnit);
  const offset = randomUnit().map((x) => x * 0.5);
  const centres = Array.from({ length: Math.ceil(n / 50) }, randomUnit);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rand() * centres.length)] as Float32Array;
    return unit(
      Float32Array.from(c, (x, i) => x + (offset[i] as number) + (0.8 / Math.sqrt(DIM)) * gauss() * 1.2),
    );
  });
}

class Int8Scan {
  readonly codes: Int8Array;
  constructor(readonly vectors: readonly Float32Array[]) {
    this.codes = new Int8Array(vectors.length * DIM);
    vectors.forEach((v, i) => {
      for (let j = 0; j < DIM; j++)
        this.codes[i * DIM + j] = Math.max(-127, Math.min(127, Math.round((v[j] as number) * 127 * 4)));
    });
  }
  search(q: Float32Array, k: number, rerank = 64): number[] {
    const qq = Int8Array.from(q, (x) => Math.max(-127, Math.min(127, Math.round(x * 127 * 4))));
    const n = this.vectors.length;
    const s = new Int32Array(n);
    const c = this.codes;
    for (let r = 0, o = 0; r < n; r++, o += DIM) {
      let a = 0;
      for (let j = 0; j < DIM; j++) a += (c[o + j] as number) * (qq[j] as number);
      s[r] = a;
    }
    const ids = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => (s[b] as number) - (s[a] as number))
      .slice(0, rerank);
    return ids
      .map((id) => ({ id, score: dot(q, this.vectors[id] as Float32Array) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map((h) => h.id);
  }
}

function recall(got: number[], want: number[]): number {
  const w = new Set(want);
  return got.filter((g) => w.has(g)).length / want.length;
}

const queries = Number(values.queries);
for (const size of values.sizes.split(',').map(Number)) {
  const vectors = make(size + queries, values.kind);
  const base = vectors.slice(0, size);
  // Queries: perturbed copies of held-out vectors (near, not equal, to the base ones).
  const qs = vectors.slice(size).map((v) => unit(Float32Array.from(v, (x) => x + 0.02 * gauss())));
  let t = performance.now();
  const idx = VectorIndex.build(base);
  const buildMs = performance.now() - t;
  const exact = qs.map((q) => idx.searchExact(q, 10).map((h) => h.id));
  t = performance.now();
  for (const q of qs.slice(0, 20)) idx.searchExact(q, 10);
  const exactUs = ((performance.now() - t) / 20) * 1000;
  console.log(
    `${values.kind} n=${size}: build ${buildMs.toFixed(0)} ms; exact float scan ${exactUs.toFixed(0)} µs/query`,
  );
  for (const kernels of [false, true])
    for (const rerank of values.rerank.split(',').map(Number)) {
      const ix = VectorIndex.build(base, { rerank, kernels });
      for (const q of qs.slice(0, 10)) ix.search(q, 10);
      t = performance.now();
      const got = qs.map((q) => ix.search(q, 10).map((h) => h.id));
      const us = ((performance.now() - t) / qs.length) * 1000;
      const r = got.reduce((s, g, i) => s + recall(g, exact[i] as number[]), 0) / qs.length;
      const how = kernels ? 'WebAssembly scan + int8 shortlist' : 'JavaScript';
      console.log(
        `  binary codes (${how}), rerank ${rerank}: recall@10 ${r.toFixed(3)}, ${us.toFixed(0)} µs/query`,
      );
    }
  const i8 = new Int8Scan(base);
  const sample = qs.slice(0, 40);
  for (const q of sample.slice(0, 3)) i8.search(q, 10);
  t = performance.now();
  const got8 = sample.map((q) => i8.search(q, 10));
  const us8 = ((performance.now() - t) / sample.length) * 1000;
  const r8 = got8.reduce((s, g, i) => s + recall(g, exact[i] as number[]), 0) / sample.length;
  console.log(`  int8 full scan + rerank 64: recall@10 ${r8.toFixed(3)}, ${us8.toFixed(0)} µs/query`);
}
