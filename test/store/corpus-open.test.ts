// The corpus tables across opens: a schema-1 database (votes, picks) migrates to schema 2 keeping
// its data, everything survives a restart, and purge deletes old questions, audit entries and
// proposals while articles and tombstones stay.
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kysely, Migrator, SqliteDialect } from '../../src/store/kysely.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { KyselyFeedbackStore } from '../../src/store/queries.js';
import type { Database } from '../../src/store/schema.js';
import { SQLITE_FILE, openSqliteStore } from '../../src/store/sqlite.js';
import { answer, auditOf, fileArticle, linkArticle, newPick, proposal, tempDir } from './helpers.js';

let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

/** A SQLite file in `dir` as schema 1 made it (migration 0001 only), with feedback in it. */
async function schemaOneFile(dir: string): Promise<{ pickId: number; revision: number }> {
  const raw = new Sqlite(join(dir, SQLITE_FILE));
  raw.pragma('journal_mode = WAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const { error } = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateTo(
    '0001_initial',
  );
  expect(error).toBeUndefined();
  const old = new KyselyFeedbackStore(db, 'schema 1');
  await old.recordAnswer(answer('a1', 1000));
  await old.vote('a1', 'u1', 1, 1100);
  await old.vote('a1', 'u2', -1, 1200);
  const pick = await old.addPick(newPick('q1', { answerId: 'a1' }), 1300);
  await old.confirmPick(pick.id, 'mod', 1400);
  await old.savePickVectors([{ pickId: pick.id, model: 'm', vector: new Float32Array([1, -2]) }]);
  const revision = await old.revision();
  await old.close();
  return { pickId: pick.id, revision };
}

describe('migration from schema 1', () => {
  it('keeps the votes, picks and answers and adds the corpus tables, empty and working', async () => {
    const { pickId, revision } = await schemaOneFile(folder.dir);
    const peekBefore = new Sqlite(join(folder.dir, SQLITE_FILE), { readonly: true });
    expect(peekBefore.prepare('select name from kysely_migration').all()).toEqual([{ name: '0001_initial' }]);
    peekBefore.close();

    const store = await openSqliteStore(folder.dir);
    expect(await store.getAnswer('a1')).toEqual(answer('a1', 1000));
    expect(await store.tally('a1')).toEqual({ up: 1, down: 1 });
    expect((await store.votesSince(0)).map((v) => v.userId)).toEqual(['u1', 'u2']);
    expect(await store.getPick(pickId)).toMatchObject({ question: 'q1', confirmedBy: 'mod' });
    expect(Array.from((await store.pickVectors('m'))[0]?.vector ?? [])).toEqual([1, -2]);
    expect(await store.revision()).toBe(revision);

    expect(await store.corpusRevision()).toBe(0);
    expect(await store.articles()).toEqual([]);
    expect(await store.tombstones()).toEqual([]);
    expect(await store.auditCount()).toBe(0);
    expect(await store.questionsSince(0)).toEqual([]);
    await store.putArticle(linkArticle('a', 1), auditOf('add', 'a'));
    await store.saveProposal(proposal('p1'));
    expect(await store.corpusRevision()).toBe(1);
    expect((await store.addPick(newPick('q2'))).id).toBeGreaterThan(pickId);
    await store.close();

    const peek = new Sqlite(join(folder.dir, SQLITE_FILE), { readonly: true });
    expect(peek.prepare('select name from kysely_migration order by name').all()).toEqual([
      { name: '0001_initial' },
      { name: '0002_corpus' },
      { name: '0003_fleet' },
      { name: '0004_vectors' },
    ]);
    // No user id is kept with a question.
    const columns = peek.prepare("select name from pragma_table_info('questions')").all();
    expect(columns).toEqual(
      ['id', 'at', 'question', 'answered', 'surface', 'answer_id', 'quoted'].map((name) => ({ name })),
    );
    peek.close();
  });
});

describe('a restart', () => {
  it('keeps articles, tombstones, the audit log, questions, proposals and the corpus revision', async () => {
    const store = await openSqliteStore(folder.dir);
    await store.putArticle(linkArticle('a', 100), auditOf('add', 'a'), 100);
    await store.putArticle(fileArticle('b', 200), auditOf('add', 'b'), 200);
    await store.hideArticle({ file: 'f.md', title: 'F', by: 'mod1', at: 300 }, auditOf('hide', 'f'));
    await store.audit(auditOf('reindex', 'all', 'terminal'), 400);
    const question = {
      at: 500,
      question: 'q?',
      answered: true,
      surface: 'discord',
      answerId: 'x',
      quoted: [],
    };
    await store.logQuestion(question);
    await store.saveProposal(proposal('p1'));
    await store.saveProposal(proposal('p2'));
    expect((await store.claimProposal('p2', 'mod1', 'confirmed', 2000)).ok).toBe(true);
    const before = {
      articles: await store.articles(),
      tombstones: await store.tombstones(),
      audit: await store.auditLog(10),
      revision: await store.corpusRevision(),
    };
    await store.close();

    const again = await openSqliteStore(folder.dir);
    expect(await again.articles()).toEqual(before.articles);
    expect(await again.tombstones()).toEqual(before.tombstones);
    expect(await again.auditLog(10)).toEqual(before.audit);
    expect(await again.corpusRevision()).toBe(before.revision);
    expect(before.revision).toBe(3);
    expect(await again.questionsSince(0)).toEqual([question]);
    expect(await again.getProposal('p1')).toEqual(proposal('p1'));
    expect(await again.claimProposal('p2', 'mod1', 'confirmed', 3000)).toEqual({
      ok: false,
      reason: 'decided',
    });
    const next = await again.audit(auditOf('undo', 'pick 1'));
    expect(next.id).toBeGreaterThan(Math.max(...before.audit.map((e) => e.id)));
    await again.close();
  });
});

describe('purge', () => {
  it('deletes old questions, audit entries and decided or expired proposals, never articles or tombstones', async () => {
    const store = await openSqliteStore(folder.dir);
    await store.putArticle(linkArticle('old', 1), auditOf('add', 'old'), 10);
    await store.hideArticle({ file: 'f.md', title: 'F', by: 'mod1', at: 20 }, auditOf('hide', 'f'));
    await store.audit(auditOf('reindex', 'all'), 600);
    for (const at of [100, 499, 500, 900]) {
      await store.logQuestion({ at, question: `at ${at}?`, answered: true, surface: 'ask', quoted: [] });
    }
    await store.saveProposal(proposal('confirmed-early'));
    await store.claimProposal('confirmed-early', 'mod1', 'confirmed', 100);
    await store.saveProposal(proposal('cancelled-early'));
    await store.claimProposal('cancelled-early', 'mod1', 'cancelled', 499);
    await store.saveProposal(proposal('decided-late'));
    await store.claimProposal('decided-late', 'mod1', 'confirmed', 700);
    await store.saveProposal(proposal('expired', 300));
    await store.saveProposal(proposal('pending', 10_000));
    await store.saveProposal(proposal('released', 10_000));
    await store.claimProposal('released', 'mod1', 'confirmed', 100);
    await store.releaseProposal('released');
    const revisions = [await store.revision(), await store.corpusRevision()];

    expect(await store.purge(500)).toEqual({
      answers: 0,
      votes: 0,
      picks: 0,
      questions: 2,
      audit: 2,
      proposals: 3,
    });
    expect((await store.questionsSince(0)).map((q) => q.at)).toEqual([500, 900]);
    expect((await store.auditLog(10)).map((e) => e.at)).toEqual([600]);
    expect(await store.getProposal('pending')).toBeDefined();
    expect(await store.getProposal('released')).toBeDefined();
    expect(await store.claimProposal('decided-late', 'mod1', 'confirmed', 800)).toEqual({
      ok: false,
      reason: 'decided',
    });
    for (const id of ['confirmed-early', 'cancelled-early', 'expired']) {
      expect(await store.claimProposal(id, 'mod1', 'confirmed', 400)).toEqual({
        ok: false,
        reason: 'unknown',
      });
    }
    expect((await store.articles()).map((a) => a.file)).toEqual(['discord/old.md']);
    expect((await store.tombstones()).map((t) => t.file)).toEqual(['f.md']);
    expect([await store.revision(), await store.corpusRevision()]).toEqual(revisions);
    expect(await store.purge(500)).toEqual({
      answers: 0,
      votes: 0,
      picks: 0,
      questions: 0,
      audit: 0,
      proposals: 0,
    });
    await store.close();
  });
});
