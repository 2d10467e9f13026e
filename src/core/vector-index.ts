/**
 * Nearest-neighbour search over unit vectors (cosine) without a full float scan per query.
 *
 * Each vector gets a binary code: the signs of (vector − mean of all vectors), one bit per
 * dimension, packed 32 to a word. A query first ranks every vector by the Hamming distance of
 * the codes (xor + popcount: 16 words for 512 dimensions, about 30× less work than a float dot
 * product), selects the `rerank` closest with a counting pass over the distances (no sort), and
 * re-scores those candidates with the exact cosine. Where WebAssembly SIMD runs (vector-kernels.ts)
 * the scan runs there, and the candidates are first ranked by int8 copies of their vectors, so only
 * the best of them get the exact float cosine. The vectors themselves are referenced, not
 * copied: the index adds only the codes (dim / 8 bytes per vector). Pure: no I/O.
 */

/** A vector id (its position in the build list) with its exact cosine to the query. */
import { addUp, encode, hamming } from './vector-codes.js';
import { quantise, VectorKernels } from './vector-kernels.js';

export interface VectorHit {
  id: number;
  score: number;
}

export interface VectorIndexOptions {
  /** Candidates re-scored exactly per query (more = better recall, slower). */
  rerank: number;
  /** Scan and shortlist in WebAssembly where it runs (vector-kernels.ts); false: JavaScript only. */
  kernels: boolean;
}

export const DEFAULT_VECTOR_INDEX: Readonly<VectorIndexOptions> = Object.freeze({
  rerank: 1024,
  kernels: true,
});

/** Dot product of two equal-length vectors (cosine for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1 + s2 + s3;
}

export class VectorIndex {
  readonly size: number;
  readonly dim: number;
  readonly options: Readonly<VectorIndexOptions>;
  readonly #vectors: readonly Float32Array[];
  readonly #mean: Float32Array;
  readonly #words: number;
  readonly #codes: Int32Array;
  /** Scratch space for one query at a time (search is synchronous). */
  readonly #distance: Uint16Array;
  /** 1 for a vector of the index's dimension, 0 for one that can't be searched. */
  readonly #valid: Uint8Array;
  /** Whether every vector has the index's dimension (the scan then needs no per-id check). */
  readonly #allValid: boolean;
  /** 1 / length of each vector (0 for a zero vector), for the exact cosine. */
  readonly #inverseNorm: Float32Array;
  /** The WebAssembly scan and int8 vectors, where they run; undefined: the JavaScript loops. */
  readonly #kernels: VectorKernels | undefined;
  /** Per vector: the factor of its int8 copy (see `quantise`), times 1 / its length. */
  readonly #int8Scale: Float32Array;

  private constructor(
    vectors: readonly Float32Array[],
    options: VectorIndexOptions,
    parts: {
      dim: number;
      mean: Float32Array;
      codes: Int32Array;
      kernels: VectorKernels | undefined;
      int8Scale: Float32Array;
    },
  ) {
    this.#vectors = vectors;
    this.size = vectors.length;
    this.dim = parts.dim;
    this.options = Object.freeze({ ...options });
    this.#mean = parts.mean;
    this.#words = Math.ceil(parts.dim / 32);
    this.#codes = parts.codes;
    this.#kernels = parts.kernels;
    this.#distance = new Uint16Array(this.size);
    this.#valid = Uint8Array.from(vectors, (v) => (v.length === parts.dim ? 1 : 0));
    this.#allValid = this.#valid.every((x) => x === 1);
    this.#inverseNorm = Float32Array.from(vectors, (v) => {
      const n = Math.sqrt(dot(v, v));
      return n > 0 ? 1 / n : 0;
    });
    this.#int8Scale = parts.int8Scale.map((f, id) => f * (this.#inverseNorm[id] as number));
  }

  /**
   * The build's work in slices of `slice` vectors: yields between slices, returns the index. A
   * caller can run it at once (`build`) or pause between slices (`buildInSlices`).
   */
  static *#building(
    vectors: readonly Float32Array[],
    options: VectorIndexOptions,
    slice: number,
    given?: Float32Array,
  ): Generator<void, VectorIndex> {
    const dim = vectors.reduce((d, v) => Math.max(d, v.length), 0);
    let mean = given?.length === dim ? Float32Array.from(given) : undefined;
    if (!mean) {
      const sum = new Float64Array(dim);
      let counted = 0;
      for (let at = 0; at < vectors.length; at += slice) {
        counted += addUp(vectors, at, Math.min(vectors.length, at + slice), sum);
        yield;
      }
      mean = Float32Array.from(sum, (m) => (counted ? m / counted : 0));
    }
    const words = Math.ceil(dim / 32);
    const kernels = options.kernels
      ? VectorKernels.create(vectors.length, words, dim, options.rerank)
      : undefined;
    const codes = kernels ? kernels.codes : new Int32Array(vectors.length * words);
    const int8Scale = new Float32Array(kernels ? vectors.length : 0);
    for (let at = 0; at < vectors.length; at += slice) {
      const end = Math.min(vectors.length, at + slice);
      for (let id = at; id < end; id++) {
        const v = vectors[id] as Float32Array;
        if (v.length !== dim) continue;
        encode(v, mean, dim, codes, id * words);
        if (kernels) int8Scale[id] = quantise(v, kernels.int8, id * dim);
      }
      yield;
    }
    return new VectorIndex(vectors, options, { dim, mean, codes, kernels, int8Scale });
  }

  /** Builds the index over `vectors` (unit length; a vector of another length is never found). */
  static build(vectors: readonly Float32Array[], options: Partial<VectorIndexOptions> = {}): VectorIndex {
    const steps = VectorIndex.#building(vectors, { ...DEFAULT_VECTOR_INDEX, ...options }, Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * Builds the index `slice` vectors at a time, awaiting `pause()` between slices. `mean`, the
   * `mean` of an index built before over the very same vectors (saved beside them), spares the
   * pass that computes it.
   */
  static async buildInSlices(
    vectors: readonly Float32Array[],
    options: Partial<VectorIndexOptions>,
    slice: number,
    pause: () => Promise<void>,
    mean?: Float32Array,
  ): Promise<VectorIndex> {
    const opts = { ...DEFAULT_VECTOR_INDEX, ...options };
    const steps = VectorIndex.#building(vectors, opts, Math.max(1, slice), mean);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await pause();
    }
  }

  /** The mean of the vectors, which the binary codes are taken against (a copy). */
  get mean(): Float32Array {
    return Float32Array.from(this.#mean);
  }

  #encode(v: Float32Array, out: Int32Array, at: number): void {
    encode(v, this.#mean, this.dim, out, at);
  }

  /**
   * The `k` vectors closest to `query` by cosine, best first, with exact scores; `filter` keeps
   * only the ids it accepts (a filter that keeps fewer than `rerank` ids makes the search exact).
   */
  search(query: Float32Array, k: number, filter?: (id: number) => boolean): VectorHit[] {
    if (k <= 0 || this.size === 0 || query.length !== this.dim) return [];
    const words = this.#words;
    const q = new Int32Array(words);
    this.#encode(query, q, 0);
    const codes = this.#codes;
    const kernels = this.#kernels;
    const distance = kernels ? kernels.hamming(q) : this.#distance;
    const valid = this.#valid;
    const size = this.size;
    const excluded = this.dim + 1;
    const histogram = new Uint32Array(this.dim + 2);
    if (kernels && filter === undefined && this.#allValid) {
      for (let id = 0; id < size; id++) {
        const h = distance[id] as number;
        histogram[h] = (histogram[h] as number) + 1;
      }
    } else {
      for (let id = 0, o = 0; id < size; id++, o += words) {
        let h = excluded;
        if (valid[id] === 1 && (filter === undefined || filter(id)))
          h = kernels ? (distance[id] as number) : hamming(codes, o, q, words);
        distance[id] = h;
        histogram[h] = (histogram[h] as number) + 1;
      }
    }
    // The smallest distance bound that admits `rerank` candidates (ties at the bound are cut).
    const want = Math.max(this.options.rerank, k);
    let bound = 0;
    let below = 0;
    while (bound <= this.dim && below + (histogram[bound] as number) < want)
      below += histogram[bound++] as number;
    let atBound = want - below;
    const candidates: number[] = [];
    for (let id = 0; id < size; id++) {
      const h = distance[id] as number;
      if (h < bound) candidates.push(id);
      else if (h === bound && h !== excluded && atBound > 0) {
        candidates.push(id);
        atBound--;
      }
    }
    return this.#rescore(query, this.#int8Shortlist(query, candidates, k), k);
  }

  /**
   * Of `candidates`, the best `k` plus a quarter (ties kept in id order) by the int8 dot product,
   * where the kernels run; all of them otherwise. The int8 copies rank as the floats do but for
   * near-ties, which the margin leaves to the exact cosine.
   */
  #int8Shortlist(query: Float32Array, candidates: number[], k: number): number[] {
    const kernels = this.#kernels;
    const keep = k + Math.ceil(k / 4);
    if (!kernels || candidates.length <= keep || candidates.length > kernels.maxIds) return candidates;
    const q8 = new Int8Array(this.dim);
    quantise(query, q8, 0);
    const dots = kernels.dots(q8, candidates);
    const scale = this.#int8Scale;
    const n = candidates.length;
    const score = new Float64Array(n);
    for (let i = 0; i < n; i++) score[i] = (dots[i] as number) * (scale[candidates[i] as number] as number);
    // The keep-th best score, then every candidate above it and, in id order, enough of those at it
    // (candidates come in id order; the caller sorts what it gets by the exact cosine).
    const threshold = score.slice().sort()[n - keep] as number;
    let atThreshold = keep;
    for (let i = 0; i < n; i++) if ((score[i] as number) > threshold) atThreshold--;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = score[i] as number;
      if (s > threshold || (s === threshold && atThreshold-- > 0)) out.push(candidates[i] as number);
    }
    return out;
  }

  /** The exact answer: every (accepted) vector scored. For tests and recall measurements. */
  searchExact(query: Float32Array, k: number, filter?: (id: number) => boolean): VectorHit[] {
    if (k <= 0 || query.length !== this.dim) return [];
    const ids: number[] = [];
    for (let id = 0; id < this.size; id++) {
      if ((this.#vectors[id] as Float32Array).length === this.dim && (!filter || filter(id))) ids.push(id);
    }
    return this.#rescore(query, ids, k);
  }

  /** The exact cosine of `query` and vector `id` (0 for an id outside the index or another length). */
  cosine(query: Float32Array, id: number): number {
    const v = this.#vectors[id];
    if (!v || v.length !== query.length) return 0;
    const qn = Math.sqrt(dot(query, query));
    return qn > 0 ? (dot(query, v) * (this.#inverseNorm[id] as number)) / qn : 0;
  }

  #rescore(query: Float32Array, ids: readonly number[], k: number): VectorHit[] {
    const qn = Math.sqrt(dot(query, query));
    const inverse = qn > 0 ? 1 / qn : 0;
    const hits = ids.map((id) => ({
      id,
      score: dot(query, this.#vectors[id] as Float32Array) * (this.#inverseNorm[id] as number) * inverse,
    }));
    hits.sort((a, b) => b.score - a.score || a.id - b.id);
    return hits.slice(0, k);
  }
}

/**
 * The candidates a hybrid ranking scores: the `k` nearest vectors to `query` (accepted by
 * `filter`) plus every id of `also` (the lexical candidates) that `filter` accepts, each once,
 * with its exact cosine. Any id left out is, with `also` excluded, no nearer than the `k`th.
 */
export function semanticCandidates(
  vectors: readonly Float32Array[],
  query: Float32Array,
  k: number,
  also: Iterable<number> = [],
  filter?: (id: number) => boolean,
): VectorHit[] {
  const index = vectorIndexOf(vectors);
  const hits = index.search(query, k, filter);
  const seen = new Set(hits.map((h) => h.id));
  for (const id of also) {
    if (seen.has(id) || (filter && !filter(id))) continue;
    seen.add(id);
    hits.push({ id, score: index.cosine(query, id) });
  }
  return hits;
}

/** One index per vector list, built on first use (the lists of a snapshot are immutable). */
const built = new WeakMap<readonly Float32Array[], VectorIndex>();

/** The index over `vectors` if one was built, without building it. */
export function builtVectorIndex(vectors: readonly Float32Array[]): VectorIndex | undefined {
  return built.get(vectors);
}

/** The index over `vectors`, built once per list (on first use) and kept while the list lives. */
export function vectorIndexOf(vectors: readonly Float32Array[]): VectorIndex {
  let index = built.get(vectors);
  if (!index) {
    index = VectorIndex.build(vectors);
    built.set(vectors, index);
  }
  return index;
}

/** Builds the index of `vectors` ahead of its first use, in slices (see `VectorIndex.buildInSlices`). */
vectorIndexOf.inSlices = async (
  vectors: readonly Float32Array[],
  slice: number,
  pause: () => Promise<void>,
  mean?: Float32Array,
): Promise<VectorIndex> => {
  let index = built.get(vectors);
  if (!index) {
    index = await VectorIndex.buildInSlices(vectors, {}, slice, pause, mean);
    built.set(vectors, index);
  }
  return index;
};
