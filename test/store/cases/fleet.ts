// Every FleetStore method (the state several instances share), as cases registered against any
// store (see fixture.ts): button answers and their expiry, post claims once under concurrency, the
// cooldown's counts and waits, the purge of what expired.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/corpus-types.js';
import type { StoreFixture } from './fixture.js';
import { storePerTest } from './fixture.js';

const T = 1_700_000_000_000;
const record = (id: string, expiresAt = T + 900_000) => ({
  id,
  userId: 'u1',
  payload: JSON.stringify({ id, quote: 'ünïcode “quotes” and \\ back\nslash' }),
  createdAt: T,
  expiresAt,
});

/** Registers the FleetStore cases against stores of `fixture`. */
export function fleetCases(fixture: StoreFixture): void {
  let store: Store;

  storePerTest(fixture, (s) => {
    store = s;
  });

  describe('button answers', () => {
    it('round-trips an answer until it expires, and a put again replaces it', async () => {
      await store.putButtonAnswer(record('a1'));
      expect(await store.getButtonAnswer('a1', T + 1)).toEqual(record('a1'));
      expect(await store.getButtonAnswer('a1', T + 900_000)).toBeUndefined();
      expect(await store.getButtonAnswer('nope', T)).toBeUndefined();
      await store.putButtonAnswer({ ...record('a1'), payload: '{}' });
      expect((await store.getButtonAnswer('a1', T))?.payload).toBe('{}');
    });

    it('purges the expired ones only', async () => {
      await store.putButtonAnswer(record('old', T + 10));
      await store.putButtonAnswer(record('new', T + 1000));
      const report = await store.purgeFleet(T + 10);
      expect(report.buttonAnswers).toBe(1);
      expect(await store.getButtonAnswer('new', T)).toBeDefined();
      expect(await store.getButtonAnswer('old', T)).toBeUndefined();
    });
  });

  describe('post claims', () => {
    it('gives an answer to exactly one of many concurrent claims, and again after a release', async () => {
      const [one, two] = await fixture.openTwo();
      try {
        const claims = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).claimPost('p1', T)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await two.claimPost('p2', T)).toBe(true);
        await one.releasePost('p1');
        expect(await two.claimPost('p1', T)).toBe(true);
        expect(await one.claimPost('p1', T)).toBe(false);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it('purges claims older than their lifetime', async () => {
      await store.claimPost('p', T);
      expect((await store.purgeFleet(T + 100, 50)).postClaims).toBe(1);
      expect(await store.claimPost('p', T + 100)).toBe(true);
    });
  });

  describe('cooldowns', () => {
    const W = 60_000;

    it('allows `limit` per window, then says how long to wait, per user, with the count', async () => {
      expect(await store.takeCooldown('u', 2, W, T)).toEqual({ wait: 0, used: 1 });
      expect(await store.takeCooldown('u', 2, W, T + 10_000)).toEqual({ wait: 0, used: 2 });
      const { wait, used } = await store.takeCooldown('u', 2, W, T + 20_000);
      expect(used).toBe(2);
      // The first question leaves when its bucket (10 s long) has been out of the window for 60 s.
      expect(wait).toBeGreaterThanOrEqual(W - 20_000);
      expect(wait).toBeLessThanOrEqual(W - 20_000 + 10_000);
      expect(await store.takeCooldown('v', 2, W, T + 20_000)).toEqual({ wait: 0, used: 1 });
      // A refused question is not counted: once the wait is over, one more is allowed (the first
      // has left the window, so it is the second of two again).
      expect(await store.takeCooldown('u', 2, W, T + 20_000 + wait)).toEqual({ wait: 0, used: 2 });
      expect((await store.takeCooldown('u', 2, W, T + 20_000 + wait)).wait).toBeGreaterThan(0);
    });

    it('holds under concurrent takes from two connections', async () => {
      const [one, two] = await fixture.openTwo();
      try {
        const counts = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? one : two).takeCooldown('c', 3, W, T)),
        );
        const allowed = counts.filter((c) => c.wait === 0);
        expect(allowed.map((c) => c.used).sort()).toEqual([1, 2, 3]);
        for (const c of counts) if (c.wait > 0) expect(c.used).toBe(3);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it('gives a refunded question back', async () => {
      expect((await store.takeCooldown('u', 1, W, T)).wait).toBe(0);
      expect((await store.takeCooldown('u', 1, W, T)).wait).toBeGreaterThan(0);
      await store.refundCooldown('u', W, T);
      expect(await store.takeCooldown('u', 1, W, T)).toEqual({ wait: 0, used: 1 });
    });

    it('purges buckets long past', async () => {
      await store.takeCooldown('u', 5, W, T);
      expect((await store.purgeFleet(T + 2 * 86_400_000)).cooldowns).toBe(1);
    });
  });
}
