/**
 * Helpers for the HTTP transport's tests: a generated Ed25519 key pair and Discord-style signing, the
 * real server on 127.0.0.1, a client that sends real requests, a logger that keeps its lines, and
 * webhook calls that record what reached them.
 */
import { type KeyPair, keyPair, signedHeaders } from '../harness/http-endpoint.js';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandleInteraction } from '../../src/interactions/types.js';
import type { Logger, LogLevel } from '../../src/log.js';
import type { WebhookCalls } from '../../src/interactions/webhook.js';
import {
  createInteractionServer,
  type InteractionServer,
  type InteractionServerOptions,
} from '../../src/transports/http/server.js';

export { type KeyPair, keyPair, nowSeconds, signedHeaders } from '../harness/http-endpoint.js';

export interface LogLine {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line, at every level. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, ...(fields ? { fields } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface WebhookCall {
  applicationId: string;
  token: string;
  route: 'editOriginal' | 'followUp' | 'deleteOriginal';
  body?: unknown;
}

/** Webhook calls that record each call in order (and, when given, push the route onto `events`). */
export function recordingWebhook(events?: string[]): {
  calls: WebhookCall[];
  factory: (applicationId: string, token: string) => WebhookCalls;
} {
  const calls: WebhookCall[] = [];
  const factory = (applicationId: string, token: string): WebhookCalls => {
    const record = (route: WebhookCall['route'], body?: unknown) => {
      calls.push({ applicationId, token, route, ...(body !== undefined ? { body } : {}) });
      events?.push(route);
      return Promise.resolve();
    };
    return {
      editOriginal: (body) => record('editOriginal', body),
      followUp: (body) => record('followUp', body),
      deleteOriginal: () => record('deleteOriginal'),
    };
  };
  return { calls, factory };
}

export interface Running {
  server: InteractionServer;
  port: number;
  keys: KeyPair;
  log: ReturnType<typeof recordingLogger>;
  webhook: ReturnType<typeof recordingWebhook>;
  /** 'finish' of each HTTP response, pushed in order with the webhook calls. */
  events: string[];
  close(): Promise<void>;
}

/** Starts the real server on 127.0.0.1 with a free port. */
export async function startServer(
  handle: HandleInteraction,
  options: Partial<InteractionServerOptions> = {},
): Promise<Running> {
  const keys = keyPair();
  const log = recordingLogger();
  const events: string[] = [];
  const webhook = recordingWebhook(events);
  const server = createInteractionServer({
    handle,
    publicKey: keys.publicHex,
    webhook: webhook.factory,
    ready: () => true,
    log,
    ...options,
  });
  server.server.on('request', (_req, res: import('node:http').ServerResponse) => {
    res.once('finish', () => events.push(`finish ${res.statusCode}`));
  });
  const address: AddressInfo = await server.listen(0, '127.0.0.1');
  return { server, port: address.port, keys, log, webhook, events, close: () => server.close(1000) };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** One HTTP request to the server with node:http's client (no keep-alive). */
export function send(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/interactions',
        headers: { 'Content-Type': 'application/json', Connection: 'close', ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A signed POST /interactions of a JSON payload. */
export function sendSigned(run: Running, payload: unknown, timestamp?: string): Promise<Reply> {
  const body = JSON.stringify(payload);
  return send(run.port, { body, headers: signedHeaders(run.keys.privateKey, body, timestamp) });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
