import { describe, expect, it } from 'vitest';
import { coalescing } from '../src/semantic/coalesce.js';
import type { Embedder } from '../src/semantic/embedder.js';

/** A model whose calls wait until released; each text's vector is [its length, its call's number]. */
function heldModel() {
  /** A clock the test moves. */
  const clock = { ms: 0 };
  const calls: string[][] = [];
  const releases: (() => void)[] = [];
  let fail: Error | undefined;
  const model: Embedder = {
    model: 'held',
    embed(texts) {
      calls.push(texts);
      const n = calls.length;
      return new Promise((resolve, reject) => {
        releases.push(() => {
          if (fail) reject(fail);
          else resolve(texts.map((t) => Float32Array.of(t.length, n)));
        });
      });
    },
  };
  return {
    model,
    clock,
    now: () => clock.ms,
    calls,
    /** Lets the oldest unanswered call finish. */
    next: async () => {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
    failNext: (err: Error) => (fail = err),
  };
}

describe('coalescing embedder', () => {
  it('sends an idle model one call at once, and the calls made meanwhile as one batch each caller splits', async () => {
    const m = heldModel();
    const c = coalescing(m.model, 4, m.now);
    expect(c.expectedMs()).toBe(0);
    const first = c.embed(['a']);
    expect(m.calls).toEqual([['a']]);
    const rest = [c.embed(['bb']), c.embed(['ccc', 'dddd']), c.embed(['eeeee'])];
    expect(c.pending).toBe(5);
    m.clock.ms = 12;
    await m.next();
    expect(m.calls[1]).toEqual(['bb', 'ccc', 'dddd', 'eeeee']);
    expect((await first).map((v) => [...v])).toEqual([[1, 1]]);
    await m.next();
    const [b, cd, e] = await Promise.all(rest);
    expect(b?.map((v) => [...v])).toEqual([[2, 2]]);
    expect(cd?.map((v) => [...v])).toEqual([
      [3, 2],
      [4, 2],
    ]);
    expect(e?.map((v) => [...v])).toEqual([[5, 2]]);
    expect(c.pending).toBe(0);
  });

  it('tells how long a new call would take to get its vector, from the batches timed so far', async () => {
    const m = heldModel();
    const c = coalescing(m.model, 2, m.now);
    // Nothing timed yet: nothing to go by.
    void c.embed(['a']);
    expect(c.expectedMs()).toBe(0);
    m.clock.ms = 10;
    await m.next();
    // One batch of 10 ms timed. An idle model: one batch.
    expect(c.expectedMs()).toBe(10);
    void c.embed(['b']);
    m.clock.ms = 14;
    // 6 ms left of b's batch, then its own batch (room for it): 16 ms.
    expect(c.expectedMs()).toBe(16);
    void c.embed(['c']);
    void c.embed(['d']);
    // The next batch (c, d) is full: a new call waits for it too.
    expect(c.expectedMs()).toBe(26);
    m.clock.ms = 40;
    // Running longer than the mean: nothing left of it is counted.
    expect(c.expectedMs()).toBe(20);
    await m.next();
    // b's batch took 30 ms (10 → 40): the mean moves to 10 + 0.2 × 20 = 14; 1 ms into (c, d), 13 left.
    m.clock.ms = 41;
    expect(c.expectedMs()).toBeCloseTo(13 + 14, 5);
    await m.next();
  });

  it('keeps arrival order across batches, and sends a call larger than a batch alone', async () => {
    const m = heldModel();
    const c = coalescing(m.model, 2);
    const all = [c.embed(['1']), c.embed(['2', '3', '4']), c.embed(['5']), c.embed(['6']), c.embed(['7'])];
    for (let i = 0; i < 4; i++) await m.next();
    await Promise.all(all);
    expect(m.calls).toEqual([['1'], ['2', '3', '4'], ['5', '6'], ['7']]);
  });

  it('rejects every call of a failed batch, then goes on with the next', async () => {
    const m = heldModel();
    const c = coalescing(m.model, 4);
    const first = c.embed(['a']);
    const b = c.embed(['b']);
    const cc = c.embed(['c']);
    await m.next();
    await first;
    m.failNext(new Error('model crashed'));
    const both = Promise.all([
      expect(b).rejects.toThrow('model crashed'),
      expect(cc).rejects.toThrow('model crashed'),
    ]);
    await m.next();
    await both;
    expect(c.pending).toBe(0);
  });

  it('turns a model that throws into a rejection of that batch only', async () => {
    let n = 0;
    const c = coalescing(
      {
        model: 'm',
        embed: (texts) => {
          if (n++ === 0) throw new Error('thrown');
          return Promise.resolve(texts.map(() => new Float32Array(1)));
        },
      },
      4,
    );
    await expect(c.embed(['x'])).rejects.toThrow('thrown');
    await expect(c.embed(['y'])).resolves.toHaveLength(1);
    await expect(c.embed([])).resolves.toEqual([]);
  });

  it('refuses a batch size that is not a whole number of at least 1, quoting it', () => {
    const m = heldModel();
    expect(() => coalescing(m.model, 0)).toThrow(/maxBatch .*got 0/);
    expect(() => coalescing(m.model, 1.5)).toThrow(/got 1\.5/);
  });
});
