/**
 * The REST client both transports use for everything after the first response: interaction callbacks
 * (gateway), edits and follow-ups through the interaction webhook, channel messages. Three guarantees sit
 * in its request function, so no code path can bypass them:
 * - no request body carries a secret (the token): every body passes through the Redactor;
 * - a message-creating POST whose outcome is unknown is never repeated (UnconfirmedWriteError);
 * - a hung request is cut off after REST_TIMEOUT_MS, and idle per-token queues are swept often.
 */
import { DefaultRestOptions, DiscordAPIError, REST, type RESTOptions } from '@discordjs/rest';
import type { Redactor } from '../discord/redact.js';

/**
 * How long a REST request may take before it is aborted (and retried, up to 3 times, unless it creates a
 * message). The library's default is 15 s; 10 s still covers a slow Discord while a hung connection does
 * not hold a reply (or shutdown) for a minute.
 */
export const REST_TIMEOUT_MS = 10_000;

/**
 * How often idle per-route request queues are forgotten (default 1 h). Edits and follow-ups get a queue
 * per interaction token, so at a steady rate of deferred answers an hour's worth piles up.
 */
export const REST_HANDLER_SWEEP_MS = 5 * 60_000;

/** Discord's "Unknown interaction": the 3 s window or the 15 min token lifetime passed. */
export const UNKNOWN_INTERACTION = 10062;
/** Discord's "Interaction has already been acknowledged". */
export const ALREADY_ACKNOWLEDGED = 40060;

/** Whether `err` is Discord's answer with this JSON error code. */
export function isDiscordCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

/** The request function of @discordjs/rest. */
export type MakeRequest = typeof DefaultRestOptions.makeRequest;

/**
 * A POST that creates a message (a follow-up, a channel message) failed in a way that leaves its outcome
 * unknown (timeout, reset connection): Discord may have created the message. It is not retried, so a
 * retry can never post twice.
 */
export class UnconfirmedWriteError extends Error {
  constructor(
    readonly method: string,
    readonly route: string,
    options?: { cause?: unknown },
  ) {
    super(`Discord did not confirm ${method} ${route} (timed out or connection lost)`, options);
    this.name = 'UnconfirmedWriteError';
  }
}

/** Paths of REST routes that create a message: interaction follow-ups and channel messages. */
const MESSAGE_CREATE_ROUTE = /\/(?:webhooks\/\d+\/[^/]+|channels\/\d+\/messages)\/?$/u;
/** Network errors that prove the request never left (safe to let the client retry). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The library's request function, except that a message-creating POST whose outcome is unknown fails
 * with UnconfirmedWriteError instead of the AbortError / ECONNRESET that the client would retry.
 */
export function atMostOnceMessageCreates(inner: MakeRequest = DefaultRestOptions.makeRequest): MakeRequest {
  return async (url, init) => {
    try {
      return await inner(url, init);
    } catch (err) {
      const method = String(init.method ?? 'GET').toUpperCase();
      const route = new URL(url).pathname.replace(/^\/api(?:\/v\d+)?/u, '');
      const e = err as { code?: string; cause?: { code?: string } };
      const code = e?.code ?? e?.cause?.code ?? '';
      if (method === 'POST' && MESSAGE_CREATE_ROUTE.test(route) && !NOT_SENT.has(code)) {
        throw new UnconfirmedWriteError(
          method,
          route.replace(/\/webhooks\/(\d+)\/[^/]+/u, '/webhooks/$1/:token'),
          {
            cause: err,
          },
        );
      }
      throw err;
    }
  };
}

/**
 * Wraps a request function so that no request body carries a secret: every reply, edit, follow-up,
 * message and autocomplete answer the client sends goes through here, whichever code path built it.
 */
export function redactRequests(redactor: Redactor, inner: MakeRequest): MakeRequest {
  if (!redactor.active) return inner;
  return (url, init) =>
    inner(
      url,
      init.body === undefined || init.body === null ? init : { ...init, body: redactor.body(init.body) },
    );
}

/** What `createRest` takes. */
export interface CreateRestOptions {
  /** Discord's API base (DISCORD_API_BASE); default https://discord.com/api. */
  apiBase?: string;
  /** The bot token (for the routes that need it; interaction routes are sent without it). */
  token?: string;
  /** Removes the secrets from every request body. */
  redactor: Redactor;
  /** The request function under the guarantees (tests); default the library's own. */
  makeRequest?: MakeRequest;
  /** Any other @discordjs/rest option (a shorter timeout in tests, ...). */
  rest?: Partial<RESTOptions>;
}

/** The options of the REST client, for a client that builds its own (discord.js). */
export function restOptions(opts: CreateRestOptions): Partial<RESTOptions> {
  const { makeRequest: _ignored, ...rest } = opts.rest ?? {};
  return {
    version: '10',
    timeout: REST_TIMEOUT_MS,
    handlerSweepInterval: REST_HANDLER_SWEEP_MS,
    ...(opts.apiBase ? { api: opts.apiBase } : {}),
    ...rest,
    // The one way out for every request: no body carries a secret, no message is created twice.
    makeRequest: redactRequests(
      opts.redactor,
      opts.makeRequest ?? opts.rest?.makeRequest ?? atMostOnceMessageCreates(),
    ),
  };
}

/** The REST client with the guarantees above. */
export function createRest(opts: CreateRestOptions): REST {
  const rest = new REST(restOptions(opts));
  if (opts.token) rest.setToken(opts.token);
  return rest;
}
