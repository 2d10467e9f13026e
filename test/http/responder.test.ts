/**
 * The HTTP Responder through the real server: the initial response is the HTTP body, exactly once;
 * edits and follow-ups reach the webhook calls only after it; handlers that throw, return without
 * answering or are stuck still get a well-formed reply; a client that goes away crashes nothing.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyRespondedError, type HandleInteraction } from '../../src/interactions/types.js';
import { fallbackMessage, ResponseNotDeliveredError } from '../../src/transports/http/responder.js';
import { autocomplete, button, slashCommand } from '../harness/payloads.js';
import { type Running, sendSigned, signedHeaders, sleep, startServer } from './helpers.js';

const ask = () => slashCommand({ name: 'ask', options: { question: 'what is a quote?' } });
const ERROR_REPLY = /^Something went wrong while answering\. Error id: [0-9a-f]{8} /u;

let run: Running | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

describe('HTTP Responder', () => {
  it('a handler that defers and then edits: the HTTP body is the deferral, the edit follows it', async () => {
    const handle: HandleInteraction = async (_raw, r) => {
      // Asked for before the deferral: it must still wait until the deferral is written.
      const early = r.followUp({ content: 'early follow-up' });
      await r.respond({ type: 5, data: { flags: 64 } });
      expect(r.responded).toBe(true);
      await r.editOriginal({ content: 'the answer' });
      await early;
      await r.deleteOriginal();
    };
    run = await startServer(handle);
    const payload = ask();
    const reply = await sendSigned(run, payload);
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ type: 5, data: { flags: 64 } });
    await sleep(50);
    expect(run.events).toEqual(['finish 200', 'followUp', 'editOriginal', 'deleteOriginal']);
    expect(run.webhook.calls[1]).toEqual({
      applicationId: payload.application_id,
      token: payload.token,
      route: 'editOriginal',
      body: { content: 'the answer' },
    });
  });

  it('a second respond rejects with AlreadyRespondedError and sends nothing more', async () => {
    let second: unknown;
    const handle: HandleInteraction = async (_raw, r) => {
      await r.respond({ type: 4, data: { content: 'one' } });
      second = await r.respond({ type: 4, data: { content: 'two' } }).catch((e: unknown) => e);
    };
    run = await startServer(handle);
    const reply = await sendSigned(run, ask());
    expect(reply.json()).toEqual({ type: 4, data: { content: 'one' } });
    await sleep(20);
    expect(second).toBeInstanceOf(AlreadyRespondedError);
    expect(run.webhook.calls).toEqual([]);
  });

  it('a handler that throws: a well-formed ephemeral error reply, and the server stays up', async () => {
    let calls = 0;
    const handle: HandleInteraction = (_raw, r) => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return r.respond({ type: 4, data: { content: 'fine again' } });
    };
    run = await startServer(handle);
    const reply = await sendSigned(run, ask());
    expect(reply.status).toBe(200);
    const body = reply.json() as {
      type: number;
      data: { content: string; flags: number; allowed_mentions: unknown };
    };
    expect(body.type).toBe(4);
    expect(body.data.flags).toBe(64);
    expect(body.data.allowed_mentions).toEqual({ parse: [] });
    expect(body.data.content).toMatch(ERROR_REPLY);
    expect(run.log.lines.some((l) => l.level === 'error' && l.msg.includes('threw'))).toBe(true);
    expect((await sendSigned(run, ask())).json()).toEqual({ type: 4, data: { content: 'fine again' } });
  });

  it('a handler that returns without answering: the error reply (empty choices for autocomplete)', async () => {
    run = await startServer(async () => {});
    const reply = await sendSigned(run, ask());
    expect((reply.json() as { data: { content: string } }).data.content).toMatch(ERROR_REPLY);
    const errorId = run.log.lines.find((l) => l.level === 'error')?.fields?.errorId;
    expect(fallbackMessage(String(errorId))).toBe(
      (reply.json() as { data: { content: string } }).data.content,
    );
    const choices = await sendSigned(run, autocomplete({ name: 'read', focused: 'article', value: 'a' }));
    expect(choices.json()).toEqual({ type: 8, data: { choices: [] } });
  });

  it('a stuck handler: the safety deferral goes out, and its late answer becomes the edit', async () => {
    const handle: HandleInteraction = async (_raw, r) => {
      await sleep(400);
      await r.respond({ type: 4, data: { content: 'late answer', flags: 64 } });
    };
    run = await startServer(handle, { safetyDeferMs: 150 });
    const reply = await sendSigned(run, ask());
    expect(reply.json()).toEqual({ type: 5, data: { flags: 64 } });
    await sleep(500);
    expect(run.events).toEqual(['finish 200', 'editOriginal']);
    expect(run.webhook.calls[0]?.body).toEqual({ content: 'late answer' });
    expect(run.log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'the handler had not responded: sent a deferral to keep the interaction alive',
    ]);
  });

  it('a stuck button: deferred update, then a new message is a follow-up, an update an edit', async () => {
    const handle: HandleInteraction = async (raw, r) => {
      await sleep(300);
      const update = raw.type === 3 && raw.data.custom_id === 'update';
      await r.respond(
        update ? { type: 7, data: { content: 'page 2' } } : { type: 4, data: { content: 'new', flags: 64 } },
      );
    };
    run = await startServer(handle, { safetyDeferMs: 100 });
    expect((await sendSigned(run, button({ customId: 'new' }))).json()).toEqual({ type: 6 });
    expect((await sendSigned(run, button({ customId: 'update' }))).json()).toEqual({ type: 6 });
    await sleep(500);
    expect(run.webhook.calls.map((c) => [c.route, c.body])).toEqual([
      ['followUp', { content: 'new', flags: 64 }],
      ['editOriginal', { content: 'page 2' }],
    ]);
  });

  it('a stuck handler that never answers: deferral, then the error reply as the edit', async () => {
    run = await startServer(() => sleep(250), { safetyDeferMs: 50 });
    expect((await sendSigned(run, ask())).json()).toEqual({ type: 5, data: { flags: 64 } });
    await sleep(400);
    expect(run.webhook.calls).toHaveLength(1);
    expect(run.webhook.calls[0]?.route).toBe('editOriginal');
    expect((run.webhook.calls[0]?.body as { content: string }).content).toMatch(ERROR_REPLY);
  });

  it('a client that goes away: respond rejects with ResponseNotDeliveredError, nothing crashes', async () => {
    let outcome: unknown = 'pending';
    const handle: HandleInteraction = async (_raw, r) => {
      await sleep(200);
      outcome = await r.respond({ type: 4, data: { content: 'too late' } }).then(
        () => 'sent',
        (e: unknown) => e,
      );
      await r.editOriginal({ content: 'x' }).catch(() => {});
    };
    run = await startServer(handle);
    const body = JSON.stringify(ask());
    const port = run.port;
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/interactions',
        headers: { ...signedHeaders(run!.keys.privateKey, body), 'Content-Type': 'application/json' },
        agent: false,
      });
      req.on('error', () => resolve());
      req.end(body, () => setTimeout(() => req.destroy(), 50));
    });
    await sleep(400);
    expect(outcome).toBeInstanceOf(ResponseNotDeliveredError);
    expect(run.webhook.calls).toEqual([]);
    expect(run.server.inflight).toBe(0);
    expect((await sendSigned(run, ask())).status).toBe(200);
  });

  it('redacts the initial response with the given function', async () => {
    run = await startServer((_raw, r) => r.respond({ type: 4, data: { content: 'token SECRET123' } }), {
      redact: <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll('SECRET123', '[redacted]')) as T,
    });
    expect((await sendSigned(run, ask())).json()).toEqual({ type: 4, data: { content: 'token [redacted]' } });
  });

  it('close() waits for the interactions in flight, their edits included', async () => {
    const handle: HandleInteraction = async (_raw, r) => {
      await r.respond({ type: 5 });
      await sleep(200);
      await r.editOriginal({ content: 'done' });
    };
    run = await startServer(handle);
    await sendSigned(run, ask());
    expect(run.server.inflight).toBe(1);
    await run.server.close(2000);
    expect(run.webhook.calls.map((c) => c.route)).toEqual(['editOriginal']);
    run = undefined;
  });
});
