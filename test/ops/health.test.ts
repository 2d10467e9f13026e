/**
 * Health's store probe on a real SQLite store: asked at most once per cacheMs however often /healthz is,
 * one probe shared by concurrent checks, a store that hangs counted unreachable after the timeout, and
 * a change of state logged once.
 */
import { describe, expect, it } from 'vitest';
import { Health, type StoreProbe } from '../../src/ops/health.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { recordingLogger } from '../http/helpers.js';

async function countedProbe(): Promise<{
  probe: StoreProbe;
  pings: () => number;
  close: () => Promise<void>;
}> {
  const store = await openSqliteStore(':memory:');
  let pings = 0;
  return {
    probe: {
      description: store.description,
      ping: () => {
        pings++;
        return store.revision();
      },
    },
    pings: () => pings,
    close: () => store.close(),
  };
}

describe('Health', () => {
  it('asks the store once per cacheMs, one probe for concurrent checks, and logs a change of state once', async () => {
    let now = 1_000_000;
    const { probe, pings, close } = await countedProbe();
    const log = recordingLogger();
    const health = new Health({ store: () => probe, cacheMs: 5_000, now: () => now, log });
    const first = await Promise.all(Array.from({ length: 20 }, () => health.report()));
    expect(pings()).toBe(1);
    expect(first.every((r) => r.store.state === 'ok' && r.status === 'starting' && !r.ready)).toBe(true);
    for (let i = 0; i < 50; i++) await health.report();
    expect(pings()).toBe(1);
    await close();
    now += 5_001;
    const after = await Promise.all([health.report(), health.report()]);
    expect(pings()).toBe(2);
    expect(after.map((r) => r.store.state)).toEqual(['unreachable', 'unreachable']);
    now += 5_001;
    await health.report();
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ store: 'SQLite in memory' });
  });

  it('counts a store that does not answer within the timeout as unreachable', async () => {
    const hung: StoreProbe = { description: 'a store that hangs', ping: () => new Promise(() => {}) };
    const health = new Health({ store: () => hung, timeoutMs: 50 });
    const t0 = Date.now();
    const r = await health.report();
    expect(r.store).toEqual({ state: 'unreachable', description: 'a store that hangs' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('is starting without a library, stopping while shutting down, with no store said so', async () => {
    let stopping = false;
    const health = new Health({ stopping: () => stopping });
    expect(await health.report()).toEqual({
      status: 'starting',
      live: true,
      ready: false,
      snapshot: null,
      semantic: null,
      store: { state: 'none', description: 'no store' },
    });
    stopping = true;
    expect((await health.report()).status).toBe('stopping');
  });
});
