// Proposals, as cases registered against any store (see fixture.ts): kept, read, claimed exactly
// once (also by two stores on one database at once), refused for the right reason without being
// changed, and released.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProposalClaim, Store } from '../../../src/store/corpus-types.js';
import { StoreError } from '../../../src/store/types.js';
import { proposal } from '../helpers.js';
import type { StoreFixture } from './fixture.js';
import { failedWork, storePerTest } from './fixture.js';

/** Registers the proposal cases against stores of `fixture`. */
export function proposalCases(fixture: StoreFixture): void {
  let store: Store;

  storePerTest(fixture, (s) => {
    store = s;
  });

  describe('keeping proposals', () => {
    it('round-trips a pending proposal; an unknown one reads as undefined', async () => {
      const p = proposal('p1', 5000, { kind: 'restore', byUser: 'mod2' });
      await store.saveProposal(p);
      expect(await store.getProposal('p1')).toEqual(p);
      expect(await store.getProposal('nope')).toBeUndefined();
    });

    it('refuses a second proposal under the same id, leaving the first', async () => {
      await store.saveProposal(proposal('p1'));
      const error = await store.saveProposal(proposal('p1', 9, { kind: 'remove' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(failedWork(store, 'keep a proposal'));
      expect(await store.getProposal('p1')).toEqual(proposal('p1'));
    });
  });

  describe('claiming', () => {
    beforeEach(async () => {
      await store.saveProposal(proposal('p1', 10_000));
    });

    it('confirms once: the claim returns the proposal, a second claim finds it decided', async () => {
      expect(await store.claimProposal('p1', 'mod1', 'confirmed', 5000)).toEqual({
        ok: true,
        proposal: proposal('p1', 10_000),
      });
      expect(await store.getProposal('p1')).toBeUndefined();
      expect(await store.claimProposal('p1', 'mod1', 'confirmed', 5001)).toEqual({
        ok: false,
        reason: 'decided',
      });
      expect(await store.claimProposal('p1', 'mod1', 'cancelled', 5002)).toEqual({
        ok: false,
        reason: 'decided',
      });
    });

    it('cancels once, and a cancelled proposal cannot be confirmed', async () => {
      expect((await store.claimProposal('p1', 'mod1', 'cancelled', 5000)).ok).toBe(true);
      expect(await store.claimProposal('p1', 'mod1', 'confirmed', 5001)).toEqual({
        ok: false,
        reason: 'decided',
      });
    });

    it('refuses an unknown proposal', async () => {
      expect(await store.claimProposal('nope', 'mod1', 'confirmed', 1)).toEqual({
        ok: false,
        reason: 'unknown',
      });
    });

    it('refuses an expired proposal (at its expiry time too) and leaves it pending', async () => {
      expect(await store.claimProposal('p1', 'mod1', 'confirmed', 10_000)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await store.claimProposal('p1', 'mod1', 'cancelled', 20_000)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await store.getProposal('p1')).toEqual(proposal('p1', 10_000));
      expect((await store.claimProposal('p1', 'mod1', 'confirmed', 9_999)).ok).toBe(true);
    });

    it("refuses someone else's proposal and leaves it for its moderator", async () => {
      expect(await store.claimProposal('p1', 'mod2', 'confirmed', 5000)).toEqual({
        ok: false,
        reason: 'not_yours',
      });
      expect(await store.claimProposal('p1', 'mod2', 'cancelled', 5000)).toEqual({
        ok: false,
        reason: 'not_yours',
      });
      expect(await store.getProposal('p1')).toEqual(proposal('p1', 10_000));
      expect((await store.claimProposal('p1', 'mod1', 'confirmed', 5000)).ok).toBe(true);
    });

    it('claims now when no time is given', async () => {
      await store.saveProposal(proposal('past', Date.now() - 1));
      await store.saveProposal(proposal('future', Date.now() + 60_000));
      expect(await store.claimProposal('past', 'mod1', 'confirmed')).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect((await store.claimProposal('future', 'mod1', 'confirmed')).ok).toBe(true);
    });

    it('lets exactly one of many concurrent claims win; the others find it decided', async () => {
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.claimProposal('p1', 'mod1', i % 2 ? 'cancelled' : 'confirmed', 5000),
        ),
      );
      expect(claims.filter((c) => c.ok)).toHaveLength(1);
      expect(claims.filter((c) => !c.ok)).toEqual(Array(11).fill({ ok: false, reason: 'decided' }));
    });
  });

  describe('two stores on one database', () => {
    it('let exactly one of two concurrent claims win', async () => {
      const [one, two] = await fixture.openTwo();
      try {
        for (let i = 0; i < 5; i++) await one.saveProposal(proposal(`p${i}`));
        for (let i = 0; i < 5; i++) {
          const claims: ProposalClaim[] = await Promise.all([
            one.claimProposal(`p${i}`, 'mod1', 'confirmed', 5000),
            two.claimProposal(`p${i}`, 'mod1', 'confirmed', 5000),
          ]);
          expect(claims.filter((c) => c.ok)).toHaveLength(1);
          expect(claims.find((c) => !c.ok)).toEqual({ ok: false, reason: 'decided' });
        }
      } finally {
        await one.close();
        await two.close();
      }
    });
  });

  describe('releasing', () => {
    beforeEach(async () => {
      await store.saveProposal(proposal('p1', 10_000));
    });

    it('puts a confirmed proposal back to pending, to be claimed again', async () => {
      expect((await store.claimProposal('p1', 'mod1', 'confirmed', 5000)).ok).toBe(true);
      await store.releaseProposal('p1');
      expect(await store.getProposal('p1')).toEqual(proposal('p1', 10_000));
      expect(await store.claimProposal('p1', 'mod2', 'confirmed', 6000)).toEqual({
        ok: false,
        reason: 'not_yours',
      });
      expect(await store.claimProposal('p1', 'mod1', 'confirmed', 6000)).toEqual({
        ok: true,
        proposal: proposal('p1', 10_000),
      });
    });

    it('leaves a cancelled, a pending and an unknown proposal as they were', async () => {
      await store.saveProposal(proposal('p2', 10_000));
      expect((await store.claimProposal('p2', 'mod1', 'cancelled', 5000)).ok).toBe(true);
      await store.releaseProposal('p2');
      expect(await store.claimProposal('p2', 'mod1', 'confirmed', 5001)).toEqual({
        ok: false,
        reason: 'decided',
      });
      await store.releaseProposal('p1');
      expect(await store.getProposal('p1')).toEqual(proposal('p1', 10_000));
      await store.releaseProposal('nope');
      expect(await store.getProposal('nope')).toBeUndefined();
    });
  });
}
