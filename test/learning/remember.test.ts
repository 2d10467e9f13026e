/**
 * Remembering an answer never holds the answer up: the id comes back at once while the store writes
 * behind it; a vote made meanwhile waits for the write; a write that failed is logged and its vote
 * told the answer is not kept; close-time flush waits for writes in flight.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask, type AskResult, type Services } from '../../src/commands/commands.js';
import { Library } from '../../src/corpus/library.js';
import { Feedback } from '../../src/learning/feedback.js';
import { Learning } from '../../src/learning/learning.js';
import { createLogger } from '../../src/log.js';
import type { Store } from '../../src/store/corpus-types.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let store: Store;
let lines: string[];
let services: Services;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-remember-'));
  store = await openSqliteStore(dir);
  lines = [];
  const library = new Library({ dir: path.join(root, 'corpus') });
  await library.reindex();
  services = { library, log: createLogger({ level: 'warn', write: (l) => lines.push(l) }) };
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** The real store, its recordAnswer held back by `ms`. */
function slowed(ms: number): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'recordAnswer') {
        return async (...args: Parameters<Store['recordAnswer']>) => {
          await new Promise((r) => setTimeout(r, ms));
          return target.recordAnswer(...args);
        };
      }
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function feedbackOn(s: Store): Feedback {
  return new Feedback({
    store: s,
    learning: new Learning(),
    library: services.library,
    log: services.log,
    retentionDays: 30,
  });
}

async function answered(): Promise<AskResult> {
  const r = await ask(services, { question: 'What is nanoGPT?' });
  if (r.kind !== 'answer') throw new Error(r.message);
  return r;
}

describe('remember', () => {
  it('returns the id before a slow write ends; a vote meanwhile waits for it and counts', async () => {
    const fb = feedbackOn(slowed(300));
    const r = await answered();
    const t0 = performance.now();
    const id = await fb.remember(r, { askerId: 'u1', private: false, surface: 'discord' });
    expect(performance.now() - t0).toBeLessThan(150);
    expect(id).toBeDefined();
    expect(await store.getAnswer(id ?? '')).toBeUndefined();
    const vote = await fb.vote(id ?? '', { userId: 'u2', moderator: false }, 1);
    expect(vote).toMatchObject({ ok: true });
    expect(await store.tally(id ?? '')).toEqual({ up: 1, down: 0 });
  });

  it('a failed write is logged, and its vote is told the answer is not kept', async () => {
    const fb = feedbackOn(store);
    await store.close();
    const id = await fb.remember(await answered(), { askerId: 'u1', private: false, surface: 'discord' });
    await fb.flush();
    expect(lines.join('\n')).toMatch(/could not remember an answer/u);
    expect(await fb.vote(id ?? '', { userId: 'u2', moderator: false }, 1)).toMatchObject({ ok: false });
  });

  it('flush waits for the writes in flight', async () => {
    const fb = feedbackOn(slowed(200));
    const id = await fb.remember(await answered(), { askerId: 'u1', private: false, surface: 'ask' });
    await fb.flush();
    expect(await store.getAnswer(id ?? '')).toMatchObject({ question: 'What is nanoGPT?' });
    expect((await store.questionsSince(0)).map((q) => q.question)).toEqual(['What is nanoGPT?']);
  });
});
