import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VectorCache, vectorCacheFile } from '../src/corpus/vector-cache.js';
import type { Embedder } from '../src/semantic/embedder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-vc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vec = (...xs: number[]) => Float32Array.from(xs);

describe('the vector cache', () => {
  it('keeps vectors by model and text across a save and an open', async () => {
    const cache = await VectorCache.open(dir, 'm1');
    expect(cache.note).toBe('no vector cache yet');
    cache.set('alpha', vec(1, 2, 3));
    cache.set('beta', vec(4, 5, 6));
    const saved = await cache.save();
    expect(saved.vectors).toBe(2);
    const again = await VectorCache.open(dir, 'm1');
    expect(again.note).toBeUndefined();
    expect(Array.from(again.get('alpha') ?? [])).toEqual([1, 2, 3]);
    expect(Array.from(again.get('beta') ?? [])).toEqual([4, 5, 6]);
    expect(again.get('gamma')).toBeUndefined();
    // Another model has its own file: nothing of m1's is offered to it.
    expect((await VectorCache.open(dir, 'm2')).get('alpha')).toBeUndefined();
  });

  it('saves the entries it held when the save began, pausing; vectors added meanwhile keep it unsaved', async () => {
    const cache = await VectorCache.open(dir, 'm');
    for (let i = 0; i < 4500; i++) cache.set(`text ${i}`, vec(i, 1, 2));
    let pauses = 0;
    const saved = await cache.save(async () => {
      pauses++;
      // A vector added while the save pauses is not in this file, and the cache stays dirty.
      cache.set(`added during pause ${pauses}`, vec(9, 9, 9));
      await new Promise((r) => setImmediate(r));
    });
    expect(pauses).toBe(2);
    expect(saved.vectors).toBe(4500);
    expect(cache.dirty).toBe(true);
    const again = await VectorCache.open(dir, 'm');
    expect(again.size).toBe(4500);
    expect(Array.from(again.get('text 4499') ?? [])).toEqual([4499, 1, 2]);
    expect(again.get('added during pause 1')).toBeUndefined();
    await cache.save();
    expect(cache.dirty).toBe(false);
    expect((await VectorCache.open(dir, 'm')).size).toBe(4502);
  });

  it('adds the vectors it lacks, keeping those it has, and counts both as looked up', async () => {
    const cache = VectorCache.memory('m');
    cache.set('kept', vec(1, 1, 1));
    cache.set('dropped', vec(2, 2, 2));
    cache.retainTouched();
    let pauses = 0;
    const more = new Map<string, Float32Array>([['kept', vec(5, 5, 5)]]);
    for (let i = 0; i < 2000; i++) more.set(`new ${i}`, vec(i, 0, 0));
    await cache.addMissing(more, () => {
      pauses++;
      return Promise.resolve();
    });
    expect(pauses).toBe(1);
    cache.retainTouched();
    expect(cache.size).toBe(2001);
    expect(Array.from(cache.get('kept') ?? [])).toEqual([1, 1, 1]);
    expect(cache.get('dropped')).toBeUndefined();
  });

  it('records what a wrapped embedder makes, and drops texts no longer looked up', async () => {
    const cache = VectorCache.memory('m');
    const inner: Embedder = {
      model: 'm',
      embed: (texts) => Promise.resolve(texts.map((t) => vec(t.length))),
    };
    await cache.recording(inner).embed(['a', 'bb']);
    expect(Array.from(cache.get('bb') ?? [])).toEqual([2]);
    cache.retainTouched();
    expect(cache.size).toBe(2);
    cache.get('a');
    cache.retainTouched();
    expect(cache.size).toBe(1);
    expect(cache.get('bb')).toBeUndefined();
  });

  it('ignores a corrupt, truncated, foreign or other-model file with a reason', async () => {
    const cache = await VectorCache.open(dir, 'm1');
    cache.set('alpha', vec(1, 2, 3));
    await cache.save();
    const file = vectorCacheFile(dir, 'm1');
    const good = await readFile(file);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 2] = (flipped[flipped.length - 2] as number) ^ 0xff;
    await writeFile(file, flipped);
    let opened = await VectorCache.open(dir, 'm1');
    expect(opened.note).toMatch(/checksum/);
    expect(opened.size).toBe(0);

    await writeFile(file, good.subarray(0, good.length - 3));
    expect((await VectorCache.open(dir, 'm1')).note).toMatch(/truncated/);

    await writeFile(file, 'hello, not a cache\n');
    expect((await VectorCache.open(dir, 'm1')).note).toMatch(/magic/);

    // A file of model m1 put where m2's belongs.
    await writeFile(vectorCacheFile(dir, 'm2'), good);
    opened = await VectorCache.open(dir, 'm2');
    expect(opened.note).toMatch(/model "m1"/);
    expect(opened.get('alpha')).toBeUndefined();
  });
});
