// app-sync.ts: refreshes that never overlap, a burst of requests making one run; on SQLite (no
// push) the revisions are polled. PostgreSQL's notifications: test/scale/notify.scale.test.ts.
import { describe, expect, it } from 'vitest';
import { serialRunner, startStoreSync } from '../src/app-sync.js';
import { silentLogger } from '../src/log.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { newPick } from './store/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serialRunner', () => {
  it('makes one run of a burst of requests', async () => {
    let runs = 0;
    const runner = serialRunner(() => Promise.resolve(void runs++), 5);
    for (let i = 0; i < 10; i++) runner.request();
    await sleep(1);
    runner.request();
    await runner.idle();
    expect(runs).toBe(1);
  });

  it('runs once more after a run during which requests came, never two at once', async () => {
    let runs = 0;
    let active = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const runner = serialRunner(async () => {
      runs++;
      most = Math.max(most, ++active);
      await new Promise<void>((r) => (release = r));
      active--;
    }, 1);
    runner.request();
    await sleep(10);
    expect(runs).toBe(1);
    runner.request();
    runner.request();
    release();
    await sleep(10);
    expect(runs).toBe(2);
    release();
    await runner.idle();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('survives a failing run and runs nothing after stop', async () => {
    let runs = 0;
    const runner = serialRunner(() => Promise.reject(new Error(`run ${++runs}`)), 1);
    runner.request();
    await runner.idle();
    runner.request();
    await runner.idle();
    expect(runs).toBe(2);
    await runner.stop();
    runner.request();
    await sleep(10);
    expect(runs).toBe(2);
  });
});

describe('startStoreSync on SQLite', () => {
  it('does not watch, and polls: a pick made meanwhile is refreshed within a poll', async () => {
    const store = await openSqliteStore(':memory:');
    const seen: number[] = [];
    const sync = await startStoreSync({
      store,
      picks: async () => void seen.push(await store.revision()),
      corpus: () => Promise.resolve(),
      pollMs: 20,
      log: silentLogger,
    });
    try {
      expect(sync.watching).toBe(false);
      await store.addPick(newPick('q'), 100);
      for (let i = 0; i < 100 && !seen.includes(1); i++) await sleep(10);
      expect(seen).toContain(1);
    } finally {
      await sync.stop();
      await store.close();
    }
  });
});
