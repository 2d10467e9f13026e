/**
 * Discord's 3 s window on raw payloads: a slow answer is deferred (type 5) and then edits @original, a
 * question that cannot start in time or finds the queue full is told "busy" (without using up the
 * user's allowance), and questions that wait shed the semantic stage.
 */
import { DiscordAPIError } from '@discordjs/rest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_MESSAGE, QUEUE_WAIT_MS } from '../../src/interactions/deadline.js';
import type { Embedder } from '../../src/semantic/embedder.js';
import { autocomplete, slashCommand, user } from '../harness/index.js';
import { RecordingResponder } from './recorder.js';
import { described, type Handling, makeHandler, sleep } from './setup.js';
import { useModel } from '../models.js';

/** A model that takes `ms` per question (held until released when ms is Infinity), then fails. */
function slowModel(ms: number): Embedder & { calls: number; release(): void } {
  let release = () => undefined as void;
  const m = {
    model: 'slow-test-model',
    calls: 0,
    release: () => release(),
    async embed(): Promise<Float32Array[]> {
      m.calls += 1;
      await new Promise<void>((r) => {
        release = r;
        if (Number.isFinite(ms)) setTimeout(r, ms);
        else setTimeout(r, 10_000);
      });
      throw new Error('slow model gave up');
    },
  };
  return m;
}

const ask = (question: string, extra: object = {}, options: Record<string, boolean> = {}) =>
  slashCommand({ name: 'ask', options: { question, ...options }, user: user(), ...extra });

let h: Handling;
beforeAll(async () => {
  h = await makeHandler({ MAX_CONCURRENT: '1', MAX_QUEUE: '1', COOLDOWN_QUESTIONS: '1' });
});
afterEach(() => {
  h.rt.stopping = false;
});

describe('the deadline', () => {
  it('defers an answer still running at QUEUE_WAIT_MS, ephemeral as it will be, then edits it in', async () => {
    const model = slowModel(QUEUE_WAIT_MS + 300);
    const restore = useModel(h.services, model);
    try {
      const receivedAt = Date.now();
      const r = await h.send(ask('What is nanoGPT?', {}, { private: true }), undefined, receivedAt);
      expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'edit']);
      expect(r.only()).toEqual({ type: 5, data: { flags: 64 } });
      const [deferral, edit] = r.calls;
      expect((deferral?.at ?? Infinity) - receivedAt).toBeGreaterThanOrEqual(QUEUE_WAIT_MS - 5);
      expect((deferral?.at ?? Infinity) - receivedAt).toBeLessThan(QUEUE_WAIT_MS + 250);
      if (edit?.kind !== 'edit') throw new Error('no edit');
      expect('flags' in edit.body).toBe(false);
      expect(described(edit.body)).toContain('**nanoGPT**');
      expect(edit.body.allowed_mentions).toEqual({ parse: [] });
      expect(model.calls).toBe(1);
    } finally {
      restore();
    }
  }, 10_000);

  it('a deferred answer for someone (/ask for:) is posted as a follow-up, which pings them, and the placeholder goes', async () => {
    const model = slowModel(QUEUE_WAIT_MS + 300);
    const restore = useModel(h.services, model);
    try {
      const target = user();
      const payload = slashCommand({
        name: 'ask',
        options: [
          { name: 'question', type: 3, value: 'What is nanoGPT?' },
          { name: 'for', type: 6, value: target.id },
        ] as never,
        resolved: { users: { [target.id]: target } },
        user: user(),
      });
      const r = await h.send(payload);
      expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'followUp', 'delete']);
      expect(r.only()).toEqual({ type: 5, data: { flags: 0 } });
      const post = r.calls[1];
      if (post?.kind !== 'followUp') throw new Error('no follow-up');
      expect(post.body.allowed_mentions).toEqual({ users: [target.id] });
      expect(post.body.content).toContain(`<@${target.id}>`);
      expect(described(post.body)).toContain('**nanoGPT**');
    } finally {
      restore();
    }
  }, 10_000);

  it('a public answer is deferred publicly (flags 0)', async () => {
    const restore = useModel(h.services, slowModel(QUEUE_WAIT_MS + 200));
    try {
      const r = await h.send(ask('What is nanoGPT?'));
      expect(r.only()).toEqual({ type: 5, data: { flags: 0 } });
      expect(r.calls[1]?.kind).toBe('edit');
    } finally {
      restore();
    }
  }, 10_000);

  it('says "busy" when the queue is full or a question cannot start in time, and gives the allowance back', async () => {
    const model = slowModel(Infinity);
    const waiter = user();
    const restore = useModel(h.services, model);
    try {
      // The one slot: a question that runs the held model.
      const holder = h.send(ask('What is nanoGPT?'));
      await sleep(20);
      expect(h.rt.queue.running).toBe(1);
      // Waits in the one queue place; it arrived 1.8 s ago, so its 2 s run out 200 ms from now.
      const waiting = h.send(ask('What is RISC-V?', { user: waiter }), undefined, Date.now() - 1800);
      await sleep(20);
      expect(h.rt.queue.waiting).toBe(1);
      // The queue is full: told at once.
      const full = await h.send(ask('What is RISC-V?'));
      expect(full.only().data?.flags).toBe(64);
      expect(described(full.only())).toBe(BUSY_MESSAGE);
      const late = await waiting;
      expect(described(late.only())).toContain('citebot is busy');
      expect(h.logs.some((l) => l.includes('busy') && l.includes('waited too long'))).toBe(true);
      expect(h.logs.some((l) => l.includes('busy') && l.includes('queue full'))).toBe(true);
      model.release();
      await holder;
    } finally {
      restore();
    }
    await h.rt.queue.onIdle();
    // The waiter's one question (COOLDOWN_QUESTIONS=1) was given back: they can still ask.
    const again = await h.send(ask('What is nanoGPT?', { user: waiter }));
    expect(described(again.only())).toContain('**nanoGPT**');
  }, 15_000);

  it('questions that start late skip the semantic stage (answered lexically)', async () => {
    const model = slowModel(50);
    const restore = useModel(h.services, model);
    try {
      const r = await h.send(ask('What is nanoGPT?'), undefined, Date.now() - 1000);
      expect(described(r.only())).toContain('**nanoGPT**');
      expect(model.calls).toBe(0);
      expect(h.logs.some((l) => l.includes('under load: answering lexically'))).toBe(true);
    } finally {
      restore();
    }
  });
});

describe('around the answer', () => {
  it('while shutting down, says citebot is restarting (autocomplete is still answered)', async () => {
    h.rt.stopping = true;
    const r = (await h.send(ask('What is nanoGPT?'))).only();
    expect(r.data?.flags).toBe(64);
    expect(described(r)).toMatch(/citebot is restarting/);
    expect(
      (await h.send(autocomplete({ name: 'ask', focused: 'question', value: 'open', user: user() }))).only()
        .type,
    ).toBe(8);
  });

  it('an interaction that expired (10062) is logged, and nothing else is sent', async () => {
    const expired = new DiscordAPIError(
      { code: 10062, message: 'Unknown interaction' },
      10062,
      404,
      'POST',
      '/interactions/1/t/callback',
      { body: undefined },
    );
    const payload = slashCommand({ name: 'help', user: user() });
    const r = await h.send(payload, new RecordingResponder(payload.id).failNext('respond', expired));
    expect(r.attempts).toBe(1);
    expect(r.calls).toEqual([]);
    expect(
      h.logs.some((l) => l.includes('interaction expired before it was answered') && l.includes(payload.id)),
    ).toBe(true);
  });
});
