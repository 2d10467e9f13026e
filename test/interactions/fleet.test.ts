/**
 * The answers behind buttons through the shared store (SharedAnswerStore), on SQLite: an answer made by
 * one handler, read back by another store over the same database, renders the same page; a click through
 * the second handler works; an answer unknown to both, or past its 15 minutes, has expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { LIMITS } from '../../src/discord/limits.js';
import { renderAnswerPage } from '../../src/discord/render.js';
import { createLogger } from '../../src/log.js';
import { decodeAnswer, encodeAnswer, SharedAnswerStore } from '../../src/interactions/fleet.js';
import type { Store } from '../../src/store/corpus-types.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { button, slashCommand, user } from '../harness/index.js';
import { buttonId, type Handling, makeHandler } from './setup.js';

let db: Store;
let now = Date.now();
const log = createLogger({ level: 'error', write: () => undefined });
const shared = () =>
  new SharedAnswerStore({ store: db, log, ttlMs: LIMITS.interactionTokenMs, now: () => now });
const signer = new CustomIdSigner();
let a: SharedAnswerStore;
let b: SharedAnswerStore;
let ha: Handling;
let hb: Handling;

beforeAll(async () => {
  db = await openSqliteStore(':memory:');
  a = shared();
  b = shared();
  ha = await makeHandler({ COOLDOWN_QUESTIONS: '1000' }, { store: a, signer });
  hb = await makeHandler({ COOLDOWN_QUESTIONS: '1000' }, { store: b, signer });
});
afterAll(() => db.close());

describe('answers behind buttons in the shared store', () => {
  it('round-trips: the answer read back renders the same pages as the one kept', async () => {
    const asker = user();
    const r = await ha.send(
      slashCommand({
        name: 'ask',
        options: { question: 'open-source AI communities', private: true },
        user: asker,
      }),
    );
    await a.settled();
    expect(a.size).toBe(1);
    expect(b.size).toBe(0);
    const id = signer.decode(buttonId(r.only(), 'More results'))?.answerId ?? '';
    expect((await db.getButtonAnswer(id, now))?.userId).toBe(asker.id);
    const mine = await a.get(id);
    const theirs = await b.get(id);
    if (!mine || !theirs) throw new Error('no answer');
    expect(theirs).toEqual(JSON.parse(JSON.stringify(mine)));
    for (const page of [0, 1, 2]) {
      const opts = { signer, canPost: true };
      expect(renderAnswerPage(theirs, page, opts)).toEqual(renderAnswerPage(mine, page, opts));
    }
    expect(decodeAnswer(encodeAnswer(mine))).toEqual(theirs);
    expect(decodeAnswer('not json')).toBeUndefined();
    expect(decodeAnswer('{"id":1}')).toBeUndefined();
  });

  it('"More results" clicked through the other handler pages the answer', async () => {
    const asker = user();
    const r = await ha.send(
      slashCommand({ name: 'ask', options: { question: 'federated learning', private: true }, user: asker }),
    );
    await a.settled();
    const more = (
      await hb.send(button({ customId: buttonId(r.only(), 'More results'), user: asker }))
    ).only();
    expect(more.type).toBe(7);
    expect(more.data?.content).toContain('Results 4–6');
  });

  it('an answer past its 15 minutes has expired in the store too', async () => {
    const asker = user();
    const r = await ha.send(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: asker }),
    );
    await a.settled();
    const full = buttonId(r.only(), 'Full passage 1');
    now += LIMITS.interactionTokenMs + 1;
    try {
      const late = (await hb.send(button({ customId: full, user: asker }))).only();
      expect(JSON.stringify(late)).toMatch(/answers are kept for 15 minutes/);
    } finally {
      now = Date.now();
    }
  });
});
