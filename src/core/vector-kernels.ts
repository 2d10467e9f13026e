/**
 * The two inner loops of the vector search in WebAssembly, where JavaScript has neither a 64-bit
 * popcount nor SIMD: the Hamming distance of every sign-bit code to the query's (`i64.popcnt`,
 * eight words for 512 dimensions), and int8 dot products of chosen vectors with the query
 * (`i32x4.dot_i16x8_s`, sixteen dimensions a step). The module is compiled from
 * vector-kernels.wat (`npx tsx scripts/build-kernels.ts` writes the bytes below; a test checks
 * they match the text). Where WebAssembly SIMD is missing, `VectorKernels.create` returns
 * undefined and the caller keeps its JavaScript loops. Pure: no I/O.
 */

/** vector-kernels.wat, compiled (364 bytes). */
export const KERNELS_WASM_BASE64 =
  'AGFzbQEAAAABEgJgBX9/f39/AGAGf39/f39/AAIPAQNlbnYGbWVtb3J5AgABAwMCAAEHEgIHaGFtbWluZwAABGRvdHMAAQqjAgJrAwJ/AX4BfyADQQN0IQgCQANAIAUgAk8NAUIAIQdBACEGA0AgByAAIAZqKQMAIAEgBmopAwCFe3whByAGQQhqIQYgBiAISQ0ACyAEIAenOwEAIARBAmohBCAAIAhqIQAgBUEBaiEFDAALCwu0AQIDfwN7AkADQCAGIANPDQEgACACIAZBAnRqKAIAIAFsaiEH/QwAAAAAAAAAAAAAAAAAAAAAIQtBACEIA0AgByAIav0ABAAhCSAEIAhq/QAEACEKIAsgCf2HASAK/YcB/boBIAn9iAEgCv2IAf26Af2uAf2uASELIAhBEGohCCAIIAFJDQALIAUgBkECdGogC/0bACAL/RsBaiAL/RsCIAv9GwNqajYCACAGQQFqIQYMAAsLCw==';

interface Exports {
  hamming(codes: number, q: number, count: number, words: number, out: number): void;
  dots(vecs: number, dim: number, ids: number, n: number, q: number, out: number): void;
}

/** The part of the WebAssembly API used here (the project's type libraries don't declare its values). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled module, or null where this runtime can't run it (no WebAssembly SIMD). */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

const PAGE = 65_536;
/** Byte offsets are rounded up to this (SIMD loads of 16 bytes stay aligned). */
const ALIGN = 16;
const aligned = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** The largest int8 magnitude a quantised component takes. */
export const INT8_SCALE = 127;

/**
 * Writes `v` as int8 (each component × 127 / the largest magnitude, rounded) into `out` from
 * `at`, and returns the factor that turns an int8 dot product back into the float one's scale
 * (multiply two such factors with the integer dot product).
 */
export function quantise(v: Float32Array, out: Int8Array, at: number): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i] as number));
  if (max === 0) {
    out.fill(0, at, at + v.length);
    return 0;
  }
  const f = INT8_SCALE / max;
  // Rounded to the nearest, ties upward as Math.round does: x × f is within ±127, so x × f + 128.5 is positive and `| 0` floors it
  // (Math.round, storing a double into the array, is several times slower here).
  for (let i = 0; i < v.length; i++) out[at + i] = (((v[i] as number) * f + 128.5) | 0) - 128;
  return max / INT8_SCALE;
}

/**
 * The vector search's data laid out in one WebAssembly memory: `count` sign-bit codes of `words`
 * 32-bit words (an even number), `count` int8 vectors of `dim` components (a multiple of 16), and
 * room for one query and up to `maxIds` ids per call.
 */
export class VectorKernels {
  readonly count: number;
  readonly words: number;
  readonly dim: number;
  readonly maxIds: number;
  /** The codes, written by the caller once (32-bit words, `words` per vector). */
  readonly codes: Int32Array;
  /** The int8 vectors, written by the caller once (`dim` per vector). */
  readonly int8: Int8Array;
  readonly #exports: Exports;
  readonly #queryCode: Int32Array;
  readonly #queryInt8: Int8Array;
  readonly #ids: Int32Array;
  readonly #distances: Uint16Array;
  readonly #dots: Int32Array;

  private constructor(
    api: WasmApi,
    module: object,
    count: number,
    words: number,
    dim: number,
    maxIds: number,
  ) {
    this.count = count;
    this.words = words;
    this.dim = dim;
    this.maxIds = maxIds;
    const layout: [string, number][] = [
      ['codes', count * words * 4],
      ['int8', count * dim],
      ['queryCode', words * 4],
      ['queryInt8', dim],
      ['ids', maxIds * 4],
      ['distances', count * 2],
      ['dots', maxIds * 4],
    ];
    const at = new Map<string, number>();
    let end = 0;
    for (const [name, bytes] of layout) {
      at.set(name, end);
      end = aligned(end + bytes);
    }
    const memory = new api.Memory({ initial: Math.max(1, Math.ceil(end / PAGE)) });
    const instance = new api.Instance(module, { env: { memory } });
    this.#exports = instance.exports as unknown as Exports;
    const buffer = memory.buffer;
    const offset = (name: string) => at.get(name) as number;
    this.codes = new Int32Array(buffer, offset('codes'), count * words);
    this.int8 = new Int8Array(buffer, offset('int8'), count * dim);
    this.#queryCode = new Int32Array(buffer, offset('queryCode'), words);
    this.#queryInt8 = new Int8Array(buffer, offset('queryInt8'), dim);
    this.#ids = new Int32Array(buffer, offset('ids'), maxIds);
    this.#distances = new Uint16Array(buffer, offset('distances'), count);
    this.#dots = new Int32Array(buffer, offset('dots'), maxIds);
  }

  /**
   * Kernels for `count` vectors, or undefined where they can't serve: no WebAssembly SIMD here, an
   * odd number of code words, a dimension that is not a multiple of 16, or more than 4 GiB to hold.
   */
  static create(count: number, words: number, dim: number, maxIds: number): VectorKernels | undefined {
    const module = kernelModule();
    if (!module || !wasm || words % 2 !== 0 || dim === 0 || dim % 16 !== 0) return undefined;
    if (count * (words * 4 + dim + 2) + maxIds * 8 + dim + words * 4 > 4 * 1024 ** 3 - 4 * PAGE)
      return undefined;
    return new VectorKernels(wasm, module, count, words, dim, maxIds);
  }

  /** The Hamming distance of every code to `queryCode` (a view, valid until the next call). */
  hamming(queryCode: Int32Array): Uint16Array {
    this.#queryCode.set(queryCode);
    const e = this.#exports;
    e.hamming(
      this.codes.byteOffset,
      this.#queryCode.byteOffset,
      this.count,
      this.words / 2,
      this.#distances.byteOffset,
    );
    return this.#distances;
  }

  /**
   * The int8 dot product of `queryInt8` with the vectors `ids` (at most `maxIds`), in their order
   * (a view, valid until the next call).
   */
  dots(queryInt8: Int8Array, ids: readonly number[]): Int32Array {
    const n = Math.min(ids.length, this.maxIds);
    this.#queryInt8.set(queryInt8);
    for (let k = 0; k < n; k++) this.#ids[k] = ids[k] as number;
    this.#exports.dots(
      this.int8.byteOffset,
      this.dim,
      this.#ids.byteOffset,
      n,
      this.#queryInt8.byteOffset,
      this.#dots.byteOffset,
    );
    return this.#dots.subarray(0, n);
  }
}
