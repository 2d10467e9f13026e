// The store on PostgreSQL (DATABASE_URL), on a throw-away cluster of its own: the same cases as the
// SQLite store's (test/store/cases/), then what only a shared server has — stores opening a fresh
// database at once, refusals of one line without the password, and a server restart.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/corpus-types.js';
import { openStore } from '../../src/store/open.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { StoreError } from '../../src/store/types.js';
import { requirePostgres, type PostgresCluster } from '../harness/postgres.js';
import { corpusCases } from '../store/cases/corpus.js';
import type { StoreFixture } from '../store/cases/fixture.js';
import { feedbackCases } from '../store/cases/feedback.js';
import { fleetCases } from '../store/cases/fleet.js';
import { proposalCases } from '../store/cases/proposals.js';
import { vectorCases } from '../store/cases/vectors.js';
import { answer, auditOf, linkArticle, newPick, proposal } from '../store/helpers.js';

const cluster = await requirePostgres('store-postgres.scale.test.ts');
const suite = cluster === undefined ? describe.skip : describe;
afterAll(() => cluster?.stop());

/** The cluster (only called inside the suites, which are skipped without one). */
function server(): PostgresCluster {
  if (cluster === undefined) throw new Error('no PostgreSQL');
  return cluster;
}

const fixture: StoreFixture = {
  open: async () => openPostgresStore(await server().createDatabase()),
  async openTwo() {
    const url = await server().createDatabase();
    return [await openPostgresStore(url), await openPostgresStore(url)];
  },
  cleanup: () => Promise.resolve(),
};

/** Runs `sql` on the database of `url` with a connection of its own; the rows. */
async function query(url: string, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** The StoreError opening `url` fails with. */
async function refusal(url: string): Promise<StoreError> {
  const error = await openPostgresStore(url).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as Error).message).not.toContain('\n');
  return error as StoreError;
}

/** "127.0.0.1:PORT/NAME" of a URL of the cluster. */
function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port}${u.pathname}`;
}

suite('PostgreSQL: the feedback store', () => feedbackCases(fixture));
suite('PostgreSQL: the corpus store', () => corpusCases(fixture));
suite('PostgreSQL: the state instances share', () => fleetCases(fixture));
suite('PostgreSQL: proposals', () => proposalCases(fixture));
suite('PostgreSQL: the sentence vectors instances share', () => vectorCases(fixture));

suite('PostgreSQL: opening', () => {
  it('is chosen by a database URL, and named by server and database without the password', async () => {
    const url = await server().createDatabase();
    const store = await openStore({ dataDir: '/nonexistent/never-created', databaseUrl: url });
    expect(store.description).toBe(`PostgreSQL at ${where(url)}`);
    expect(store.description).not.toContain(server().password);
    await store.close();
  });

  it('migrates a fresh database once when several stores open it at once, all of them working', async () => {
    const url = await server().createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
    try {
      const ran = await query(url, 'select name from kysely_migration order by name');
      expect(ran).toEqual([
        { name: '0001_initial' },
        { name: '0002_corpus' },
        { name: '0003_fleet' },
        { name: '0004_vectors' },
      ]);
      await Promise.all(stores.map((s, i) => s.addPick(newPick(`from ${i}`), 100 + i)));
      for (const s of stores) expect(await s.activePicks()).toHaveLength(4);
      expect(await stores[0]?.revision()).toBe(4);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    // Opened again: nothing more to run.
    await (await openPostgresStore(url)).close();
    expect(await query(url, 'select count(*)::int as n from kysely_migration')).toEqual([{ n: 4 }]);
  });

  it('refuses a database of a newer citebot and leaves it as it was', async () => {
    const url = await server().createDatabase();
    await (await openPostgresStore(url)).close();
    await query(url, `insert into kysely_migration (name, timestamp) values ('0099_future', 'now')`);
    const error = await refusal(url);
    expect(error.message).toBe(
      `PostgreSQL at ${where(url)} was written by a newer citebot (schema 99; this one knows 4): upgrade citebot or set DATABASE_URL to another database`,
    );
    expect(await query(url, 'select count(*)::int as n from kysely_migration')).toEqual([{ n: 5 }]);
  });

  it("refuses a database holding someone else's tables", async () => {
    const url = await server().createDatabase();
    await query(url, 'create table invoices (id int)');
    expect((await refusal(url)).message).toBe(
      `PostgreSQL at ${where(url)} is not a citebot database (it holds other tables: invoices): move it away or set DATABASE_URL to another database`,
    );
  });

  it('refuses a wrong password in one line that does not show it', async () => {
    const url = await server().createDatabase();
    const wrong = url.replace(server().password, 'not-the-password-42');
    const error = await refusal(wrong);
    expect(error.message).toBe(
      `citebot could not reach PostgreSQL at ${where(url)} (28P01: password authentication failed for user "citebot"): check DATABASE_URL`,
    );
    expect(error.message).not.toContain('not-the-password-42');
  });

  it('refuses a closed port in one line', async () => {
    const url = 'postgresql://citebot:secret-pw-7@127.0.0.1:1/citebot';
    expect((await refusal(url)).message).toBe(
      'citebot could not reach PostgreSQL at 127.0.0.1:1/citebot (ECONNREFUSED): check DATABASE_URL',
    );
  });
});

suite('PostgreSQL: a server restart', () => {
  it('is survived: the next call reconnects, and everything acknowledged before is there', async () => {
    const url = await server().createDatabase();
    const store: Store = await openPostgresStore(url);
    try {
      await store.recordAnswer(answer('a1', 1000));
      await store.vote('a1', 'u1', 1, 1100);
      const pick = await store.addPick(newPick('kept'), 1200);
      await store.savePickVectors([{ pickId: pick.id, model: 'm', vector: new Float32Array([0.5, -2]) }]);
      await store.putArticle(linkArticle('a', 1300), auditOf('add', 'a'), 1300);
      await store.saveProposal(proposal('p1'));
      await store.logQuestion({ at: 1400, question: 'q?', answered: true, surface: 'discord', quoted: [] });

      await server().restart();

      expect(await store.getAnswer('a1')).toEqual(answer('a1', 1000));
      expect(await store.tally('a1')).toEqual({ up: 1, down: 0 });
      expect(await store.getPick(pick.id)).toEqual(pick);
      expect((await store.pickVectors('m')).map((v) => Array.from(v.vector))).toEqual([[0.5, -2]]);
      expect(await store.getArticle('discord/a.md')).toEqual(linkArticle('a', 1300));
      expect(await store.getProposal('p1')).toEqual(proposal('p1'));
      expect((await store.questionsSince(0)).map((q) => q.question)).toEqual(['q?']);
      expect(await store.revision()).toBe(1);
      expect(await store.corpusRevision()).toBe(1);
      // And it still writes.
      expect(await store.vote('a1', 'u1', -1, 2000)).toBe(1);
    } finally {
      await store.close();
    }
  });
});

suite('PostgreSQL: connections cut while in use', () => {
  it('fail only the calls on them: the process lives on and the next call works', async () => {
    const url = await server().createDatabase();
    const store: Store = await openPostgresStore(url);
    // A pg client in use whose connection ends emits 'error'; with nobody listening, that would be
    // an uncaught exception and the end of the process.
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await store.recordAnswer(answer('a1', 1000));
      let running = true;
      let failed = 0;
      let acknowledged = 0;
      const voters = Array.from({ length: 8 }, async (_, n) => {
        for (let i = 0; running; i++) {
          await store.vote('a1', `u${n}-${i}`, 1, 1100 + i).then(
            () => acknowledged++,
            () => failed++,
          );
        }
      });
      for (let round = 0; round < 5; round++) {
        await new Promise((r) => setTimeout(r, 60));
        await query(
          url,
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'citebot' and datname = current_database()",
        );
      }
      running = false;
      await Promise.all(voters);
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      expect(failed).toBeGreaterThan(0);
      // Every vote acknowledged is there, and the store still writes.
      const before = await store.tally('a1');
      // (A vote whose commit went through just before its connection was cut counts but failed.)
      expect(before.up).toBeGreaterThanOrEqual(acknowledged);
      expect(before.up).toBeLessThanOrEqual(acknowledged + failed);
      await store.vote('a1', 'after', 1, 5000);
      expect(await store.tally('a1')).toEqual({ up: before.up + 1, down: 0 });
    } finally {
      process.off('uncaughtException', onUncaught);
      await store.close();
    }
  });
});
