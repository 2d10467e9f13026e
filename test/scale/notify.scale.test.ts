// Changes pushed across instances on PostgreSQL (LISTEN/NOTIFY), on a throw-away cluster: two stores
// on one database stand for two citebots. A pick or an article committed through one is heard by the
// other at once; a rolled-back change is never heard; after a server restart the listener comes back
// by itself. Then two whole services: an article added through one is in the other's index within 2 s.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app.js';
import type { Services } from '../../src/commands/commands.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import type { ChangeKind, NewAuditEntry, Store } from '../../src/store/corpus-types.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { requirePostgres, type PostgresCluster } from '../harness/postgres.js';
import { auditOf, linkArticle, newPick } from '../store/helpers.js';
import { FAKE_TOKEN } from '../harness/index.js';

const cluster = await requirePostgres('notify.scale.test.ts');
const suite = cluster === undefined ? describe.skip : describe;
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await cluster?.stop();
});

/** The cluster (only called inside the suites, which are skipped without one). */
function server(): PostgresCluster {
  if (cluster === undefined) throw new Error('no PostgreSQL');
  return cluster;
}

/** What a store's listener heard, each with the time (performance.now()) it heard it. */
interface Ear {
  heard: { kind: ChangeKind; at: number }[];
  /** Resolves with the time of the first `kind` heard at or after `since`; rejects after `timeoutMs`. */
  next(kind: ChangeKind, since: number, timeoutMs?: number): Promise<number>;
}

async function listen(store: Store): Promise<Ear> {
  const heard: Ear['heard'] = [];
  if (!store.watch) throw new Error('this store cannot watch');
  const unwatch = await store.watch((c) => heard.push({ kind: c.kind, at: performance.now() }));
  cleanup.push(unwatch);
  return {
    heard,
    async next(kind, since, timeoutMs = 5000) {
      const end = performance.now() + timeoutMs;
      for (;;) {
        const found = heard.find((h) => h.kind === kind && h.at >= since);
        if (found) return found.at;
        if (performance.now() > end) throw new Error(`no '${kind}' heard within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 2));
      }
    },
  };
}

/** Two stores on one new database. */
async function twoInstances(): Promise<[Store, Store]> {
  const url = await server().createDatabase();
  const a = await openPostgresStore(url);
  const b = await openPostgresStore(url);
  cleanup.push(
    () => a.close(),
    () => b.close(),
  );
  return [a, b];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

suite('PostgreSQL: changes pushed to the other instances', () => {
  it("hears a pick made on another instance within 2 s, and an article as 'corpus'", async () => {
    const [a, b] = await twoInstances();
    const ear = await listen(b);
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await a.addPick(newPick(`q${i}`), 1000 + i);
      latencies.push((await ear.next('picks', t0)) - t0);
    }
    latencies.sort((x, y) => x - y);
    const median = latencies[10] ?? NaN;
    const max = latencies[19] ?? NaN;
    console.log(
      `pick → heard on the other instance: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
    );
    expect(max).toBeLessThan(2000);
    expect(ear.heard.every((h) => h.kind === 'picks')).toBe(true);

    const t0 = performance.now();
    await a.putArticle(linkArticle('x', 100), auditOf('add', 'x'), 100);
    const at = await ear.next('corpus', t0);
    console.log(`article → heard on the other instance: ${(at - t0).toFixed(1)} ms`);
    expect(at - t0).toBeLessThan(2000);
    // And a removal, and the instance's own change.
    const own = await listen(a);
    const t1 = performance.now();
    expect(await a.deleteArticle('discord/x.md', auditOf('remove', 'x'))).toBe(true);
    await ear.next('corpus', t1);
    await own.next('corpus', t1);
  });

  it('is silent about a change that was rolled back', async () => {
    const [a, b] = await twoInstances();
    const ear = await listen(b);
    // The audit entry is written after the bump (and its notification): the database refuses it.
    const badAudit = { ...auditOf('add', 'x'), actor: null } as unknown as NewAuditEntry;
    const t0 = performance.now();
    await expect(a.putArticle(linkArticle('x', 100), badAudit, 100)).rejects.toThrow();
    expect(await b.corpusRevision()).toBe(0);
    await sleep(500);
    expect(ear.heard).toEqual([]);
    // Still listening: the next change that commits is heard.
    await a.putArticle(linkArticle('y', 200), auditOf('add', 'y'), 200);
    await ear.next('corpus', t0);
    expect(ear.heard.map((h) => h.kind)).toEqual(['corpus']);
  });

  it('reconnects after the server restarts, hears both kinds once, then new changes again', async () => {
    const [a, b] = await twoInstances();
    const ear = await listen(b);
    const t0 = performance.now();
    await server().restart();
    // Back: one of each (a change may have been missed while it was away).
    await Promise.all([ear.next('picks', t0, 15_000), ear.next('corpus', t0, 15_000)]);
    expect(ear.heard.map((h) => h.kind).sort()).toEqual(['corpus', 'picks']);
    const t1 = performance.now();
    await a.addPick(newPick('after the restart'), 5000);
    const at = await ear.next('picks', t1);
    expect(at - t1).toBeLessThan(2000);
  });
});

suite('PostgreSQL: two citebots on one database', () => {
  it("has an article added through one in the other's index within 2 s", async () => {
    const url = await server().createDatabase();
    const root = mkdtempSync(path.join(tmpdir(), 'citebot-notify-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const corpus = path.join(root, 'corpus');
    mkdirSync(corpus);
    writeFileSync(path.join(corpus, 'tides.md'), '# Tides\n\nThe moon pulls the sea twice a day.\n');
    const start = async (name: string): Promise<[Services, Store]> => {
      const cacheDir = path.join(root, `cache-${name}`);
      const config = loadConfig(
        {
          DISCORD_TOKEN: FAKE_TOKEN,
          CORPUS_DIR: corpus,
          CACHE_DIR: cacheDir,
          SEMANTIC: 'off',
          DATABASE_URL: url,
        },
        root,
      );
      const store = await openPostgresStore(url);
      const services = await createServices(config, silentLogger, { store });
      cleanup.push(() => services.close?.());
      return [services, store];
    };
    const [, storeA] = await start('a');
    const [b] = await start('b');
    const files = () => b.library.index.articles.map((x) => x.file);
    expect(files()).toEqual(['tides.md']);

    const t0 = performance.now();
    await storeA.putArticle(linkArticle('comets', 100), auditOf('add', 'comets'), 100);
    while (!files().includes('discord/comets.md') && performance.now() - t0 < 5000) await sleep(5);
    const ms = performance.now() - t0;
    console.log(`article added on one citebot → in the other's index: ${ms.toFixed(0)} ms`);
    expect(files()).toContain('discord/comets.md');
    expect(ms).toBeLessThan(2000);
  });
});
