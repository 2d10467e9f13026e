/**
 * Several `npm run start:http` instances behind a real nginx on one PostgreSQL (test/harness/fleet.ts,
 * nginx.ts, postgres.ts), Discord's side played by signed requests and the fake Discord: every request
 * answered whichever instance takes it; a vote counted once in the shared store; a pick made through
 * one instance teaching the other; an article added to the store quoted by every instance; a
 * moderator's /corpus add proposed through one instance and confirmed through the other; "More
 * results" and a user's cooldown across instances; PostgreSQL
 * stopped and started under load; `kill -9` of an instance under load.
 */
import { Agent } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusIndex } from '../../src/core/corpus-index.js';
import type { Passage } from '../../src/core/types.js';
import { loadCorpus } from '../../src/corpus/loader.js';
import { normaliseText } from '../../src/learning/anchor.js';
import { deliverSigned, type Fleet, type FleetReply, startFleet } from '../harness/fleet.js';
import {
  APPLICATION_ID,
  FakeDiscord,
  type Json,
  keyPair,
  slashCommand,
  user,
  button,
} from '../harness/index.js';
import { type Nginx, requireNginx } from '../harness/nginx.js';
import { requirePostgres } from '../harness/postgres.js';
import { type Pages, startPages } from '../harness/pages.js';
import { addStoreArticle } from '../harness/store-article.js';
import { MOD_ROLE } from '../discord/setup.js';
import { corpusCommand } from '../interactions/corpus-setup.js';
import { emojiId, selectChoice, selectOf, TAUGHT } from '../interactions/feedback-setup.js';
import { buttonId } from '../interactions/setup.js';

const FILE = 'fleet-nginx.scale.test.ts';
const cluster = await requirePostgres(FILE);
const keys = keyPair();
let fake: FakeDiscord | undefined;
let fleet: Fleet | undefined;
let nginx: Nginx | undefined;
let databaseUrl = '';
let pages: Pages | undefined;
/** Questions per user per minute on the two-instance fleet. */
const LIMIT = 4;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

beforeAll(async () => {
  if (cluster === undefined) return;
  pages = await startPages();
  fake = await FakeDiscord.start();
  databaseUrl = await cluster.createDatabase();
  fleet = await startFleet({
    count: 2,
    keys,
    databaseUrl,
    apiBase: fake.apiBase,
    // Every other test asks as a new user each time; the cooldown test asks as one.
    env: {
      COOLDOWN_QUESTIONS: String(LIMIT),
      COOLDOWN_SECONDS: '60',
      MODERATOR_ROLE_IDS: MOD_ROLE,
      FETCH_ALLOW_HOSTS: '127.0.0.1',
    },
  });
  nginx = await requireNginx(
    FILE,
    fleet.instances.map((i) => i.address),
  );
});
afterAll(async () => {
  agent.destroy();
  await pages?.close();
  await nginx?.stop();
  await fleet?.stop();
  await fake?.close();
  await cluster?.stop();
});

/** Whether the services are there (checked inside each test: nginx is known only after beforeAll). */
function skipWithout(): boolean {
  return cluster === undefined || nginx === undefined;
}

/** Delivers an interaction through nginx as Discord does: the fake learns of it, a 200 is its first response. */
async function deliver(payload: { id: string } & Json): Promise<FleetReply> {
  if (nginx === undefined || fake === undefined) throw new Error('not started');
  return deliverSigned(fake, nginx.port, keys.privateKey, payload, agent);
}

const ask = (question: string, asker = user()) =>
  deliver(slashCommand({ name: 'ask', options: { question }, user: asker }));
const description = (body: Json): string => body?.data?.embeds?.[0]?.description ?? '';
const footer = (body: Json): string => body?.data?.embeds?.[0]?.footer?.text ?? '';

/** A reply of the load, and when its request was sent (performance.now()). */
type Sent = (FleetReply | Error) & { sentAt?: number };

/** Runs /ask from `clients` loops through nginx until `stop()`; every reply by interaction id. */
function load(clients: number): { stop(): Promise<Map<string, Sent>> } {
  const replies = new Map<string, Sent>();
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
      const sentAt = performance.now();
      try {
        replies.set(payload.id, Object.assign(await deliver(payload), { sentAt }));
      } catch (error) {
        replies.set(payload.id, Object.assign(error as Error, { sentAt }));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return replies;
    },
  };
}

/** Fails with an instance's own last output when it is no longer running (it crashed, or was killed). */
function expectRunning(indices: number[]): void {
  for (const i of indices) {
    const instance = fleet?.instances[i];
    if (instance === undefined) throw new Error(`no instance ${i}`);
    const { exitCode, signalCode } = instance.proc;
    if (exitCode !== null || signalCode !== null)
      throw new Error(`instance ${i} exited (${exitCode ?? signalCode}):\n${instance.output().slice(-4000)}`);
  }
}

async function votes(userId: string): Promise<{ answer_id: string; value: number }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query('select answer_id, value from votes where user_id = $1', [userId])).rows as {
      answer_id: string;
      value: number;
    }[];
  } finally {
    await client.end();
  }
}

describe('instances behind nginx on one PostgreSQL', () => {
  it('answers every request, on both instances; a 👍 lands once in the shared store whichever instance took it', async () => {
    if (skipWithout()) return;
    const replies = await Promise.all(Array.from({ length: 8 }, () => ask('What is nanoGPT?')));
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body.type).toBe(4);
      expect(description(r.body)).toContain('**nanoGPT**');
    }
    expect(new Set(replies.map((r) => r.upstream)).size).toBe(2);

    const up = emojiId(replies[0]?.body, '👍');
    const voter = user();
    const first = await deliver(button({ customId: up, user: voter }));
    const again = await deliver(button({ customId: up, user: voter }));
    expect(first.upstream).not.toBe(again.upstream);
    expect(description(first.body)).toBe('Thanks — counted your 👍.\n-# 👍 1 · 👎 0');
    expect(description(again.body)).toBe('You had already voted 👍: it counts once.\n-# 👍 1 · 👎 0');
    expect(await votes(voter.id)).toEqual([{ answer_id: expect.any(String), value: 1 }]);
  });

  it('a pick made through one instance teaches the other within about 3 s', async () => {
    if (skipWithout() || fleet === undefined) return;
    const loaded = await loadCorpus(fleet.corpusDir);
    const index = CorpusIndex.build(loaded.sources);
    const answering = index.passages.find((p) => normaliseText(p.text).includes(TAUGHT.answering)) as Passage;
    const target = `${answering.origin.file} lines ${answering.origin.lines[0]}–${answering.origin.lines[1]}`;
    expect(footer((await ask(TAUGHT.reworded)).body)).not.toContain(target);

    /** A 👎 then the pick of the answering passage, by a new user; the last reply. */
    const pick = async (): Promise<FleetReply> => {
      const voter = user();
      const down = await deliver(
        button({ customId: emojiId((await ask(TAUGHT.question)).body, '👎'), user: voter }),
      );
      const menu = selectOf(down.body);
      const text = normaliseText(answering.text);
      const option = menu.options.find(
        (o) => o.description && text.startsWith(o.description.replace(/…$/u, '')),
      );
      if (option === undefined) throw new Error('the answering passage is not on the menu');
      return deliver(
        selectChoice({ customId: menu.custom_id, values: [option.value], user: voter }) as never,
      );
    };
    expect(description((await pick()).body)).toMatch(/It counts once another person picks the same passage/u);
    const taught = await pick();
    expect(description(taught.body)).toMatch(/^Taught: /u);
    const t0 = Date.now();
    for (;;) {
      const r = await ask(TAUGHT.reworded);
      if (r.upstream !== taught.upstream && footer(r.body).includes(target)) break;
      expect(Date.now() - t0).toBeLessThan(3500);
      await new Promise((res) => setTimeout(res, 100));
    }
    console.log(`${FILE}: a pick reached the other instance after ${Date.now() - t0} ms`);
  });

  it('an article added to the store is quoted by every instance within 2 s or so (measured)', async () => {
    if (skipWithout() || fleet === undefined) return;
    const text =
      '# Zorblax flanges\n\nA zorblax flange is calibrated at forty-two hertz by the quartermaster.\n';
    await addStoreArticle(databaseUrl, 'zorblax-flanges', 'Zorblax flanges', text);
    const t0 = Date.now();
    const seen = new Map<string, number>();
    while (seen.size < fleet.instances.length) {
      const r = await ask('What is a zorblax flange calibrated at?');
      if (description(r.body).includes('forty-two hertz') && !seen.has(r.upstream))
        seen.set(r.upstream, Date.now() - t0);
      expect(Date.now() - t0).toBeLessThan(5000);
      await new Promise((res) => setTimeout(res, 50));
    }
    console.log(`${FILE}: the article was quoted after ${[...seen.values()].join(' and ')} ms`);
    for (const ms of seen.values()) expect(ms).toBeLessThan(3000);
  });

  it('"More results" made by one instance pages the answer when clicked through the other', async () => {
    if (skipWithout()) return;
    const asker = user();
    const first = await ask('federated learning', asker);
    const more = buttonId(first.body, 'More results');
    // Round robin: the next request goes to the other instance, but that is checked, not assumed.
    for (let i = 0; i < 4; i++) {
      const click = await deliver(button({ customId: more, user: asker }));
      expect(click.status).toBe(200);
      if (click.upstream === first.upstream) continue;
      expect(click.body.type).toBe(7);
      expect(click.body.data?.content).toContain('Results 4–6');
      return;
    }
    throw new Error('no click reached the other instance');
  });

  it("a user's question cooldown holds across instances (an instance new to them may let one more through)", async () => {
    if (skipWithout() || fleet === undefined) return;
    const asker = user();
    const replies: FleetReply[] = [];
    for (let i = 0; i < 4 * LIMIT; i++) replies.push(await ask('What is nanoGPT?', asker));
    const answered = replies.filter((r) => description(r.body).includes('**nanoGPT**'));
    const refused = replies.filter((r) => /You're asking quickly/u.test(JSON.stringify(r.body)));
    expect(new Set(replies.map((r) => r.upstream)).size).toBe(2);
    expect(answered.length + refused.length).toBe(replies.length);
    // Counted apart, each instance would allow LIMIT (2 × LIMIT in all). Counted in the store, the
    // limit holds: a user near it waits for the store's count (src/interactions/runtime.ts
    // nearLimit). Only an instance that has not counted this user yet may let one more through.
    expect(answered.length).toBeGreaterThanOrEqual(LIMIT);
    expect(answered.length).toBeLessThanOrEqual(LIMIT + fleet.instances.length - 1);
    // Once refused, refused on every instance for the rest of the window.
    const firstRefused = replies.findIndex((r) => refused.includes(r));
    expect(replies.slice(firstRefused).every((r) => refused.includes(r))).toBe(true);
    console.log(
      `${FILE}: one user got ${answered.length} of ${replies.length} questions answered (limit ${LIMIT})`,
    );
  });

  it("a moderator's /corpus add proposed through one instance is confirmed through the other, and both quote it", async () => {
    if (skipWithout() || fleet === undefined || fake === undefined || pages === undefined) return;
    const mara = { user: user({ global_name: 'Mara' }), roles: [MOD_ROLE] };
    pages.route('/lanterns.md', {
      type: 'text/markdown; charset=utf-8',
      body: '# Tide lanterns\n\nA tide lantern is lit at the second bell so the ferrymen can read the shoals of the estuary.\n',
    });
    /** The message an interaction ended with: its callback's, or after a deferral the edit of @original. */
    const outcome = async (payload: { id: string; token: string } & Json) => {
      const r = await deliver(payload);
      expect(r.status).toBe(200);
      if (r.body.type === 4 || r.body.type === 7) return { reply: r, message: r.body.data as Json };
      const edit = await fake!.waitForRequest(
        (q) =>
          q.method === 'PATCH' &&
          q.route === `/webhooks/${APPLICATION_ID}/${payload.token}/messages/@original`,
        15_000,
      );
      return { reply: r, message: edit.response as Json };
    };
    const proposal = await outcome(
      corpusCommand({ subcommand: 'add', options: { url: `${pages.url}/lanterns.md` }, ...mara }),
    );
    expect(proposal.message.embeds?.[0]?.title).toBe('Add “Tide lanterns”?');
    const add = buttonId(proposal.message, 'Add');
    // nginx's round robin sends the next request to the other instance (checked, not assumed).
    const done = await outcome(button({ customId: add, ...mara, message: proposal.message as never }));
    expect(done.reply.upstream).not.toBe(proposal.reply.upstream);
    expect(done.message.embeds?.[0]?.description).toMatch(/^Added “Tide lanterns” \(1 passage\)\./u);
    const seen = new Set<string>();
    const t0 = Date.now();
    while (seen.size < fleet.instances.length) {
      const r = await ask('What do the ferrymen read by a tide lantern?');
      // The quote, in the answer's embed of passages (its words in bold).
      if (JSON.stringify(r.body.data?.embeds ?? []).includes('second bell')) seen.add(r.upstream);
      expect(Date.now() - t0).toBeLessThan(5000);
      await new Promise((res) => setTimeout(res, 50));
    }
  });

  it('keeps answering while PostgreSQL is stopped; a vote then is refused clearly, and accepted after the restart', async () => {
    if (skipWithout() || cluster === undefined) return;
    const answer = (await ask('What is nanoGPT?')).body;
    const up = emojiId(answer, '👍');
    const running = load(4);
    await new Promise((r) => setTimeout(r, 500));
    await cluster.down();
    await new Promise((r) => setTimeout(r, 500));
    const refused = await deliver(button({ customId: up, user: user() }));
    expectRunning([0, 1]);
    expect(refused.status).toBe(200);
    expect(description(refused.body) || refused.body?.data?.content).toBe(
      "citebot can't save that right now; try again in a minute.",
    );
    await new Promise((r) => setTimeout(r, 1000));
    await cluster.up();
    const t0 = Date.now();
    for (;;) {
      const voter = user();
      const r = await deliver(button({ customId: up, user: voter }));
      if (description(r.body).startsWith('Thanks — counted your 👍.')) break;
      expect(Date.now() - t0).toBeLessThan(15_000);
      await new Promise((res) => setTimeout(res, 200));
    }
    console.log(`${FILE}: votes were accepted again ${Date.now() - t0} ms after PostgreSQL restarted`);
    const replies = await running.stop();
    const bad = [...replies.values()].filter(
      (r) => r instanceof Error || r.status !== 200 || r.body?.type !== 4,
    );
    expect(bad).toEqual([]);
    console.log(`${FILE}: ${replies.size} /ask answered while PostgreSQL was stopped and started`);
    expectRunning([0, 1]);
  });

  it('kill -9 of one instance under load: only requests in flight on it fail (502), every other answered once', async () => {
    if (skipWithout() || fleet === undefined || fake === undefined) return;
    const clients = 6;
    const running = load(clients);
    await new Promise((r) => setTimeout(r, 1500));
    await fleet.kill(1, 'SIGKILL');
    // Its exit seen here: it died before this, so a request sent after it never reached it alive.
    const diedAt = performance.now();
    await new Promise((r) => setTimeout(r, 2500));
    const replies = await running.stop();
    const failed = [...replies.entries()].filter(([, r]) => r instanceof Error || r.status !== 200);
    const answered = [...replies.entries()].filter(([, r]) => !(r instanceof Error) && r.status === 200);
    const late = failed.map(([, r]) => Math.round((r.sentAt ?? 0) - diedAt));
    console.log(
      `${FILE}: ${answered.length} answered, ${failed.length} failed when an instance was killed (sent ${late.join(', ')} ms after its exit was seen)`,
    );
    expectRunning([0]);
    expect(failed.length).toBeLessThanOrEqual(clients);
    for (const [, r] of failed) expect(r instanceof Error ? r.message : r.status).toBe(502);
    // In flight when it died: sent before its exit was seen.
    for (const ms of late) expect(ms).toBeLessThanOrEqual(0);
    for (const [id, r] of answered) {
      expect((r as FleetReply).body.type).toBe(4);
      expect(fake.callbacks(id)).toHaveLength(1);
    }
    // After the kill every request goes to the one left.
    const after = await Promise.all(Array.from({ length: 4 }, () => ask('What is nanoGPT?')));
    expect(after.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(after.map((r) => r.upstream))).toEqual(new Set([fleet.instances[0]?.address]));
  });

  it('with 4 instances under load: every interaction answered once, by all four', async () => {
    if (skipWithout() || cluster === undefined || fake === undefined) return;
    // The two-instance fleet goes first: 2 cores.
    await nginx?.stop();
    await fleet?.stop();
    fleet = await startFleet({
      count: 4,
      keys,
      databaseUrl,
      apiBase: fake.apiBase,
      env: { COOLDOWN_QUESTIONS: '1000' },
    });
    nginx = await requireNginx(
      FILE,
      fleet.instances.map((i) => i.address),
    );
    const running = load(8);
    await new Promise((r) => setTimeout(r, 3000));
    const replies = [...(await running.stop()).entries()];
    const ok = replies.filter(([, r]) => !(r instanceof Error) && r.status === 200 && r.body?.type === 4);
    expect(ok).toHaveLength(replies.length);
    for (const [id] of ok) expect(fake.callbacks(id)).toHaveLength(1);
    const by = new Set(ok.map(([, r]) => (r as FleetReply).upstream));
    expect(by).toEqual(new Set(fleet.instances.map((i) => i.address)));
    console.log(`${FILE}: ${ok.length} answered by 4 instances in 3 s`);
  });
});
