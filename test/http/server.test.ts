/**
 * The HTTP transport's gate: real signed requests to 127.0.0.1 (signature, replay, size, method, path,
 * JSON, PING, /healthz). The handler is a small real function that answers at once.
 */
import { connect } from 'node:net';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { APIInteraction } from 'discord-api-types/v10';
import type { HandleInteraction, InteractionMeta } from '../../src/interactions/types.js';
import { slashCommand } from '../harness/payloads.js';
import {
  keyPair,
  nowSeconds,
  type Running,
  send,
  sendSigned,
  signedHeaders,
  startServer,
} from './helpers.js';

const seen: { raw: APIInteraction; meta: InteractionMeta }[] = [];
const answerAtOnce: HandleInteraction = async (raw, responder, meta) => {
  seen.push({ raw, meta });
  await responder.respond({ type: 4, data: { content: 'hello', flags: 64 } });
};

let run: Running | undefined;
afterEach(async () => {
  seen.length = 0;
  await run?.close();
  run = undefined;
});

/** A raw exchange over one socket: what came back before the server closed it (or `waitMs` passed). */
function rawExchange(
  port: number,
  write: (s: import('node:net').Socket) => void,
  waitMs = 3000,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => {}); // a reset after the response is the server closing; the text is kept
    socket.on('close', done);
    socket.on('connect', () => write(socket));
  });
}

describe('POST /interactions: the gate', () => {
  it('answers PING with PONG', async () => {
    run = await startServer(answerAtOnce);
    const r = await sendSigned(run, { id: '1', application_id: '2', type: 1, token: 't', version: 1 });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json()).toEqual({ type: 1 });
    expect(seen).toHaveLength(0);
  });

  it('hands a well-signed interaction to the handler as parsed, with meta.transport http', async () => {
    run = await startServer(answerAtOnce);
    const payload = slashCommand({ name: 'ask', options: { question: 'what is a quote?' } });
    const before = Date.now();
    const r = await sendSigned(run, payload);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ type: 4, data: { content: 'hello', flags: 64 } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.raw).toEqual(JSON.parse(JSON.stringify(payload)));
    expect(seen[0]?.meta.transport).toBe('http');
    expect(seen[0]?.meta.receivedAt).toBeGreaterThanOrEqual(before);
    expect(seen[0]?.meta.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('refuses bad, missing, foreign and stale signatures with 401, logging nothing above debug', async () => {
    run = await startServer(answerAtOnce);
    const body = JSON.stringify(slashCommand({ name: 'ask', options: { question: 'q' } }));
    const good = signedHeaders(run.keys.privateKey, body);
    const cases: [string, Record<string, string>, string][] = [
      ['no headers', {}, body],
      ['no timestamp', { 'X-Signature-Ed25519': good['X-Signature-Ed25519'] ?? '' }, body],
      ['no signature', { 'X-Signature-Timestamp': good['X-Signature-Timestamp'] ?? '' }, body],
      ['garbage hex', { ...good, 'X-Signature-Ed25519': 'zz'.repeat(64) }, body],
      ['short signature', { ...good, 'X-Signature-Ed25519': 'ab' }, body],
      ['another key', signedHeaders(keyPair().privateKey, body), body],
      ['tampered body', good, body.replace('"q"', '"r"')],
      ['six minutes old', signedHeaders(run.keys.privateKey, body, nowSeconds(-6 * 60_000)), body],
      ['six minutes ahead', signedHeaders(run.keys.privateKey, body, nowSeconds(6 * 60_000)), body],
    ];
    for (const [name, headers, sent] of cases) {
      const r = await send(run.port, { headers, body: sent });
      expect(r.status, name).toBe(401);
      expect(r.json(), name).toEqual({ error: 'invalid request signature' });
    }
    expect(seen).toHaveLength(0);
    expect(run.log.lines.filter((l) => l.level !== 'debug')).toEqual([]);
    expect(run.log.lines.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('answers malformed JSON and non-interactions after a good signature with 400', async () => {
    run = await startServer(answerAtOnce);
    for (const body of ['{"type":2,', '[]', 'null', '{"type":"2"}', '{"type":2}', '']) {
      const r = await send(run.port, { body, headers: signedHeaders(run.keys.privateKey, body) });
      expect(r.status, body).toBe(400);
    }
    expect(seen).toHaveLength(0);
  });
});

describe('body size', () => {
  const big = 'x'.repeat(70 * 1024);

  it('refuses a declared body over 64 KiB with 413 before it is sent', async () => {
    run = await startServer(answerAtOnce);
    const port = run.port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/interactions',
        headers: { 'Content-Length': String(70 * 1024) },
        agent: false,
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{"type":'); // the rest never comes: the answer must not wait for it
    });
    expect(status).toBe(413);
  });

  it('refuses a chunked body that grows past 64 KiB with 413 and closes the connection', async () => {
    run = await startServer(answerAtOnce);
    const text = await rawExchange(run.port, (s) => {
      s.write('POST /interactions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let i = 0; i < 9; i++) s.write(`2000\r\n${'y'.repeat(0x2000)}\r\n`);
    });
    expect(text).toMatch(/^HTTP\/1\.1 413 /u);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(seen).toHaveLength(0);
  });

  it('with a Content-Length that understates the body, reads no more than it says', async () => {
    run = await startServer(answerAtOnce);
    const text = await rawExchange(run.port, (s) => {
      s.write(`POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n${big}`);
    });
    // The first 100 bytes are the body; the rest is parsed as a next request, which is none: 400, closed.
    expect(text).toContain('HTTP/1.1 400 Bad Request');
    expect(text.length).toBeLessThan(1000);
    expect(seen).toHaveLength(0);
    const r = await sendSigned(run, { id: '1', application_id: '2', type: 1, token: 't', version: 1 });
    expect(r.json()).toEqual({ type: 1 });
  });

  it('takes a body of exactly the limit, and honours a smaller maxBodyBytes', async () => {
    run = await startServer(answerAtOnce, { maxBodyBytes: 1024 });
    const payload = { id: '1', application_id: '2', type: 1, token: 't', version: 1, pad: '' };
    const size = JSON.stringify(payload).length;
    const fits = { ...payload, pad: 'p'.repeat(1024 - size) };
    expect((await sendSigned(run, fits)).status).toBe(200);
    const over = { ...payload, pad: 'p'.repeat(1025 - size) };
    expect((await sendSigned(run, over)).status).toBe(413);
  });

  it('refuses Expect: 100-continue over the limit without asking for the body', async () => {
    run = await startServer(answerAtOnce);
    const text = await rawExchange(run.port, (s) => {
      s.write(
        `POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\nExpect: 100-continue\r\n\r\n`,
      );
    });
    expect(text).toMatch(/^HTTP\/1\.1 413 /u);
  });
});

describe('routes', () => {
  it('answers a wrong method with 405 and Allow, an unknown path with 404', async () => {
    run = await startServer(answerAtOnce);
    const get = await send(run.port, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const put = await send(run.port, { method: 'PUT', path: '/healthz', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
    expect((await send(run.port, { method: 'GET', path: '/nope' })).status).toBe(404);
    expect((await send(run.port, { method: 'POST', path: '/interactions/x' })).status).toBe(404);
    // A query string does not change the route.
    const ping = JSON.stringify({ id: '1', application_id: '2', type: 1, token: 't', version: 1 });
    const q = await send(run.port, {
      path: '/interactions?x=1',
      body: ping,
      headers: signedHeaders(run.keys.privateKey, ping),
    });
    expect(q.json()).toEqual({ type: 1 });
  });

  it('/healthz is 503 until ready, then 200 with the status', async () => {
    let ready = false;
    run = await startServer(answerAtOnce, { ready: () => (ready ? { ready: true, passages: 42 } : false) });
    const before = await send(run.port, { method: 'GET', path: '/healthz' });
    expect(before.status).toBe(503);
    expect(before.json()).toEqual({ status: 'starting', ready: false });
    ready = true;
    const after = await send(run.port, { method: 'GET', path: '/healthz' });
    expect(after.status).toBe(200);
    expect(after.json()).toEqual({ status: 'ok', ready: true, passages: 42 });
    expect((await send(run.port, { method: 'HEAD', path: '/healthz' })).status).toBe(200);
  });

  it('a health check that throws is 503, not a crash', async () => {
    run = await startServer(answerAtOnce, {
      ready: () => {
        throw new Error('no snapshot');
      },
    });
    expect((await send(run.port, { method: 'GET', path: '/healthz' })).status).toBe(503);
  });

  it('survives garbage on the wire and keeps answering', async () => {
    run = await startServer(answerAtOnce);
    const text = await rawExchange(run.port, (s) => s.write('\x00\x01 not http at all\r\n\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 400 /u);
    const huge = await rawExchange(run.port, (s) =>
      s.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`),
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /u);
    expect((await send(run.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });

  it('cuts a client that sends its headers too slowly (408) and keeps serving', async () => {
    run = await startServer(answerAtOnce, { headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const started = Date.now();
    const text = await rawExchange(
      run.port,
      (s) => s.write('POST /interactions HTTP/1.1\r\nHost: x\r\n'), // ...and nothing more
      5000,
    );
    expect(text).toMatch(/^HTTP\/1\.1 408 /u);
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await send(run.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});

describe('many at once', () => {
  it('answers 200 concurrent interactions each exactly once, with its own answer', async () => {
    const echo: HandleInteraction = (raw, responder) =>
      responder.respond({ type: 4, data: { content: `answer to ${raw.id}` } });
    run = await startServer(echo);
    const payloads = Array.from({ length: 200 }, () =>
      slashCommand({ name: 'ask', options: { question: 'q' } }),
    );
    const replies = await Promise.all(payloads.map((p) => sendSigned(run!, p)));
    replies.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.json()).toEqual({ type: 4, data: { content: `answer to ${payloads[i]?.id}` } });
    });
    expect(new Set(payloads.map((p) => p.id)).size).toBe(200);
    expect(run.events.filter((e) => e === 'finish 200')).toHaveLength(200);
  });
});
