// Every CorpusStore method, as cases registered against any store (see fixture.ts): articles,
// tombstones and their audit entries in one transaction, the corpus revision, the question log,
// votes and picks since a time.
import { describe, expect, it } from 'vitest';
import type { NewAuditEntry, Store } from '../../../src/store/corpus-types.js';
import { answer, auditOf, fileArticle, linkArticle, newPick } from '../helpers.js';
import type { StoreFixture } from './fixture.js';
import { failedWork, failure, storePerTest } from './fixture.js';

/** An audit entry the database refuses (its actor is null): the write it goes with must not happen. */
const BAD_AUDIT = { ...auditOf('add', 'x'), actor: null } as unknown as NewAuditEntry;

/** Registers the CorpusStore cases against stores of `fixture`. */
export function corpusCases(fixture: StoreFixture): void {
  let store: Store;

  storePerTest(fixture, (s) => {
    store = s;
  });

  describe('articles', () => {
    it('round-trips articles with and without their optional fields, listed by file', async () => {
      const link = linkArticle('zeta', 100);
      const file = fileArticle('alpha', 200);
      await store.putArticle(link, auditOf('add', 'zeta'), 150);
      await store.putArticle(file, auditOf('add', 'alpha'), 250);
      expect(await store.getArticle(link.file)).toEqual(link);
      expect(await store.getArticle(file.file)).toEqual(file);
      expect(await store.getArticle('discord/none.md')).toBeUndefined();
      expect(await store.articles()).toEqual([file, link]);
    });

    it('replaces an article put again under the same file, clearing what the new one lacks', async () => {
      await store.putArticle(linkArticle('a', 100), auditOf('add', 'a'));
      const replaced = { ...fileArticle('x', 300), file: 'discord/a.md', title: 'Replaced' };
      await store.putArticle(replaced, auditOf('replace', 'a'));
      expect(await store.articles()).toEqual([replaced]);
    });

    it('writes the audit entry of each change at its time, and grows the corpus revision', async () => {
      const revision = await store.corpusRevision();
      await store.putArticle(linkArticle('a', 100), auditOf('add', 'a'), 1000);
      expect(await store.corpusRevision()).toBe(revision + 1);
      await store.putArticle(linkArticle('a', 100), auditOf('update', 'a', 'mod2'), 2000);
      expect(await store.corpusRevision()).toBe(revision + 2);
      expect(await store.deleteArticle('discord/a.md', auditOf('remove', 'a'), 3000)).toBe(true);
      expect(await store.corpusRevision()).toBe(revision + 3);
      expect(await store.getArticle('discord/a.md')).toBeUndefined();
      expect((await store.auditLog(10)).map(({ id: _id, ...e }) => e)).toEqual([
        { ...auditOf('remove', 'a'), at: 3000 },
        { ...auditOf('update', 'a', 'mod2'), at: 2000 },
        { ...auditOf('add', 'a'), at: 1000 },
      ]);
    });

    it('deletes nothing when there is no such article: false, no audit entry, same revision', async () => {
      const revision = await store.corpusRevision();
      expect(await store.deleteArticle('discord/none.md', auditOf('remove', 'none'))).toBe(false);
      expect(await store.corpusRevision()).toBe(revision);
      expect(await store.auditCount()).toBe(0);
    });
  });

  describe('tombstones', () => {
    const hidden = { file: 'guide/setup.md', title: 'Setup', by: 'mod1', at: 500 };

    it('hides a folder article once, and shows it again once', async () => {
      const revision = await store.corpusRevision();
      expect(await store.hideArticle(hidden, auditOf('hide', 'setup'))).toBe(true);
      expect(await store.tombstones()).toEqual([hidden]);
      // Hidden again (by someone else, later): no change, no entry, no bump.
      expect(
        await store.hideArticle({ ...hidden, by: 'mod2', at: 900 }, auditOf('hide', 'setup', 'mod2')),
      ).toBe(false);
      expect(await store.tombstones()).toEqual([hidden]);
      expect(await store.corpusRevision()).toBe(revision + 1);
      expect(await store.restoreArticle(hidden.file, auditOf('restore', 'setup'), 1000)).toBe(true);
      expect(await store.tombstones()).toEqual([]);
      expect(await store.restoreArticle(hidden.file, auditOf('restore', 'setup'), 1100)).toBe(false);
      expect(await store.corpusRevision()).toBe(revision + 2);
      const log = await store.auditLog(10);
      expect(log.map((e) => [e.action, e.at])).toEqual([
        ['restore', 1000],
        ['hide', 500],
      ]);
    });

    it('lists tombstones by file', async () => {
      await store.hideArticle({ ...hidden, file: 'z.md' }, auditOf('hide', 'z'));
      await store.hideArticle({ ...hidden, file: 'b/a.md' }, auditOf('hide', 'a'));
      expect((await store.tombstones()).map((t) => t.file)).toEqual(['b/a.md', 'z.md']);
    });
  });

  describe('the corpus revision', () => {
    it('is its own counter: corpus changes leave the picks revision alone, and picks the corpus one', async () => {
      const picks = await store.revision();
      const corpus = await store.corpusRevision();
      await store.putArticle(linkArticle('a', 1), auditOf('add', 'a'));
      await store.hideArticle({ file: 'f.md', title: 'F', by: 'm', at: 2 }, auditOf('hide', 'f'));
      await store.restoreArticle('f.md', auditOf('restore', 'f'));
      await store.deleteArticle('discord/a.md', auditOf('remove', 'a'));
      expect(await store.revision()).toBe(picks);
      expect(await store.corpusRevision()).toBe(corpus + 4);
      await store.addPick(newPick('q'));
      expect(await store.corpusRevision()).toBe(corpus + 4);
      expect(await store.revision()).toBe(picks + 1);
    });

    it('does not move on reads or on audit entries written on their own', async () => {
      await store.putArticle(linkArticle('a', 1), auditOf('add', 'a'));
      const corpus = await store.corpusRevision();
      await store.articles();
      await store.getArticle('discord/a.md');
      await store.tombstones();
      await store.auditLog(5);
      await store.audit(auditOf('reindex', 'all'));
      expect(await store.corpusRevision()).toBe(corpus);
    });
  });

  describe('one transaction per corpus change', () => {
    it('a failed audit entry leaves no article, no bump, no entry, as one line naming the work', async () => {
      const revision = await store.corpusRevision();
      const error = await failure(store.putArticle(linkArticle('a', 1), BAD_AUDIT));
      expect(error.message).toMatch(failedWork(store, 'keep an article'));
      expect(await store.articles()).toEqual([]);
      expect(await store.corpusRevision()).toBe(revision);
      expect(await store.auditCount()).toBe(0);
    });

    it('a failed audit entry leaves a replaced article as it was', async () => {
      const first = linkArticle('a', 1);
      await store.putArticle(first, auditOf('add', 'a'));
      await failure(store.putArticle({ ...first, title: 'Changed' }, BAD_AUDIT));
      expect(await store.articles()).toEqual([first]);
      expect(await store.auditCount()).toBe(1);
    });

    it('a failed article write leaves no audit entry and no bump', async () => {
      const revision = await store.corpusRevision();
      const bad = { ...linkArticle('a', 1), title: null } as unknown as ReturnType<typeof linkArticle>;
      await failure(store.putArticle(bad, auditOf('add', 'a')));
      expect(await store.auditCount()).toBe(0);
      expect(await store.corpusRevision()).toBe(revision);
    });

    it('a failed audit entry leaves a deleted article, a hidden one and a restored one as they were', async () => {
      await store.putArticle(linkArticle('a', 1), auditOf('add', 'a'));
      const tomb = { file: 'f.md', title: 'F', by: 'm', at: 2 };
      await store.hideArticle(tomb, auditOf('hide', 'f'));
      const revision = await store.corpusRevision();
      await failure(store.deleteArticle('discord/a.md', BAD_AUDIT));
      await failure(store.restoreArticle('f.md', BAD_AUDIT));
      await failure(store.hideArticle({ ...tomb, file: 'g.md' }, BAD_AUDIT));
      expect((await store.articles()).map((a) => a.file)).toEqual(['discord/a.md']);
      expect(await store.tombstones()).toEqual([tomb]);
      expect(await store.corpusRevision()).toBe(revision);
      expect(await store.auditCount()).toBe(2);
    });
  });

  describe('the audit log', () => {
    it('writes entries on their own and reads them newest first, paged, with their count', async () => {
      const first = await store.audit(auditOf('reindex', 'all', 'terminal'), 100);
      expect(first).toEqual({ ...auditOf('reindex', 'all', 'terminal'), id: first.id, at: 100 });
      const second = await store.audit(auditOf('undo', 'pick 3'), 300);
      const third = await store.audit(auditOf('import', 'picks.jsonl', 'cli'), 300); // same time: by id
      await store.audit(auditOf('confirm', 'pick 4'), 200);
      expect(second.id).toBeGreaterThan(first.id);
      const all = await store.auditLog(10);
      expect(all.map((e) => e.action)).toEqual(['import', 'undo', 'confirm', 'reindex']);
      expect(all[0]).toEqual(third);
      expect(await store.auditLog(2, 1)).toEqual(all.slice(1, 3));
      expect(await store.auditLog(5, 4)).toEqual([]);
      expect(await store.auditCount()).toBe(4);
    });

    it('writes an entry now when no time is given', async () => {
      const before = Date.now();
      const entry = await store.audit(auditOf('reindex', 'all'));
      expect(entry.at).toBeGreaterThanOrEqual(before);
      expect(entry.at).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('the question log', () => {
    const quoted = [
      { file: 'a.md', section: 'Setup › Ports' },
      { file: 'discord/b.md', section: '' },
    ];

    it('keeps questions and reads those since a time, oldest first, at most a limit', async () => {
      await store.logQuestion({ at: 300, question: 'third?', answered: false, surface: 'ask', quoted: [] });
      await store.logQuestion({ at: 100, question: 'first? ✓', answered: true, surface: 'discord', quoted });
      const second = {
        at: 200,
        question: 'second?',
        answered: true,
        surface: 'terminal',
        answerId: 'a1',
        quoted,
      };
      await store.logQuestion(second);
      expect((await store.questionsSince(0)).map((q) => q.question)).toEqual([
        'first? ✓',
        'second?',
        'third?',
      ]);
      expect(await store.questionsSince(200)).toEqual([
        second,
        { at: 300, question: 'third?', answered: false, surface: 'ask', quoted: [] },
      ]);
      expect((await store.questionsSince(0, 2)).map((q) => q.at)).toEqual([100, 200]);
      expect(await store.questionsSince(301)).toEqual([]);
    });
  });

  describe('votes and picks since a time', () => {
    it('lists votes at or after a time oldest first, with their question when the answer is kept', async () => {
      await store.recordAnswer(answer('a1', 10));
      await store.vote('a1', 'u1', 1, 100);
      await store.vote('gone', 'u1', -1, 300);
      await store.vote('a1', 'u2', -1, 200);
      await store.vote('a1', 'u3', 1, 50);
      expect(await store.votesSince(100)).toEqual([
        { answerId: 'a1', userId: 'u1', value: 1, createdAt: 100, question: 'question of a1?' },
        { answerId: 'a1', userId: 'u2', value: -1, createdAt: 200, question: 'question of a1?' },
        { answerId: 'gone', userId: 'u1', value: -1, createdAt: 300 },
      ]);
    });

    it('lists picks at or after a time oldest first, undone ones included', async () => {
      const late = await store.addPick(newPick('late'), 300);
      const early = await store.addPick(newPick('early'), 100);
      await store.addPick(newPick('before'), 99);
      await store.undoPick(late.id, 'mod', 400);
      const since = await store.picksSince(100);
      expect(since.map((p) => p.question)).toEqual(['early', 'late']);
      expect(since[0]).toEqual(early);
      expect(since[1]).toMatchObject({ id: late.id, undoneBy: 'mod', undoneAt: 400 });
    });
  });

  describe('after close', () => {
    it('refuses corpus work with a StoreError of one line naming the work', async () => {
      const other = await fixture.open();
      await other.close();
      const error = await failure(other.putArticle(linkArticle('a', 1), auditOf('add', 'a')));
      expect(error.message).toMatch(failedWork(other, 'keep an article'));
      expect((await failure(other.claimProposal('p', 'mod1', 'confirmed'))).message).toMatch(
        failedWork(other, 'decide a proposal'),
      );
    });
  });
}
