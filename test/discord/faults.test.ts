/**
 * Faults: the real bot (real discord.js, real corpus) against the fake Discord while the gateway drops,
 * REST answers 429/500 or stalls, interactions expire, discord.js chokes on a payload, and a flood of
 * interactions meets a slow answer. After every fault the bot answers the next interaction correctly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_MESSAGE } from '../../src/interactions/deadline.js';
import { scrubPaths } from '../../src/interactions/routes/reindex.js';
import { QueueFullError, WorkQueue } from '../../src/discord/queue.js';
import { installCrashGuard, isDiscordDispatchError } from '../../src/transports/gateway/run.js';
import { createLogger } from '../../src/log.js';
import type { Embedder } from '../../src/semantic/embedder.js';
import {
  button,
  FakeDiscord,
  type Json,
  messageCreate,
  type RecordedRequest,
  slashCommand,
  user,
} from '../harness/index.js';
import { type Running, startBot } from './setup.js';
import { useModel } from '../models.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const ok = (r: RecordedRequest) => r.status !== undefined && r.status >= 200 && r.status < 300;
const descriptionOf = (body: Json): string =>
  body?.data?.embeds?.[0]?.description ?? body?.embeds?.[0]?.description ?? '';

/** Asks "What is nanoGPT?" as a fresh user and checks the answer: the bot works. */
async function expectAnswers(server: FakeDiscord, timeoutMs = 3000): Promise<void> {
  const cb = await server.interact(
    slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
    timeoutMs,
  );
  expect(cb.status).toBe(204);
  expect(cb.body.type).toBe(4);
  expect(descriptionOf(cb.body)).toContain('**nanoGPT**');
}

// ---------------------------------------------------------------------------------------------------------

describe('gateway faults', () => {
  let run: Running;
  beforeAll(async () => {
    run = await startBot();
  });
  afterAll(async () => run?.stop());

  it('resumes after the connection drops mid-session, replaying the interaction sent meanwhile', async () => {
    const session = run.server.sessionList[0]?.sessionId;
    const resumes = run.server.resumes.length;
    run.server.dropConnection();
    // Sent while the bot is away: Discord keeps it for the session and replays it on RESUME.
    const during = run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
      8000,
    );
    const resume = await run.server.waitForResume(8000, resumes + 1);
    expect(resume.session_id).toBe(session);
    const cb = await during;
    expect(descriptionOf(cb.body)).toContain('**nanoGPT**');
    expect(run.server.identifies).toHaveLength(1);
    await expectAnswers(run.server);
    expect(run.logs.join('\n')).toContain('gateway resumed');
  });

  it('resumes when Discord sends RECONNECT', async () => {
    const resumes = run.server.resumes.length;
    run.server.sendReconnect();
    await run.server.waitForResume(8000, resumes + 1);
    expect(run.server.identifies).toHaveLength(1);
    await expectAnswers(run.server, 5000);
  });

  it('resumes after a resumable INVALID_SESSION', async () => {
    const resumes = run.server.resumes.length;
    run.server.sendInvalidSession(true);
    await run.server.waitForResume(8000, resumes + 1);
    expect(run.server.identifies).toHaveLength(1);
    await expectAnswers(run.server, 5000);
  });

  it('drops a zombie connection (no HEARTBEAT_ACK) and resumes', async () => {
    const resumes = run.server.resumes.length;
    run.server.stopHeartbeatAcks();
    try {
      await run.server.waitForResume(8000, resumes + 1);
    } finally {
      run.server.stopHeartbeatAcks(false);
    }
    expect(run.logs.join('\n')).toContain('gateway reconnecting');
    await expectAnswers(run.server, 5000);
  });

  it('identifies again after a non-resumable INVALID_SESSION (discord.js waits a few seconds)', async () => {
    run.server.sendInvalidSession(false);
    await run.server.waitForIdentify(15_000, 2);
    await until('the new session', () => run.server.sessionList.some((s) => s.connected), 5000);
    await expectAnswers(run.server, 5000);
  }, 25_000);
});

// ---------------------------------------------------------------------------------------------------------

describe('REST faults', () => {
  let run: Running;
  beforeAll(async () => {
    // A 1 s REST timeout (10 s in production) so timeouts are quick to provoke; Discord's 3 s deadline on.
    run = await startBot(
      { COOLDOWN_QUESTIONS: '1000' },
      { server: { interactionDeadlineMs: 3000 }, bot: { clientOptions: { rest: { timeout: 1000 } } } },
    );
  });
  afterAll(async () => run?.stop());

  const callbackPattern = (id: string) => new RegExp(`/interactions/${id}/[^/]+/callback`);

  async function privateAnswer(asker = user()) {
    const payload = slashCommand({
      name: 'ask',
      options: { question: 'federated learning', private: true },
      user: asker,
    });
    const cb = await run.server.interact(payload);
    const post = (cb.body.data.components as Json[])
      .flatMap((r) => r.components)
      .find((c: Json) => c.label === 'Post to channel');
    expect(post).toBeDefined();
    return { asker, customId: post.custom_id as string };
  }
  /** Public follow-ups (posts) made with an interaction's token. */
  const posts = (token: string) =>
    run.server.findRequests(
      (r) => r.method === 'POST' && r.route.startsWith(`/webhooks/`) && r.route.includes(`/${token}`),
    );

  it('waits out a 429 on the callback and replies once', async () => {
    const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    run.server.failNext({
      method: 'POST',
      pathPattern: callbackPattern(payload.id),
      status: 429,
      retryAfter: 0.3,
    });
    run.server.dispatch('INTERACTION_CREATE', payload);
    await until('the retried callback', () => run.server.callbacks(payload.id).some(ok));
    const calls = run.server.callbacks(payload.id);
    expect(calls.map((c) => c.status)).toEqual([429, 204]);
    expect((calls[1]?.receivedAt ?? 0) - (calls[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(250);
    expect(descriptionOf(calls[1]?.body)).toContain('**nanoGPT**');
    await expectAnswers(run.server);
  });

  it('retries a 500 on the callback and replies once', async () => {
    const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    run.server.failNext({ method: 'POST', pathPattern: callbackPattern(payload.id), status: 500 });
    run.server.dispatch('INTERACTION_CREATE', payload);
    await until('the retried callback', () => run.server.callbacks(payload.id).some(ok));
    expect(run.server.callbacks(payload.id).map((c) => c.status)).toEqual([500, 204]);
    await expectAnswers(run.server);
  });

  it('retries a callback that timed out, and the late original does not answer twice', async () => {
    const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    // Held 1.5 s before Discord looks at it: the bot gives up at 1 s and retries.
    run.server.failNext({ method: 'POST', pathPattern: callbackPattern(payload.id), delayMs: 1500 });
    const logsBefore = run.logs.length;
    run.server.dispatch('INTERACTION_CREATE', payload);
    await until(
      'both attempts answered',
      () =>
        run.server.callbacks(payload.id).every((c) => c.status !== undefined) &&
        run.server.callbacks(payload.id).length === 2,
    );
    const calls = run.server.callbacks(payload.id);
    expect(calls.filter(ok)).toHaveLength(1);
    // The held original came too late: Discord refuses a second first response.
    expect(calls.find((c) => !ok(c))?.response?.code).toBe(40060);
    const state = run.server.interaction(payload.id);
    expect((state?.callbackAt ?? Infinity) - (state?.dispatchedAt ?? 0)).toBeLessThan(3000);
    expect(descriptionOf({ embeds: state?.original?.embeds })).toContain('**nanoGPT**');
    expect(run.logs.slice(logsBefore).join('\n')).not.toMatch(/handler failed/);
    await expectAnswers(run.server);
  });

  it('treats "already acknowledged" after a lost callback response as delivered, not as an error', async () => {
    for (const fault of [{ status: 500 }, { delayMs: 1500 }]) {
      const logsBefore = run.logs.length;
      const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
      // Discord carries the reply out, but its answer is lost (500) or too slow (timeout): discord.js retries.
      run.server.failNext({
        method: 'POST',
        pathPattern: callbackPattern(payload.id),
        afterHandling: true,
        ...fault,
      });
      run.server.dispatch('INTERACTION_CREATE', payload);
      await until('the retry', () =>
        run.server.callbacks(payload.id).some((c) => c.response?.code === 40060),
      );
      await sleep(fault.delayMs ? fault.delayMs : 200);
      const calls = run.server.callbacks(payload.id);
      expect(calls.filter((c) => c.handledStatus === 204 || ok(c))).toHaveLength(1);
      const state = run.server.interaction(payload.id);
      expect(descriptionOf({ embeds: state?.original?.embeds })).toContain('**nanoGPT**');
      // No "something went wrong" sent as a follow-up, nothing logged as a failure.
      expect(state?.followups.size).toBe(0);
      expect(
        run.server.interactionRequests(payload.id).filter((r) => r.route.startsWith('/webhooks/')),
      ).toHaveLength(0);
      const logged = run.logs.slice(logsBefore).join('\n');
      expect(logged).not.toMatch(/handler failed|could not report/);
      expect(logged).toContain('first response was already delivered');
    }
    await expectAnswers(run.server);
  });

  it('retries a 500 on a follow-up ("Post to channel") and posts once', async () => {
    const { asker, customId } = await privateAnswer();
    const click = button({ customId, user: asker });
    run.server.failNext({ method: 'POST', pathPattern: `/webhooks/`, status: 500 });
    const cb = await run.server.interact(click);
    expect(cb.body.type).toBe(6);
    await until('the post', () => posts(click.token).some(ok));
    expect(posts(click.token).map((r) => r.status)).toEqual([500, 200]);
    expect(run.server.interaction(click.id)?.followups.size).toBe(1);
    await expectAnswers(run.server);
  });

  it('when follow-ups keep failing, says so with an error id and lets the user post again', async () => {
    const { asker, customId } = await privateAnswer();
    const click = button({ customId, user: asker });
    // The original attempt and discord.js's 3 retries.
    run.server.failNext({ method: 'POST', pathPattern: `/webhooks/`, status: 500, times: 4 });
    await run.server.interact(click);
    await until('the error note', () => posts(click.token).some(ok), 5000);
    const sent = posts(click.token);
    expect(sent.map((r) => r.status)).toEqual([500, 500, 500, 500, 200]);
    const note = sent[4]?.body;
    expect(note.flags).toBe(64);
    expect(descriptionOf(note)).toMatch(/Error id: [0-9a-f]{8}/);
    // The private answer the button was on was not overwritten by the error.
    expect(
      run.server.findRequests((r) => r.method === 'PATCH' && r.route.includes(`/${click.token}/`)),
    ).toHaveLength(0);
    // Nothing was posted, so the answer can be posted again.
    const again = button({ customId, user: asker });
    expect((await run.server.interact(again)).body.type).toBe(6);
    await until('the post', () => posts(again.token).some(ok));
    expect(run.server.interaction(again.id)?.followups.size).toBe(1);
    await expectAnswers(run.server);
  });

  it('does not repeat a follow-up that timed out (Discord may have posted it): at most one post', async () => {
    const { asker, customId } = await privateAnswer();
    const click = button({ customId, user: asker });
    run.server.failNext({ method: 'POST', pathPattern: `/webhooks/`, delayMs: 1500 });
    await run.server.interact(click);
    await until('the late post', () => posts(click.token).some(ok), 4000);
    await sleep(300);
    // One attempt only: it timed out on the bot's side (1 s), and Discord created the message afterwards.
    expect(posts(click.token)).toHaveLength(1);
    expect(run.server.interaction(click.id)?.followups.size).toBe(1);
    expect(run.logs.join('\n')).toContain('Discord did not confirm a message');
    // The answer counts as posted: clicking again does not post a second copy.
    const again = await run.server.interact(button({ customId, user: asker }));
    expect(again.body.data.flags).toBe(64);
    expect(descriptionOf(again.body)).toMatch(/already been posted/);
    await expectAnswers(run.server);
  });

  it('retries a 500 on a DM reply and a 500 on a deferred edit', async () => {
    const author = user();
    const d = messageCreate({ dm: true, content: 'What is federated learning?', author });
    run.server.failNext({ method: 'POST', pathPattern: `/channels/${d.channel_id}/messages`, status: 500 });
    run.server.dispatch('MESSAGE_CREATE', d);
    const replies = () =>
      run.server.findRequests((r) => r.method === 'POST' && r.body?.message_reference?.message_id === d.id);
    await until('the DM reply', () => replies().some(ok));
    expect(replies().map((r) => r.status)).toEqual([500, 200]);

    const mod = slashCommand({ name: 'reindex', user: user(), permissions: 1n << 5n });
    run.server.failNext({ method: 'PATCH', pathPattern: `/${mod.token}/messages/@original`, status: 500 });
    expect((await run.server.interact(mod)).body.type).toBe(5);
    const edits = () =>
      run.server.findRequests((r) => r.method === 'PATCH' && r.route.includes(`/${mod.token}/`));
    await until('the edit', () => edits().some(ok));
    expect(edits().map((r) => r.status)).toEqual([500, 200]);
    expect(edits()[1]?.body.embeds[0].title).toBe('Re-indexed');
    await expectAnswers(run.server);
  });

  it('logs an interaction that expired before its callback (10062) and keeps going', async () => {
    const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    run.server.failNext({
      method: 'POST',
      pathPattern: callbackPattern(payload.id),
      status: 404,
      body: { code: 10062, message: 'Unknown interaction' },
    });
    const logsBefore = run.logs.length;
    const cb = await run.server.interact(payload);
    expect(cb.status).toBe(404);
    await until('the log line', () =>
      run.logs.some((l) => l.includes('interaction expired') && l.includes(payload.id)),
    );
    await sleep(100);
    // No second attempt to answer a dead interaction.
    expect(run.server.interactionRequests(payload.id)).toHaveLength(1);
    expect(run.logs.slice(logsBefore).join('\n')).not.toMatch(/handler failed/);
    await expectAnswers(run.server);
  });

  it('an interaction whose 3 s passed (fake deadline) is logged as expired, not crashed on', async () => {
    const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    // The bot sees the interaction 3.1 s late (held in the gateway): Discord has given up on it.
    run.server.dispatch('INTERACTION_CREATE', payload);
    const st = run.server.interaction(payload.id);
    if (st) st.dispatchedAt -= 3100;
    const cb = await run.server.waitForCallback(payload.id);
    expect(cb.response?.code).toBe(10062);
    await until('the log line', () =>
      run.logs.some((l) => l.includes('interaction expired') && l.includes(payload.id)),
    );
    await expectAnswers(run.server);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('a gateway event discord.js cannot parse', () => {
  /** INTERACTION_CREATE without `entitlements`: discord.js 14 throws a TypeError building the interaction. */
  function malformed() {
    const bad = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    const { entitlements: _drop, ...rest } = bad;
    return { id: bad.id, payload: rest };
  }

  it('is skipped by the guarded dispatch: logged with an error id, answered with it, and the bot keeps answering', async () => {
    const run = await startBot();
    try {
      const bad = malformed();
      const cb = await run.server.interact(bad.payload);
      expect(cb.body.type).toBe(4);
      expect(cb.body.data.flags).toBe(64);
      const errorId = descriptionOf(cb.body).match(/Error id: ([0-9a-f]{8})/)?.[1];
      expect(errorId).toBeDefined();
      const line = run.logs.find((l) => l.includes('could not handle a gateway event'));
      expect(line).toContain(errorId);
      expect(line).toContain('INTERACTION_CREATE');
      expect(line).toContain(bad.id);
      // Also without authorizing_integration_owners, and an autocomplete (answered with no choices).
      const { authorizing_integration_owners: _a, ...noOwners } = slashCommand({
        name: 'help',
        user: user(),
      });
      expect((await run.server.interact(noOwners)).body.data.flags).toBe(64);
      await expectAnswers(run.server);
      expect(run.server.identifies).toHaveLength(1);
    } finally {
      await run.stop();
    }
  });

  it('without the guard, reaches the process-level guard of run.ts, which keeps the bot running', async () => {
    const run = await startBot({}, { bot: { guardGatewayDispatch: false } });
    // vitest's own listeners would report the (expected) unhandled rejection as a failure: set them
    // aside while the guard is the only listener, and put everything back afterwards.
    const savedExceptions = process.listeners('uncaughtException');
    const savedRejections = process.listeners('unhandledRejection');
    process.removeAllListeners('uncaughtException');
    process.removeAllListeners('unhandledRejection');
    const exits: number[] = [];
    const guard = installCrashGuard({ log: run.services.log, exit: (code) => exits.push(code) });
    try {
      const bad = malformed();
      run.server.dispatch('INTERACTION_CREATE', bad.payload);
      await until('the guard', () =>
        run.logs.some((l) => l.includes('discord.js failed on a gateway event')),
      );
      const line = run.logs.find((l) => l.includes('discord.js failed on a gateway event')) ?? '';
      expect(line).toMatch(/errorId="[0-9a-f]{8}"/);
      expect(line).toContain('unhandledRejection');
      expect(exits).toEqual([]);
      await expectAnswers(run.server);
    } finally {
      guard.uninstall();
      for (const l of savedExceptions) process.on('uncaughtException', l);
      for (const l of savedRejections) process.on('unhandledRejection', l);
      await run.stop();
    }
    expect(process.listeners('uncaughtException')).toEqual(savedExceptions);
    expect(process.listeners('unhandledRejection')).toEqual(savedRejections);
  });

  it('the process-level guard exits 1 for any other error, so a supervisor restarts the bot', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    const exits: number[] = [];
    const target = { on: () => target, off: () => target } as unknown as NodeJS.Process;
    const guard = installCrashGuard({ log, exit: (c) => exits.push(c), target });
    guard.handle(new Error('our own bug'), 'uncaughtException');
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toMatch(/exiting so the supervisor restarts citebot .*errorId="[0-9a-f]{8}"/);
    guard.handle('a rejection with no Error', 'unhandledRejection');
    expect(exits).toEqual([1, 1]);

    const fromDiscord = new TypeError("Cannot read properties of undefined (reading 'reduce')");
    fromDiscord.stack = [
      fromDiscord.stack?.split('\n')[0],
      '    at new BaseInteraction (/app/node_modules/discord.js/src/structures/BaseInteraction.js:107:43)',
      '    at InteractionCreateAction.handle (/app/node_modules/discord.js/src/client/actions/InteractionCreate.js:96:25)',
      '    at WebSocketManager.handlePacket (/app/node_modules/discord.js/src/client/websocket/WebSocketManager.js:352:31)',
    ].join('\n');
    expect(isDiscordDispatchError(fromDiscord)).toBe(true);
    // Our own listener, called from inside discord.js's dispatch, is our bug: exit.
    const ours = new Error('bug in a listener');
    ours.stack = [
      'Error: bug in a listener',
      '    at Client.<anonymous> (/app/src/discord/bot.ts:10:5)',
      '    at WebSocketManager.handlePacket (/app/node_modules/discord.js/src/client/websocket/WebSocketManager.js:352:31)',
    ].join('\n');
    expect(isDiscordDispatchError(ours)).toBe(false);
    expect(isDiscordDispatchError(new Error('plain'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('overload', () => {
  it('a flood of 300 interactions on 2 slots + 10 waiting: each gets exactly one first response within 3 s, some "busy"; a slower answer is deferred', async () => {
    const run = await startBot(
      { MAX_CONCURRENT: '2', MAX_QUEUE: '10', LOG_LEVEL: 'info' },
      { server: { interactionDeadlineMs: 3000 } },
    );
    // An answer that takes 700 ms: the semantic stage's model is slow (and then fails: lexical answer).
    let active = 0;
    let maxActive = 0;
    let delayMs = 700;
    const slow: Embedder = {
      model: 'slow-test-model',
      async embed() {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await sleep(delayMs);
        active -= 1;
        throw new Error('slow model gave up');
      },
    };
    const restore = useModel(run.services, slow);
    try {
      const payloads = Array.from({ length: 300 }, () =>
        slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
      );
      for (const p of payloads) run.server.dispatch('INTERACTION_CREATE', p);
      // A DM question meanwhile: the queue is full, so it is told so.
      const dm = messageCreate({ dm: true, content: 'What is nanoGPT?', author: user() });
      run.server.dispatch('MESSAGE_CREATE', dm);
      const first = await Promise.all(payloads.map((p) => run.server.waitForCallback(p.id, 5000)));
      const dmReply = await run.server.waitForRequest(
        (r) => r.method === 'POST' && r.body?.message_reference?.message_id === dm.id,
        5000,
      );
      expect(descriptionOf(dmReply.body)).toContain(BUSY_MESSAGE);

      await until(
        'the queue to drain',
        () => run.bot.queue.running === 0 && run.bot.queue.waiting === 0,
        5000,
      );
      await sleep(100);
      const kinds = { answered: 0, deferred: 0, busy: 0 };
      for (const [k, p] of payloads.entries()) {
        const calls = run.server.callbacks(p.id);
        expect(calls, `interaction ${k}`).toHaveLength(1);
        expect(calls[0]?.status).toBe(204);
        const st = run.server.interaction(p.id);
        expect((st?.callbackAt ?? Infinity) - (st?.dispatchedAt ?? 0)).toBeLessThan(3000);
        const body = first[k]?.body;
        if (body.type === 5) {
          kinds.deferred += 1;
          expect(descriptionOf({ embeds: st?.original?.embeds })).toContain('**nanoGPT**');
        } else if (descriptionOf(body).includes(BUSY_MESSAGE)) {
          kinds.busy += 1;
          expect(body.data.flags).toBe(64);
        } else {
          kinds.answered += 1;
          expect(descriptionOf(body)).toContain('**nanoGPT**');
        }
      }
      expect(maxActive).toBeLessThanOrEqual(2);
      expect(kinds.busy).toBeGreaterThan(200);
      expect(kinds.answered + kinds.deferred).toBeGreaterThanOrEqual(2);
      expect(kinds.answered + kinds.deferred + kinds.busy).toBe(300);
      expect(run.logs.join('\n')).not.toMatch(/interaction expired|handler failed/);
      // The questions that waited for a slot shed the slow semantic stage and were answered lexically.
      expect(run.logs.some((l) => l.includes('under load: answering lexically'))).toBe(true);

      // One answer slower than Discord's 3 s: deferred in time, then edited in.
      delayMs = 3300;
      const slowOne = slashCommand({
        name: 'ask',
        options: { question: 'What is nanoGPT?', private: true },
        user: user(),
      });
      const deferred = await run.server.interact(slowOne);
      expect(deferred.body).toEqual({ type: 5, data: { flags: 64 } });
      const st = run.server.interaction(slowOne.id);
      expect((st?.callbackAt ?? Infinity) - (st?.dispatchedAt ?? 0)).toBeLessThan(2500);
      const edit = await run.server.waitForRequest(
        (r) => r.method === 'PATCH' && r.route.includes(`/${slowOne.token}/messages/@original`),
        5000,
      );
      expect(descriptionOf(edit.body)).toContain('**nanoGPT**');
      expect(run.server.callbacks(slowOne.id)).toHaveLength(1);
    } finally {
      restore();
    }
    await expectAnswers(run.server);
    await run.stop();
  }, 30_000);
});

describe('load shedding', () => {
  it('questions that wait for a slot skip the semantic stage, so a backlog is answered in time instead of "busy"', async () => {
    const run = await startBot(
      { MAX_CONCURRENT: '1', MAX_QUEUE: '50', LOG_LEVEL: 'info' },
      { server: { interactionDeadlineMs: 3000 } },
    );
    // A semantic stage that takes 400 ms per question: 20 of them in a row would take 8 s.
    let embedCalls = 0;
    const slow: Embedder = {
      model: 'slow-test-model',
      async embed() {
        embedCalls += 1;
        await sleep(400);
        throw new Error('slow model gave up');
      },
    };
    const restore = useModel(run.services, slow);
    try {
      const payloads = Array.from({ length: 20 }, () =>
        slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
      );
      for (const p of payloads) run.server.dispatch('INTERACTION_CREATE', p);
      const first = await Promise.all(payloads.map((p) => run.server.waitForCallback(p.id, 5000)));
      for (const [k, p] of payloads.entries()) {
        expect(descriptionOf(first[k]?.body), `interaction ${k}`).toContain('**nanoGPT**');
        const st = run.server.interaction(p.id);
        expect((st?.callbackAt ?? Infinity) - (st?.dispatchedAt ?? 0)).toBeLessThan(3000);
        expect(run.server.callbacks(p.id)).toHaveLength(1);
      }
      // Only questions that found the bot idle went through the model.
      expect(embedCalls).toBeGreaterThanOrEqual(1);
      expect(embedCalls).toBeLessThanOrEqual(3);
      expect(run.logs.some((l) => l.includes('under load: answering lexically'))).toBe(true);
    } finally {
      restore();
    }
    await expectAnswers(run.server);
    await run.stop();
  }, 30_000);
});

describe('overload and the per-user allowance', () => {
  it('a "busy" refusal does not use up the user\'s questions (slash commands and DMs)', async () => {
    const run = await startBot({ MAX_CONCURRENT: '1', MAX_QUEUE: '0', COOLDOWN_QUESTIONS: '2' });
    // The one slot is held by a slow answer (the semantic stage's model, held until released, then fails).
    let release: () => void = () => undefined;
    const slow: Embedder = {
      model: 'slow-test-model',
      async embed() {
        await new Promise<void>((r) => {
          release = r;
          setTimeout(r, 5000);
        });
        throw new Error('slow model gave up');
      },
    };
    const restore = useModel(run.services, slow);
    const u = user();
    const refused = /You're asking quickly/;
    try {
      const holder = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
      run.server.dispatch('INTERACTION_CREATE', holder);
      await until('the slot to be taken', () => run.bot.queue.running === 1);
      // Three questions from one user (allowance 2) while the bot is full: each told "busy", none
      // told to slow down.
      for (let k = 0; k < 3; k++) {
        const cb = await run.server.interact(
          slashCommand({ name: 'ask', options: { question: 'What is RISC-V?' }, user: u }),
        );
        expect(descriptionOf(cb.body), `question ${k + 1}`).toContain(BUSY_MESSAGE);
      }
      const dm = messageCreate({ dm: true, content: 'What is RISC-V?', author: u });
      run.server.dispatch('MESSAGE_CREATE', dm);
      const dmBusy = await run.server.waitForRequest(
        (r) => r.method === 'POST' && r.body?.message_reference?.message_id === dm.id,
      );
      expect(descriptionOf(dmBusy.body)).toContain(BUSY_MESSAGE);
      release();
    } finally {
      restore();
    }
    await until('the slot to be free', () => run.bot.queue.running === 0);
    // The bot has room again: the user still has both questions of the allowance...
    const dm = messageCreate({ dm: true, content: 'What is nanoGPT?', author: u });
    run.server.dispatch('MESSAGE_CREATE', dm);
    const dmReply = await run.server.waitForRequest(
      (r) => r.method === 'POST' && r.body?.message_reference?.message_id === dm.id,
    );
    expect(descriptionOf(dmReply.body)).toContain('**nanoGPT**');
    const second = await run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: u }),
    );
    expect(descriptionOf(second.body)).toContain('**nanoGPT**');
    // ...and the limit still applies to questions that were answered.
    const third = await run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: u }),
    );
    expect(descriptionOf(third.body)).toMatch(refused);
    await run.stop();
  }, 20_000);
});

describe('WorkQueue', () => {
  it('rejects bad options, quoting the value', () => {
    expect(() => new WorkQueue({ concurrency: 0, maxQueue: 1 })).toThrow(
      'concurrency must be a whole number from 1 up; got 0',
    );
    expect(() => new WorkQueue({ concurrency: 1.5, maxQueue: 1 })).toThrow('got 1.5');
    expect(() => new WorkQueue({ concurrency: '2' as unknown as number, maxQueue: 1 })).toThrow(
      'got "2" (a string)',
    );
    expect(() => new WorkQueue({ concurrency: 1, maxQueue: -1 })).toThrow(
      'maxQueue must be a whole number from 0 up; got -1',
    );
    expect(() => new WorkQueue({ concurrency: 1, maxQueue: Number.NaN })).toThrow('got NaN');
    expect(() => new WorkQueue(undefined as unknown as { concurrency: number; maxQueue: number })).toThrow(
      'options must be an object; got undefined',
    );
  });

  it('runs at most `concurrency` at once, queues `maxQueue`, refuses beyond, in order', async () => {
    const q = new WorkQueue({ concurrency: 2, maxQueue: 2 });
    const order: number[] = [];
    let active = 0;
    let max = 0;
    const job = (n: number) => async () => {
      active += 1;
      max = Math.max(max, active);
      await sleep(20);
      order.push(n);
      active -= 1;
      return n;
    };
    const all = [1, 2, 3, 4].map((n) => q.add(job(n)));
    expect(q.running).toBe(2);
    expect(q.waiting).toBe(2);
    await expect(q.add(job(5))).rejects.toBeInstanceOf(QueueFullError);
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4]);
    expect(max).toBe(2);
    expect(order).toEqual([1, 2, 3, 4]);
    await q.onIdle();
    expect(q.running + q.waiting).toBe(0);
    // A failing job frees its slot too.
    await expect(q.add(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(q.add(() => 'sync value')).resolves.toBe('sync value');
  });

  it('withdraws a waiting job when its signal aborts, but not a running one', async () => {
    const q = new WorkQueue({ concurrency: 1, maxQueue: 5 });
    let ran = false;
    const running = new AbortController();
    const first = q.add(() => sleep(30).then(() => 'first'), { signal: running.signal });
    const waiting = new AbortController();
    const second = q.add(
      () => {
        ran = true;
      },
      { signal: waiting.signal },
    );
    running.abort();
    waiting.abort(new Error('gave up'));
    expect(q.waiting).toBe(0);
    await expect(second).rejects.toThrow('gave up');
    await expect(first).resolves.toBe('first');
    expect(ran).toBe(false);
    await expect(q.add(() => 1, { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow(
      'already',
    );
    // maxQueue 0: nothing waits.
    const none = new WorkQueue({ concurrency: 1, maxQueue: 0 });
    const a = none.add(() => sleep(10));
    await expect(none.add(() => 1)).rejects.toBeInstanceOf(QueueFullError);
    await a;
  });
});

describe('scrubPaths', () => {
  it('keeps only the last segment of file-system paths', () => {
    expect(scrubPaths("ENOENT: no such file or directory, scandir '/work/main/corpus'")).toBe(
      "ENOENT: no such file or directory, scandir 'corpus'",
    );
    expect(scrubPaths('failed at C:\\bot\\corpus\\a.txt now')).toBe('failed at a.txt now');
    expect(scrubPaths('see file:///srv/citebot/x.md')).toBe('see x.md');
    expect(scrubPaths('and/or 3/4 stays')).toBe('and/or 3/4 stays');
  });
});
