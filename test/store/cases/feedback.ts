// Every FeedbackStore method, as cases registered against any store (see fixture.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackStore } from '../../../src/store/types.js';
import { anchor, answer, newPick } from '../helpers.js';
import type { StoreFixture } from './fixture.js';
import { failedWork, storePerTest } from './fixture.js';

/** Registers the FeedbackStore cases against stores of `fixture`. */
export function feedbackCases(fixture: StoreFixture): void {
  let store: FeedbackStore;

  storePerTest(fixture, (s) => {
    store = s;
  });

  describe('answers', () => {
    it('round-trips an answer, with and without an article filter', async () => {
      const plain = answer('a1', 1000);
      const filtered = answer('a2', 2000, { private: true, answered: false, article: 'x.md', shown: 0 });
      await store.recordAnswer(plain);
      await store.recordAnswer(filtered);
      expect(await store.getAnswer('a1')).toEqual(plain);
      expect(await store.getAnswer('a2')).toEqual(filtered);
      expect(await store.getAnswer('nope')).toBeUndefined();
    });

    it('replaces an answer recorded again under the same id', async () => {
      await store.recordAnswer(answer('a1', 1000));
      const again = answer('a1', 3000, {
        question: 'changed?',
        candidates: [anchor(9)],
        surface: 'terminal',
      });
      await store.recordAnswer(again);
      expect(await store.getAnswer('a1')).toEqual(again);
    });
  });

  describe('votes', () => {
    beforeEach(async () => {
      await store.recordAnswer(answer('a1', 1000));
    });

    it('keeps one vote per user per answer; a changed vote returns the previous value', async () => {
      expect(await store.vote('a1', 'u1', 1, 10)).toBeUndefined();
      expect(await store.vote('a1', 'u2', 1, 11)).toBeUndefined();
      expect(await store.vote('a1', 'u3', -1, 12)).toBeUndefined();
      expect(await store.tally('a1')).toEqual({ up: 2, down: 1 });
      expect(await store.vote('a1', 'u1', -1, 13)).toBe(1);
      expect(await store.tally('a1')).toEqual({ up: 1, down: 2 });
      expect(await store.vote('a1', 'u1', -1, 14)).toBe(-1);
      expect(await store.tally('a1')).toEqual({ up: 1, down: 2 });
      expect(await store.tally('other')).toEqual({ up: 0, down: 0 });
    });

    it('gives each of many concurrent votes of one user the value it replaced', async () => {
      const previous = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.vote('a1', 'u1', i % 2 === 0 ? 1 : -1, i)),
      );
      expect(previous.filter((p) => p === undefined)).toHaveLength(1);
      const tally = await store.tally('a1');
      expect(tally.up + tally.down).toBe(1);
      // Applied one after another: the values replaced are the others' values, each given once.
      const final = tally.up === 1 ? 1 : -1;
      const given = [...previous.filter((p) => p !== undefined), final];
      expect(given.filter((v) => v === 1)).toHaveLength(10);
      expect(given.filter((v) => v === -1)).toHaveLength(10);
    });

    it('lists recent votes newest first, with the question, paged', async () => {
      await store.recordAnswer(answer('a2', 1000, { question: 'second?' }));
      await store.vote('a1', 'u1', 1, 10);
      await store.vote('a2', 'u1', -1, 20);
      await store.vote('a1', 'u2', -1, 30);
      await store.vote('gone', 'u3', 1, 40);
      const all = await store.recentVotes(10);
      expect(all).toEqual([
        { answerId: 'gone', userId: 'u3', value: 1, createdAt: 40 },
        { answerId: 'a1', userId: 'u2', value: -1, createdAt: 30, question: 'question of a1?' },
        { answerId: 'a2', userId: 'u1', value: -1, createdAt: 20, question: 'second?' },
        { answerId: 'a1', userId: 'u1', value: 1, createdAt: 10, question: 'question of a1?' },
      ]);
      expect(await store.recentVotes(2, 1)).toEqual(all.slice(1, 3));
      // A changed vote moves to its new time.
      await store.vote('a1', 'u1', -1, 50);
      expect((await store.recentVotes(1))[0]).toMatchObject({ answerId: 'a1', userId: 'u1', value: -1 });
    });
  });

  describe('picks', () => {
    it('round-trips a pick and gives it an id', async () => {
      const p = await store.addPick(newPick('q1', { answerId: 'a1' }), 100);
      expect(p).toEqual({
        ...newPick('q1', { answerId: 'a1' }),
        id: p.id,
        createdAt: 100,
        contradictions: 0,
      });
      expect(await store.getPick(p.id)).toEqual(p);
      const none = await store.addPick(
        newPick('q2', { verdict: 'none', anchors: [], byRole: 'moderator', source: 'terminal' }),
        200,
      );
      expect(none.id).not.toBe(p.id);
      expect(await store.getPick(none.id)).toEqual(none);
      expect(await store.getPick(9999)).toBeUndefined();
    });

    it('undoes a pick once; an undone pick is not active and cannot be confirmed', async () => {
      const a = await store.addPick(newPick('q1'), 100);
      const b = await store.addPick(newPick('q2'), 200);
      expect(await store.undoPick(a.id, 'mod', 300)).toBe(true);
      expect(await store.undoPick(a.id, 'mod2', 400)).toBe(false);
      expect(await store.undoPick(9999, 'mod', 400)).toBe(false);
      expect(await store.getPick(a.id)).toMatchObject({ undoneBy: 'mod', undoneAt: 300 });
      expect(await store.confirmPick(a.id, 'mod', 500)).toBe(false);
      expect((await store.activePicks()).map((p) => p.id)).toEqual([b.id]);
    });

    it('confirms a pick once; a confirmed pick can still be undone', async () => {
      const a = await store.addPick(newPick('q1'), 100);
      expect(await store.confirmPick(a.id, 'mod', 300)).toBe(true);
      expect(await store.confirmPick(a.id, 'mod2', 400)).toBe(false);
      expect(await store.confirmPick(9999, 'mod', 400)).toBe(false);
      expect(await store.getPick(a.id)).toMatchObject({ confirmedBy: 'mod', confirmedAt: 300 });
      expect(await store.undoPick(a.id, 'mod', 500)).toBe(true);
    });

    it('lists active picks oldest first and recent picks newest first, undone included', async () => {
      const late = await store.addPick(newPick('late'), 300);
      const early = await store.addPick(newPick('early'), 100);
      const mid = await store.addPick(newPick('mid'), 200);
      await store.undoPick(mid.id, 'mod', 400);
      expect((await store.activePicks()).map((p) => p.question)).toEqual(['early', 'late']);
      expect((await store.recentPicks(10)).map((p) => p.id)).toEqual([late.id, mid.id, early.id]);
      expect((await store.recentPicks(1, 1)).map((p) => p.id)).toEqual([mid.id]);
    });

    it('counts contradictions, and a reinforcement restarts the count', async () => {
      const a = await store.addPick(newPick('q1'), 100);
      await store.notePickOutcome(a.id, false, 200);
      await store.notePickOutcome(a.id, false, 300);
      expect(await store.getPick(a.id)).toMatchObject({ contradictions: 2 });
      expect((await store.getPick(a.id))?.reinforcedAt).toBeUndefined();
      await store.notePickOutcome(a.id, true, 400);
      expect(await store.getPick(a.id)).toMatchObject({ contradictions: 0, reinforcedAt: 400 });
      await store.notePickOutcome(a.id, false, 500);
      expect(await store.getPick(a.id)).toMatchObject({ contradictions: 1, reinforcedAt: 400 });
    });

    it('grows the revision on every change to picks, and only then', async () => {
      const seen = [await store.revision()];
      const grew = async () => {
        const now = await store.revision();
        expect(now).toBeGreaterThan(seen.at(-1) ?? Infinity);
        seen.push(now);
      };
      const a = await store.addPick(newPick('q1'), 100);
      await grew();
      await store.confirmPick(a.id, 'mod', 200);
      await grew();
      await store.notePickOutcome(a.id, false, 300);
      await grew();
      await store.notePickOutcome(a.id, true, 300);
      await grew();
      await store.undoPick(a.id, 'mod', 400);
      await grew();
      // Refused changes and votes leave it alone.
      await store.undoPick(a.id, 'mod', 500);
      await store.confirmPick(a.id, 'mod', 500);
      await store.notePickOutcome(9999, true, 500);
      await store.vote('a1', 'u1', 1);
      expect(await store.revision()).toBe(seen.at(-1));
      await store.purge(1000);
      await grew();
    });
  });

  describe('pick vectors', () => {
    it('round-trips vectors per model and replaces one saved again', async () => {
      const a = await store.addPick(newPick('q1'));
      const b = await store.addPick(newPick('q2'));
      const va = new Float32Array([0.25, -1.5, 3e-8, Math.PI]);
      // A view at an offset into a larger buffer: only its own bytes are stored.
      const vb = new Float32Array(new Float32Array([9, 1, 2, 3, 9]).buffer, 4, 3);
      await store.savePickVectors([
        { pickId: b.id, model: 'm1', vector: vb },
        { pickId: a.id, model: 'm1', vector: va },
        { pickId: a.id, model: 'm2', vector: new Float32Array([7]) },
      ]);
      const m1 = await store.pickVectors('m1');
      expect(m1.map((v) => [v.pickId, v.model, Array.from(v.vector)])).toEqual([
        [a.id, 'm1', Array.from(va)],
        [b.id, 'm1', [1, 2, 3]],
      ]);
      expect(m1[0]?.vector).toBeInstanceOf(Float32Array);
      await store.savePickVectors([{ pickId: a.id, model: 'm1', vector: new Float32Array([5, 6]) }]);
      expect((await store.pickVectors('m1')).map((v) => Array.from(v.vector))).toEqual([
        [5, 6],
        [1, 2, 3],
      ]);
      expect((await store.pickVectors('m2')).map((v) => Array.from(v.vector))).toEqual([[7]]);
      expect(await store.pickVectors('m3')).toEqual([]);
      await store.savePickVectors([]);
    });

    it('saves more vectors than one insert batch holds', async () => {
      const vectors = Array.from({ length: 1203 }, (_, i) => ({
        pickId: i + 1,
        model: 'm',
        vector: new Float32Array([i, -i]),
      }));
      await store.savePickVectors(vectors);
      const back = await store.pickVectors('m');
      expect(back).toHaveLength(1203);
      expect(Array.from(back[1202]?.vector ?? [])).toEqual([1202, -1202]);
    });
  });

  describe('purge', () => {
    it('deletes answers, votes and picks older than the cut, with votes of purged answers and vectors', async () => {
      await store.recordAnswer(answer('old', 100));
      await store.recordAnswer(answer('new', 1000));
      await store.vote('old', 'u1', 1, 2000); // a new vote on an old answer goes with it
      await store.vote('new', 'u1', 1, 200); // an old vote on a new answer goes by its own age
      await store.vote('new', 'u2', -1, 2000);
      const oldPick = await store.addPick(newPick('old'), 100);
      const newPick_ = await store.addPick(newPick('new'), 1000);
      await store.savePickVectors([
        { pickId: oldPick.id, model: 'm', vector: new Float32Array([1]) },
        { pickId: newPick_.id, model: 'm', vector: new Float32Array([2]) },
      ]);
      expect(await store.purge(500)).toEqual({
        answers: 1,
        votes: 2,
        picks: 1,
        questions: 0,
        audit: 0,
        proposals: 0,
      });
      expect(await store.getAnswer('old')).toBeUndefined();
      expect(await store.getAnswer('new')).toBeDefined();
      expect(await store.recentVotes(10)).toEqual([
        { answerId: 'new', userId: 'u2', value: -1, createdAt: 2000, question: 'question of new?' },
      ]);
      expect(await store.tally('new')).toEqual({ up: 0, down: 1 });
      expect(await store.getPick(oldPick.id)).toBeUndefined();
      expect((await store.activePicks()).map((p) => p.id)).toEqual([newPick_.id]);
      expect((await store.pickVectors('m')).map((v) => v.pickId)).toEqual([newPick_.id]);
      expect(await store.purge(500)).toEqual({
        answers: 0,
        votes: 0,
        picks: 0,
        questions: 0,
        audit: 0,
        proposals: 0,
      });
    });
  });

  describe('after close', () => {
    it('refuses work with a StoreError of one line naming the store', async () => {
      const other = await fixture.open();
      await other.recordAnswer(answer('a1', 1));
      expect(await other.getAnswer('a1')).toBeDefined();
      await other.close();
      const error = await other.getAnswer('a1').catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'StoreError' });
      expect((error as Error).message).toMatch(failedWork(other, 'read an answer'));
    });
  });
}
