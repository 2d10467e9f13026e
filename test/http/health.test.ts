/**
 * `/healthz` and `/metrics` of the HTTP mode over real requests: the app of `npm run start:http` (the
 * services as app.ts builds them, with a real SQLite store), 503 `starting` before the corpus is
 * attached, 200 `ok` after, `degraded` once the store is closed (answers go on), 503 `stopping` while
 * shutting down; `/metrics` on the same port, or on METRICS_PORT's own server (and then not on PORT).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app.js';
import type { Services } from '../../src/commands/commands.js';
import { type Env, loadConfig } from '../../src/config.js';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { silentLogger } from '../../src/log.js';
import { Metrics } from '../../src/ops/metrics.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/corpus-types.js';
import { createHttpApp, type HttpApp } from '../../src/transports/http/app.js';
import { type OpsServer, startOpsServer } from '../../src/transports/http/ops-server.js';
import { FAKE_TOKEN, slashCommand, user } from '../harness/index.js';
import { keyPair, send, signedHeaders } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Started {
  app: HttpApp;
  port: number;
  metrics: Metrics;
  store: Store;
  keys: ReturnType<typeof keyPair>;
  attach(): Promise<Services>;
}

/** The HTTP app listening on 127.0.0.1, its services not yet attached. */
async function start(env: Env = {}): Promise<Started> {
  const cache = mkdtempSync(path.join(tmpdir(), 'citebot-health-'));
  cleanup.push(() => rmSync(cache, { recursive: true, force: true }));
  const config = loadConfig(
    {
      DISCORD_TOKEN: FAKE_TOKEN,
      CORPUS_DIR: path.join(ROOT, 'corpus'),
      CACHE_DIR: cache,
      SEMANTIC: 'off',
      ...env,
    },
    ROOT,
  );
  const keys = keyPair();
  const metrics = new Metrics();
  const app = createHttpApp({
    config,
    log: silentLogger,
    publicKey: keys.publicHex,
    signer: new CustomIdSigner(),
    metrics,
    version: '9.9.9',
  });
  const { port } = await app.server.listen(0, '127.0.0.1');
  cleanup.push(() => app.close(1000));
  const store = await openSqliteStore(':memory:');
  return {
    app,
    port,
    metrics,
    store,
    keys,
    async attach() {
      const services = await createServices(config, silentLogger, { store, metrics });
      cleanup.push(() => services.close?.());
      app.attach(services);
      return services;
    },
  };
}

const get = (port: number, p: string) => send(port, { method: 'GET', path: p });

/** A signed /ask through POST /interactions; resolves with the HTTP response (the answer). */
function askOver(s: Started, question: string) {
  const body = JSON.stringify(slashCommand({ name: 'ask', options: { question }, user: user() }));
  return send(s.port, { body, headers: signedHeaders(s.keys.privateKey, body) });
}

describe('/healthz', () => {
  it('is 503 starting until the corpus is attached, then 200 ok with the snapshot, semantic stage and store', async () => {
    const s = await start();
    const before = await get(s.port, '/healthz');
    expect(before.status).toBe(503);
    expect(before.json()).toMatchObject({
      status: 'starting',
      live: true,
      ready: false,
      snapshot: null,
      store: { state: 'none' },
    });
    await s.attach();
    const after = await get(s.port, '/healthz');
    expect(after.status).toBe(200);
    const body = after.json() as { snapshot: { passages: number; articles: number } };
    expect(body).toMatchObject({
      status: 'ok',
      live: true,
      ready: true,
      version: '9.9.9',
      snapshot: { revision: 1, ageSeconds: expect.any(Number) as number },
      semantic: { state: 'off', done: 0 },
      store: { state: 'ok', description: 'SQLite in memory' },
    });
    expect(body.snapshot.passages).toBeGreaterThan(10);
    expect(body.snapshot.articles).toBeGreaterThan(1);
    expect(after.headers['cache-control']).toBe('no-store');
  });

  it('says degraded (still 200, still answering) when the store does not answer; 503 stopping at shutdown', async () => {
    const s = await start();
    await s.attach();
    await s.store.close();
    // The store's state is cached for a few seconds: the first check after closing may still say ok.
    let health = (await get(s.port, '/healthz')).json() as { status: string };
    for (let i = 0; i < 60 && health.status !== 'degraded'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = (await get(s.port, '/healthz')).json() as { status: string };
    }
    expect(health).toMatchObject({ status: 'degraded', ready: true, store: { state: 'unreachable' } });
    expect((await get(s.port, '/healthz')).status).toBe(200);
    const answer = await askOver(s, 'open-source AI communities');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/"embeds"/u);
    const metrics = (await get(s.port, '/metrics')).text;
    expect(metrics).toMatch(/^citebot_store_errors_total\{operation="revision"\} [1-9]/mu);
    expect(metrics).toMatch(/^citebot_store_errors_total\{operation="recordAnswer"\} 1$/mu);
    s.app.runtime!.stopping = true;
    const stopping = await get(s.port, '/healthz');
    expect(stopping.status).toBe(503);
    expect(stopping.json()).toMatchObject({ status: 'stopping', ready: false });
  }, 15_000);
});

describe('/metrics', () => {
  it('is served on PORT with the interactions it handled, the re-index and the snapshot', async () => {
    const s = await start();
    expect((await get(s.port, '/metrics')).text).toMatch(/^citebot_snapshot_revision 0$/mu);
    await s.attach();
    expect((await askOver(s, 'open-source AI communities')).status).toBe(200);
    const res = await get(s.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/u);
    expect(res.text).toMatch(/^citebot_interactions_total\{type="command",outcome="answered"\} 1$/mu);
    expect(res.text).toMatch(/^citebot_answer_seconds_count 1$/mu);
    expect(res.text).toMatch(/^citebot_reindex_total\{result="ok"\} 1$/mu);
    expect(res.text).toMatch(/^citebot_snapshot_revision 1$/mu);
    expect(res.text).toMatch(/^process_resident_memory_bytes \d+/mu);
    expect((await send(s.port, { method: 'POST', path: '/metrics', body: '' })).status).toBe(405);
  });

  it('has a server of its own with METRICS_PORT (health there too), and is then not on PORT', async () => {
    const s = await start({ METRICS_PORT: '1' });
    const ops: OpsServer = await startOpsServer(
      { health: () => s.app.health.report(), metrics: () => s.metrics.text(), log: silentLogger },
      0,
      '127.0.0.1',
    );
    cleanup.push(() => ops.close());
    expect((await get(s.port, '/metrics')).status).toBe(404);
    expect((await get(ops.address.port, '/healthz')).status).toBe(503);
    await s.attach();
    const health = await get(ops.address.port, '/healthz');
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', store: { state: 'ok' } });
    expect((await send(ops.address.port, { method: 'HEAD', path: '/healthz' })).status).toBe(200);
    const res = await get(ops.address.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^citebot_reindex_total\{result="ok"\} 1$/mu);
    expect((await get(ops.address.port, '/interactions')).status).toBe(404);
    expect((await send(ops.address.port, { method: 'DELETE', path: '/metrics' })).status).toBe(405);
  });
});
