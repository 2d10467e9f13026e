/**
 * Discord's Interactions Endpoint URL over node:http: `POST /interactions` (verified with Ed25519 before
 * the body is parsed), `GET /healthz` and, when given metrics, `GET /metrics` (ops-routes.ts). The server only moves bytes: every interaction but PING goes to
 * the transport-neutral handler with an `HttpResponder`. No request can make the process crash: the
 * handler's failures are caught and answered, socket and parser errors end only their connection, and
 * slow clients meet the header, request and idle timeouts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { type APIInteraction, InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import type { HandleInteraction } from '../../interactions/types.js';
import type { Logger } from '../../log.js';
import type { WebhookCalls } from '../../interactions/webhook.js';
import {
  type HealthCheck,
  type MetricsText,
  sendJson as json,
  serveHealth,
  serveMetrics,
} from './ops-routes.js';
import { HttpResponder } from './responder.js';
import { createVerifier, type RequestVerifier } from './verify.js';

/** Discord's interaction payloads are far smaller; anything larger is refused unread (413). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** The transport's last-resort deferral, measured from receipt (Discord's window is 3 s). */
export const DEFAULT_SAFETY_DEFER_MS = 2800;

export type { HealthStatus } from './ops-routes.js';

export interface InteractionServerOptions {
  handle: HandleInteraction;
  /** The application's public key: 64 hex characters, or a KeyObject from `publicKeyFromHex`. */
  publicKey: string | KeyObject;
  /** The webhook routes of one interaction (`webhookCalls(rest, applicationId, token)` bound to a REST client). */
  webhook: (applicationId: string, token: string) => WebhookCalls;
  /** Whether the bot can answer yet (the snapshot is loaded), or a status with `ready` in it (or a promise of either). */
  ready: HealthCheck;
  /** Serves `GET /metrics` with this text; absent = no such route (404). */
  metrics?: MetricsText;
  log: Logger;
  /** Default `DEFAULT_MAX_BODY_BYTES` (64 KiB). */
  maxBodyBytes?: number;
  /** Default `DEFAULT_SAFETY_DEFER_MS`. */
  safetyDeferMs?: number;
  /** Applied to every initial response before it is serialised (the token redactor). */
  redact?: <T>(value: T) => T;
  /** The clock for the signature window (ms since the epoch); tests move it. */
  now?: () => number;
  /** Time allowed for a request's headers, and for the whole request (ms). Defaults 10 s and 15 s. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (ms). Default 65 s (above common proxies' 60 s). */
  keepAliveTimeoutMs?: number;
}

/** The HTTP server and its lifecycle. */
export interface InteractionServer {
  /** The node:http server (for its address, or tests). */
  readonly server: Server;
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, waits up to `graceMs` (default 10 s) for the interactions in flight
   * (their edits and follow-ups included), then closes every connection.
   */
  close(graceMs?: number): Promise<void>;
  /** Interactions whose handler has not finished. */
  readonly inflight: number;
}

const ROUTES: Record<string, readonly string[]> = {
  '/interactions': ['POST'],
  '/healthz': ['GET', 'HEAD'],
  '/metrics': ['GET'],
};

/** Reads a body up to `max` bytes; `undefined` when it grew past that (then the reading has stopped). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    // A client that goes away mid-body: settles nothing above if 'end' or 'error' came first.
    req.once('close', () => reject(new Error('the request closed before its body ended')));
  });
}

/** The fields the transport itself needs from a verified payload; anything else is the handler's to check. */
function interactionShape(value: unknown): APIInteraction | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.type !== 'number') return undefined;
  if (v.type === InteractionType.Ping) return value as APIInteraction;
  const ok = [v.id, v.application_id, v.token].every((x) => typeof x === 'string' && x.length > 0);
  return ok ? (value as APIInteraction) : undefined;
}

/** Creates the server (not yet listening). */
export function createInteractionServer(options: InteractionServerOptions): InteractionServer {
  const { log, handle } = options;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const safetyMs = options.safetyDeferMs ?? DEFAULT_SAFETY_DEFER_MS;
  const verify: RequestVerifier = createVerifier(options.publicKey, options.now ? { now: options.now } : {});
  const inflight = new Set<Promise<void>>();

  /** Refuses an oversized body without reading it, and ends the connection once the answer is out. */
  const tooLarge = (res: ServerResponse) => {
    if (res.headersSent || res.destroyed) return;
    // Connection: close makes node:http end the socket after the response rather than read on.
    res.shouldKeepAlive = false;
    json(res, 413, { error: 'request body too large', limit: maxBody }, { Connection: 'close' });
  };

  const interaction = async (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = Date.now();
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBody) {
      log.debug('refused an interaction request: declared body too large', { bytes: declared });
      tooLarge(res);
      return;
    }
    const body = await readBody(req, maxBody);
    if (!body) {
      log.debug('refused an interaction request: body too large');
      tooLarge(res);
      return;
    }
    const signature = req.headers['x-signature-ed25519'];
    const timestamp = req.headers['x-signature-timestamp'];
    const checked = verify(
      typeof signature === 'string' ? signature : undefined,
      typeof timestamp === 'string' ? timestamp : undefined,
      body,
    );
    if (!checked.ok) {
      // Discord's own endpoint check sends bad signatures on purpose: never above debug.
      log.debug('refused an interaction request: signature', { reason: checked.reason });
      json(res, 401, { error: 'invalid request signature' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const raw = interactionShape(parsed);
    if (!raw) {
      log.warn('a signed interaction request was not an interaction payload', { bytes: body.length });
      json(res, 400, { error: 'malformed interaction payload' });
      return;
    }
    if (raw.type === InteractionType.Ping) {
      json(res, 200, { type: InteractionResponseType.Pong });
      return;
    }
    await dispatch(raw, res, receivedAt);
  };

  const dispatch = async (
    raw: Exclude<APIInteraction, { type: InteractionType.Ping }>,
    res: ServerResponse,
    receivedAt: number,
  ) => {
    const responder = new HttpResponder({
      res,
      interactionId: raw.id,
      interactionType: raw.type,
      webhook: options.webhook(raw.application_id, raw.token),
      log,
      ...(options.redact ? { redact: options.redact } : {}),
    });
    responder.armSafetyDeferral(safetyMs - (Date.now() - receivedAt));
    const run = (async () => {
      try {
        await handle(raw, responder, { receivedAt, transport: 'http' });
      } catch (err) {
        log.error('the interaction handler threw', {
          interaction: raw.id,
          error: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack : undefined,
        });
      }
      await responder.settle();
    })();
    inflight.add(run);
    try {
      await run;
    } finally {
      inflight.delete(run);
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', (err) => log.debug('request stream error', { error: err.message }));
    res.on('error', (err) => log.debug('response stream error', { error: err.message }));
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const methods = path === '/metrics' && !options.metrics ? undefined : ROUTES[path];
    if (!methods) return json(res, 404, { error: 'not found' });
    if (!methods.includes(req.method ?? '')) {
      return json(res, 405, { error: 'method not allowed' }, { Allow: methods.join(', ') });
    }
    if (path === '/healthz') return void serveHealth(req, res, options.ready, log);
    if (path === '/metrics' && options.metrics) return void serveMetrics(res, options.metrics, log);
    interaction(req, res).catch((err: unknown) => {
      log.warn('an interaction request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent && !res.destroyed) json(res, 400, { error: 'bad request' });
      else if (!res.writableEnded) res.destroy();
    });
  };

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
      // How often the two timeouts above are checked (node's default is 30 s).
      connectionsCheckingInterval: 1000,
    },
    onRequest,
  );
  // Idle sockets (no bytes either way) are closed after two minutes.
  server.setTimeout(120_000);
  // Expect: 100-continue with a body over the limit is refused before the client sends it.
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      req.on('error', () => {});
      tooLarge(res);
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log.debug('client connection error', { code: err.code, error: err.message });
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on('error', (err) => log.error('HTTP server error', { error: err.message }));

  return {
    server,
    get inflight() {
      return inflight.size;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      });
      await Promise.race([Promise.allSettled([...inflight]), grace]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}
