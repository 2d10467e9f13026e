import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64, quantise, VectorKernels } from '../src/core/vector-kernels.js';
import { compileKernels } from '../scripts/lib/kernels.js';
import { mulberry32 as random } from '../bench/generate.js';

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

describe('vector kernels (WebAssembly)', () => {
  it('are the compiled vector-kernels.wat, byte for byte', async () => {
    const compiled = Buffer.from(await compileKernels()).toString('base64');
    expect(compiled).toBe(KERNELS_WASM_BASE64);
  });

  it('compute the Hamming distances and int8 dot products a plain loop does', () => {
    const rnd = random(7);
    const count = 300;
    const words = 16;
    const dim = 48;
    const k = VectorKernels.create(count, words, dim, 64);
    expect(k).toBeDefined();
    if (!k) return;
    for (let i = 0; i < k.codes.length; i++) k.codes[i] = Math.floor(rnd() * 2 ** 32) | 0;
    for (let i = 0; i < k.int8.length; i++) k.int8[i] = Math.floor(rnd() * 255) - 127;
    const q = Int32Array.from({ length: words }, () => Math.floor(rnd() * 2 ** 32) | 0);
    const distances = k.hamming(q);
    for (let id = 0; id < count; id++) {
      let h = 0;
      for (let w = 0; w < words; w++) h += popcount((k.codes[id * words + w] as number) ^ (q[w] as number));
      expect(distances[id], `code ${id}`).toBe(h);
    }
    const q8 = Int8Array.from({ length: dim }, () => Math.floor(rnd() * 255) - 127);
    q8[0] = -127;
    const ids = Array.from({ length: 64 }, () => Math.floor(rnd() * count));
    const dots = k.dots(q8, ids);
    expect(dots.length).toBe(64);
    ids.forEach((id, i) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (k.int8[id * dim + j] as number) * (q8[j] as number);
      expect(dots[i], `id ${id}`).toBe(s);
    });
  });

  it('are not made for layouts they cannot serve', () => {
    expect(VectorKernels.create(10, 15, 480, 8)).toBeUndefined(); // odd number of 32-bit words
    expect(VectorKernels.create(10, 16, 500, 8)).toBeUndefined(); // not a multiple of 16
    expect(VectorKernels.create(10, 0, 0, 8)).toBeUndefined();
  });

  it('quantise to int8 with the largest component at ±127, rounding to the nearest (ties upward)', () => {
    const v = Float32Array.from([0.5, -0.25, 0.1, -0.5, 0.003937, 0]);
    const out = new Int8Array(8).fill(9);
    const scale = quantise(v, out, 1);
    expect([...out]).toEqual([9, 127, -63, 25, -127, 1, 0, 9]);
    expect(scale).toBeCloseTo(0.5 / 127, 9);
    const zero = new Int8Array(3).fill(5);
    expect(quantise(new Float32Array(3), zero, 0)).toBe(0);
    expect([...zero]).toEqual([0, 0, 0]);
  });
});
