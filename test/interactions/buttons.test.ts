/**
 * Buttons (signed ids, expired answers, someone else's buttons, post once), Discord's limits on every
 * body the handler sends, and the exactly-once initial response, on raw payloads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { LIMITS } from '../../src/discord/limits.js';
import { AnswerStore } from '../../src/discord/store.js';
import { UnconfirmedWriteError } from '../../src/interactions/rest.js';
import { autocomplete, button, type Json, slashCommand, user } from '../harness/index.js';
import { RecordingResponder } from './recorder.js';
import { buttonId, described, type Handling, labels, makeHandler } from './setup.js';

let now = Date.now();
let h: Handling;
beforeAll(async () => {
  const store = new AnswerStore({ ttlMs: LIMITS.interactionTokenMs, now: () => now });
  h = await makeHandler({ COOLDOWN_QUESTIONS: '1000' }, { store });
});

async function answered(question: string, extra: object = {}) {
  const asker = user();
  const r = await h.send(slashCommand({ name: 'ask', options: { question, ...extra }, user: asker }));
  return { asker, body: r.only() };
}

describe('buttons', () => {
  it('"More results" replaces the message in place (type 7, no flags), for the asker only', async () => {
    const { asker, body } = await answered('open-source AI communities', { private: true });
    const more = buttonId(body, 'More results');
    const r = (await h.send(button({ customId: more, user: asker }))).only();
    expect(r.type).toBe(7);
    expect(r.data && 'flags' in r.data).toBe(false);
    expect(r.data?.content).toContain('Results 4–6');
    expect(labels(r)).toContain('Previous');
    expect(labels(r)).toContain('Post to channel');
    const foreign = (await h.send(button({ customId: more, user: user() }))).only();
    expect(foreign.data?.flags).toBe(64);
    expect(described(foreign)).toMatch(/belong to the person who asked/);
  });

  it('tampered, foreign-signed and unknown ids are refused; an answer older than 15 minutes has expired', async () => {
    const { asker, body } = await answered('What is nanoGPT?');
    const full = buttonId(body, 'Full passage 1');
    const tampered = `${full.slice(0, -2)}${full.endsWith('AA') ? 'BB' : 'AA'}`;
    const foreignSigner = new CustomIdSigner().encode(
      h.rt.signer.decode(full) ?? { action: 'full', answerId: 'x', arg: 0 },
    );
    for (const id of [tampered, foreignSigner, 'hello', '']) {
      const r = (await h.send(button({ customId: id, user: asker }))).only();
      expect(r.data?.flags).toBe(64);
      expect(described(r)).toMatch(/not valid any more/);
    }
    const unknown = h.rt.signer.encode({ action: 'more', answerId: 'doesnotexist', arg: 1 });
    expect(described((await h.send(button({ customId: unknown, user: asker }))).only())).toMatch(/expired/);
    expect(described((await h.send(button({ customId: full, user: asker }))).only())).toContain(
      'ranging from',
    );
    now += LIMITS.interactionTokenMs + 1;
    try {
      const late = (await h.send(button({ customId: full, user: asker }))).only();
      expect(described(late)).toMatch(/answers are kept for 15 minutes/);
    } finally {
      now = Date.now();
    }
  });

  it('"Post to channel" acknowledges (type 6), posts one follow-up, and a second click is told it was posted', async () => {
    const { asker, body } = await answered('federated learning', { private: true });
    const post = buttonId(body, 'Post to channel');
    const r = await h.send(button({ customId: post, user: asker }));
    expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'followUp']);
    expect(r.only()).toEqual({ type: 6 });
    const follow = r.calls[1];
    if (follow?.kind !== 'followUp') throw new Error('no follow-up');
    expect(follow.body.flags ?? 0).toBe(0);
    expect(follow.body.allowed_mentions).toEqual({ parse: [] });
    expect(follow.body.content).toContain(`Shared by <@${asker.id}>`);
    expect(labels(follow.body)).toEqual(['Delete']);
    const again = (await h.send(button({ customId: post, user: asker }))).only();
    expect(described(again)).toMatch(/already been posted/);
  });

  it('a post that failed for sure can be tried again; one Discord did not confirm cannot', async () => {
    const { asker, body } = await answered('federated learning', { private: true });
    const post = buttonId(body, 'Post to channel');
    const failed = await h.send(
      button({ customId: post, user: asker }),
      new RecordingResponder('x').failNext('followUp', new Error('500 Internal Server Error')),
    );
    // One initial response (the acknowledgement); the error is told in a follow-up, with its id.
    expect(failed.initial).toEqual([{ type: 6 }]);
    expect(described(failed.calls[1] && 'body' in failed.calls[1] ? failed.calls[1].body : {})).toMatch(
      /Something went wrong while answering\. Error id: [0-9a-f]{8}/,
    );
    const retried = await h.send(button({ customId: post, user: asker }));
    expect(retried.calls.map((c) => c.kind)).toEqual(['respond', 'followUp']);

    const second = await answered('federated learning', { private: true });
    const post2 = buttonId(second.body, 'Post to channel');
    const unconfirmed = await h.send(
      button({ customId: post2, user: second.asker }),
      new RecordingResponder('y').failNext(
        'followUp',
        new UnconfirmedWriteError('POST', '/webhooks/1/:token'),
      ),
    );
    // Only logged: the post may be there.
    expect(unconfirmed.calls.map((c) => c.kind)).toEqual(['respond']);
    expect(h.logs.some((l) => l.includes('Discord did not confirm a message'))).toBe(true);
    expect(described((await h.send(button({ customId: post2, user: second.asker }))).only())).toMatch(
      /already been posted/,
    );
  });
});

describe("Discord's limits", () => {
  function within(data: Record<string, Json> | undefined): void {
    expect(data).toBeDefined();
    expect((data?.content ?? '').length).toBeLessThanOrEqual(LIMITS.content);
    const embeds: {
      title?: string;
      description?: string;
      footer?: { text: string };
      fields?: { name: string; value: string }[];
    }[] = data?.embeds ?? [];
    expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
    let total = 0;
    for (const e of embeds) {
      expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.embedDescription);
      total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text.length ?? 0);
      total += (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0);
    }
    expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
    const rows: { components: { custom_id?: string; label?: string }[] }[] = data?.components ?? [];
    expect(rows.length).toBeLessThanOrEqual(LIMITS.rows);
    for (const row of rows) {
      expect(row.components.length).toBeGreaterThan(0);
      expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
      for (const c of row.components) expect((c.custom_id ?? '').length).toBeLessThanOrEqual(LIMITS.customId);
    }
    expect(data?.allowed_mentions).toEqual({ parse: [] });
  }

  it('every reply fits: answers of 5 results, long quoted questions, /sources, /help, /read', async () => {
    const long = `${'federated learning privacy '.repeat(36)}`.slice(0, 1000);
    for (const options of [
      { question: 'open-source AI', results: 5 },
      { question: long, results: 5 },
      { question: 'Who painted the Mona Lisa?' },
    ] as Record<string, string | number>[]) {
      within((await h.send(slashCommand({ name: 'ask', options, user: user() }))).only().data);
    }
    for (const payload of [
      slashCommand({ name: 'sources', user: user() }),
      slashCommand({ name: 'sources', options: { article: 'why' }, user: user() }),
      slashCommand({ name: 'help', user: user() }),
      slashCommand({ name: 'read', options: { article: 'why', section: '#2' }, user: user() }),
    ]) {
      within((await h.send(payload)).only().data);
    }
  });

  it('autocomplete: at most 25 choices, names and values of at most 100 characters', async () => {
    for (const [focused, value] of [
      ['question', 'open'],
      ['question', ''],
      ['question', 'x'.repeat(300)],
      ['article', ''],
    ] as const) {
      const r = (await h.send(autocomplete({ name: 'ask', focused, value, user: user() }))).only();
      expect(r.type).toBe(8);
      const choices: { name: string; value: string }[] = r.data?.choices ?? [];
      expect(choices.length).toBeLessThanOrEqual(LIMITS.choices);
      for (const c of choices) {
        expect(c.name.length).toBeGreaterThan(0);
        expect(c.name.length).toBeLessThanOrEqual(LIMITS.choiceName);
        expect(c.value.length).toBeLessThanOrEqual(LIMITS.choiceValue);
      }
    }
    const sections = (
      await h.send(
        autocomplete({
          name: 'read',
          focused: 'section',
          value: '',
          options: { article: 'why' },
          user: user(),
        }),
      )
    ).only();
    expect((sections.data?.choices ?? []).length).toBeGreaterThan(1);
  });
});

describe('the initial response', () => {
  it('goes out exactly once for every kind of interaction', async () => {
    const { asker, body } = await answered('open-source AI communities');
    const payloads = [
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
      slashCommand({ name: 'help', user: user() }),
      slashCommand({ name: 'reindex', user: user() }),
      slashCommand({ name: 'nope', user: user() }),
      button({ customId: buttonId(body, 'More results'), user: asker }),
      button({
        customId: h.rt.signer.encode({
          action: 'full',
          answerId: h.rt.signer.decode(buttonId(body, 'More results'))?.answerId ?? 'x',
          arg: 0,
        }),
        user: asker,
      }),
      button({ customId: 'forged', user: asker }),
      autocomplete({ name: 'ask', focused: 'question', value: 'fed', user: user() }),
    ];
    for (const p of payloads) expect((await h.send(p)).initial).toHaveLength(1);
  });

  it('a first response that failed for sure is replaced by the error note, still one response', async () => {
    const r = await h.send(
      slashCommand({ name: 'help', user: user() }),
      new RecordingResponder('z').failNext('respond', new Error('400 Invalid Form Body')),
    );
    expect(r.attempts).toBe(2);
    expect(described(r.only())).toMatch(/Something went wrong while answering\. Error id: ([0-9a-f]{8})/);
    const errorId = described(r.only()).match(/Error id: ([0-9a-f]{8})/)?.[1] ?? 'none';
    expect(h.logs.some((l) => l.includes(errorId) && l.includes('400 Invalid Form Body'))).toBe(true);
  });

  it('a handler that throws answers with an ephemeral error id that is logged, without the error', async () => {
    const lib = h.services.library;
    Object.defineProperty(lib, 'index', {
      configurable: true,
      get() {
        throw new Error('index exploded at /work/secret/path.ts:12');
      },
    });
    let body;
    try {
      body = (await h.send(slashCommand({ name: 'sources', user: user() }))).only();
    } finally {
      delete (lib as unknown as Record<string, unknown>).index;
    }
    expect(body.data?.flags).toBe(64);
    expect(described(body)).not.toMatch(/exploded|\/work/);
    const errorId = described(body).match(/Error id: ([0-9a-f]{8})/)?.[1];
    expect(errorId).toBeDefined();
    expect(h.logs.some((l) => l.includes(errorId as string) && l.includes('index exploded'))).toBe(true);
  });
});
