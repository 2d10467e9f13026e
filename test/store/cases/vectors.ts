// Every SharedVectors method (the sentence vectors instances share), as cases registered against any
// store (see fixture.ts): a bit-exact round trip across read and write chunks, unknown keys, the
// first vector of a key kept, models kept apart, concurrent writers, and retention leaving them.
import { expect, it } from 'vitest';
import type { Store } from '../../../src/store/corpus-types.js';
import type { StoreFixture } from './fixture.js';
import { storePerTest } from './fixture.js';

/** A 32-hex key for `n`. */
const key = (n: number) => n.toString(16).padStart(32, '0');

/**
 * A vector of `dim` (at least 3) floats for `n` whose bit patterns vary widely: negative zero, a
 * subnormal, the extremes, infinities and NaN payloads among ordinary values.
 */
function vector(n: number, dim = 12): Float32Array {
  const v = new Float32Array(dim);
  const bits = new Uint32Array(v.buffer);
  for (let i = 0; i < dim; i++) bits[i] = Math.imul(n * 31 + i + 1, 2_654_435_761) >>> 0;
  v[0] = n % 2 === 0 ? -0 : 1e-45;
  v[1] = n % 3 === 0 ? Number.POSITIVE_INFINITY : -3.4028234663852886e38;
  bits[2] = 0x7fc0_0000 + (n % 1024) + 1; // a NaN with a payload
  return v;
}

/** The bytes of a vector (bit-exact comparison, NaN payloads included). */
const bytes = (v: Float32Array | undefined) =>
  v ? Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) : v;

/** Registers the SharedVectors cases against stores of `fixture`. */
export function vectorCases(fixture: StoreFixture): void {
  let store: Store;

  storePerTest(fixture, (s) => {
    store = s;
  });

  it('tells which keys have a vector of a model, across chunks, without the others or other models', async () => {
    const n = 1234;
    await store.putVectors(
      'm1',
      Array.from({ length: n }, (_, i) => ({ key: key(2 * i), vector: vector(i) })),
    );
    await store.putVectors('m2', [{ key: key(1), vector: vector(1) }]);
    const asked = Array.from({ length: 2 * n }, (_, i) => key(i));
    const stored = await store.storedVectorKeys('m1', [...asked, key(0)]);
    expect(stored.size).toBe(n);
    expect([...stored].every((k) => Number.parseInt(k, 16) % 2 === 0)).toBe(true);
    expect(await store.storedVectorKeys('m2', asked)).toEqual(new Set([key(1)]));
    expect((await store.storedVectorKeys('m3', asked)).size).toBe(0);
    expect((await store.storedVectorKeys('m1', [])).size).toBe(0);
  });

  it('gives back every vector bit for bit, across more than one chunk of keys', async () => {
    const n = 1234;
    const entries = Array.from({ length: n }, (_, i) => ({ key: key(i), vector: vector(i) }));
    await store.putVectors('m1', entries);
    const keys = entries.map((e) => e.key);
    const found = await store.getVectors('m1', keys);
    expect(found.size).toBe(n);
    for (const e of entries) expect(bytes(found.get(e.key))).toEqual(bytes(e.vector));
  });

  it('leaves unknown keys out, and reads no keys as no vectors', async () => {
    await store.putVectors('m1', [{ key: key(1), vector: vector(1) }]);
    const found = await store.getVectors('m1', [key(9), key(1), key(10)]);
    expect([...found.keys()]).toEqual([key(1)]);
    expect((await store.getVectors('m1', [])).size).toBe(0);
    await store.putVectors('m1', []);
  });

  it('keeps the first vector of a key: a second put of it is no error and changes nothing', async () => {
    await store.putVectors('m1', [{ key: key(1), vector: vector(1) }]);
    await store.putVectors('m1', [
      { key: key(1), vector: vector(100) },
      { key: key(2), vector: vector(2) },
      { key: key(2), vector: vector(200) },
    ]);
    const found = await store.getVectors('m1', [key(1), key(2)]);
    expect(bytes(found.get(key(1)))).toEqual(bytes(vector(1)));
    expect(bytes(found.get(key(2)))).toEqual(bytes(vector(2)));
  });

  it('keeps the models apart, each with its own dimension', async () => {
    await store.putVectors('m1', [{ key: key(1), vector: vector(1) }]);
    await store.putVectors('m2', [
      { key: key(1), vector: vector(7, 4) },
      { key: key(2), vector: vector(2, 4) },
    ]);
    const one = await store.getVectors('m1', [key(1), key(2)]);
    expect([...one.keys()]).toEqual([key(1)]);
    expect(bytes(one.get(key(1)))).toEqual(bytes(vector(1)));
    const two = await store.getVectors('m2', [key(1), key(2)]);
    expect(bytes(two.get(key(1)))).toEqual(bytes(vector(7, 4)));
    expect(two.get(key(2))?.length).toBe(4);
    expect((await store.getVectors('m3', [key(1)])).size).toBe(0);
  });

  it('takes the same keys from two connections at once without an error', async () => {
    const [one, two] = await fixture.openTwo();
    try {
      const entries = Array.from({ length: 50 }, (_, i) => ({ key: key(i), vector: vector(i) }));
      await Promise.all([
        one.putVectors('m1', entries),
        two.putVectors('m1', entries.toReversed()),
        one.putVectors('m1', entries.slice(10)),
      ]);
      const found = await two.getVectors(
        'm1',
        entries.map((e) => e.key),
      );
      expect(found.size).toBe(50);
      expect(bytes(found.get(key(49)))).toEqual(bytes(vector(49)));
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('is left alone by retention (not user data)', async () => {
    await store.putVectors('m1', [{ key: key(1), vector: vector(1) }], 1000);
    await store.purge(Date.now() + 86_400_000);
    await store.purgeFleet(Date.now() + 86_400_000);
    expect((await store.getVectors('m1', [key(1)])).size).toBe(1);
  });
}
