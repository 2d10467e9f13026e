/**
 * FakeDiscord: a Discord-compatible REST API + gateway on 127.0.0.1 for tests with the real discord.js Client.
 *
 *   const server = await FakeDiscord.start();
 *   const client = new Client({ intents, partials, rest: { api: server.apiBase } });
 *   await client.login(server.token);
 *   const cb = await server.interact(slashCommand({ name: 'ping' }));
 *
 * HTTP and the gateway WebSocket share one random port. Every HTTP request is recorded (`requests`), every
 * gateway message from a client too (`gatewayMessages`). Nothing here talks to anything but 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type APIApplication,
  type APIApplicationCommand,
  type APIChannel,
  type APIMessage,
  type APIUser,
  ApplicationCommandType,
  ApplicationFlags,
  type GatewayGuildCreateDispatchData,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
} from 'discord.js';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { multipartBoundary, parseMultipart } from './multipart.js';
import {
  BOT_USER,
  DEFAULT_USER,
  defaultGuild,
  FAKE_TOKEN,
  message as buildMessage,
  type MessageOptions,
  shardOf,
  snowflake,
} from './payloads.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded bodies are free-form JSON that tests index into.
export type Json = any;

export interface FakeDiscordOptions {
  /** The bot token the server accepts (REST `Authorization: Bot <token>` and gateway IDENTIFY). */
  token?: string;
  botUser?: APIUser;
  /** Default: the bot user's id. */
  applicationId?: string;
  applicationFlags?: number;
  /** Guilds sent in READY (as unavailable) and then as GUILD_CREATE. Default: `[defaultGuild()]`. */
  guilds?: GatewayGuildCreateDispatchData[];
  /** HELLO's heartbeat_interval. Default 500 ms. */
  heartbeatIntervalMs?: number;
  /** Recommended shard count returned by GET /gateway/bot. Default 1. */
  shards?: number;
  /**
   * Reject an interaction's first callback with 404 Unknown interaction (10062) when it arrives later than
   * this after the dispatch, as Discord does after 3000 ms. Default: off.
   */
  interactionDeadlineMs?: number;
  /** Print what the server does (true → console.error). */
  log?: boolean | ((line: string) => void);
}

export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string | undefined;
  size: number;
  data: Buffer;
}

export interface RecordedRequest<B = Json> {
  /** Position in `requests` (0-based). */
  index: number;
  method: string;
  /** Decoded path without the query, e.g. `/api/v10/webhooks/1/tok/messages/@original`. */
  path: string;
  /** The path below `/api/v10`, e.g. `/webhooks/1/tok/messages/@original` (the full path outside it). */
  route: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; for multipart/form-data the parsed `payload_json` part; undefined when empty. */
  body: B;
  files: RecordedFile[];
  rawBody: Buffer;
  receivedAt: number;
  /** The status answered (set once answered; 0 when the socket was destroyed by a fault). */
  status?: number;
  /** The JSON answered, if any. */
  response?: Json;
  /** True when a `failNext` rule produced (or delayed) the response. */
  faulted?: boolean;
  /** With an `afterHandling` fault: the status the request really got before the fault replaced it. */
  handledStatus?: number; /**
   * `'http'`: not a request to this server but an HTTP Interactions Endpoint's response to Discord's POST,
   * recorded as the interaction's callback (`recordHttpResponse`).
   */
  via?: 'http';
}

export interface GatewayMessage {
  index: number;
  connectionId: number;
  op: number;
  d: Json;
  receivedAt: number;
}

export type RequestMatcher =
  ((req: RecordedRequest) => boolean) | { method?: string; path?: RegExp | string; route?: RegExp | string };

export interface FaultSpec {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Matched against the decoded full path (`/api/v10/...`); a string matches as a substring. Any when absent. */
  pathPattern?: RegExp | string;
  /** Status to answer. Absent: only `delayMs`, then the request is handled normally. */
  status?: number;
  /** JSON body. Default: a Discord-style error for the status (429: `{message, retry_after, global}`). */
  body?: Json;
  headers?: Record<string, string>;
  /** Wait this long before answering (or before handling normally when there is no status). */
  delayMs?: number;
  /** How many matching requests this applies to. Default 1; `Infinity` for all. */
  times?: number;
  /** For 429: seconds to wait, in `retry_after` and the `retry-after` header (sent unrounded). Default 0.05. */
  retryAfter?: number;
  /** For 429: a global rate limit (`x-ratelimit-global`, scope `global`). */
  global?: boolean;
  /** Destroy the TCP socket instead of answering: the client sees a network error. */
  destroySocket?: boolean;
  /**
   * Carry the request out first (state changes, messages get created), then apply the fault to the
   * response: the delay, status or destroyed socket the client sees. Simulates Discord doing the work while
   * its answer is slow or lost, the case where a client retry would act twice. Default false: the fault
   * replaces the request, which then changes nothing.
   */
  afterHandling?: boolean;
}

export interface FaultHandle {
  readonly hits: number;
  readonly remaining: number;
  cancel(): void;
}

export interface RouteResult {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

/** What the server knows about an interaction it dispatched. */
export interface InteractionState {
  id: string;
  token: string;
  applicationId: string;
  type: InteractionType;
  payload: Json;
  channelId: string | undefined;
  dispatchedAt: number;
  callbackType: InteractionResponseType | null;
  callbackAt: number | null;
  /** The original response message (`@original`), once there is one. */
  original: APIMessage | null;
  followups: Map<string, APIMessage>;
}

interface Session {
  sessionId: string;
  shard: [number, number];
  seq: number;
  log: { s: number; t: string; d: Json }[];
  socket: WebSocket | null;
  identify: Json;
}

interface Connection {
  id: number;
  ws: WebSocket;
  path: string;
  query: Record<string, string>;
  session: Session | null;
}

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  promise: Promise<T>;
}

interface Fault extends FaultSpec {
  hits: number;
  remaining: number;
}

type Handler = (req: RecordedRequest, params: string[]) => RouteResult | Promise<RouteResult>;
interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handler: Handler;
}

const DEFAULT_WAIT_MS = 3000;
const MAX_SESSION_LOG = 1000;

/** A Discord-style JSON error. */
export function apiError(status: number, code: number, message: string, errors?: Json): RouteResult {
  return { status, body: errors ? { message, code, errors } : { message, code } };
}

function fieldError(field: string, code: string, message: string): RouteResult {
  return apiError(400, 50035, 'Invalid Form Body', { [field]: { _errors: [{ code, message }] } });
}

const STATUS_TEXT: Record<number, string> = {
  400: '400: Bad Request',
  401: '401: Unauthorized',
  403: 'Missing Access',
  404: '404: Not Found',
  405: '405: Method Not Allowed',
  500: '500: Internal Server Error',
  502: '502: Bad Gateway',
  503: '503: Service Unavailable',
};

function matches(matcher: RequestMatcher, req: RecordedRequest): boolean {
  if (typeof matcher === 'function') return matcher(req);
  if (matcher.method && matcher.method.toUpperCase() !== req.method) return false;
  const test = (p: RegExp | string | undefined, value: string) =>
    p === undefined || (typeof p === 'string' ? value === p : p.test(value));
  return test(matcher.path, req.path) && test(matcher.route, req.route);
}

function describeMatcher(matcher: RequestMatcher): string {
  if (typeof matcher === 'function') return matcher.toString().slice(0, 200);
  return JSON.stringify({ ...matcher, path: String(matcher.path), route: String(matcher.route) });
}

/** Validates a message body as Discord does for the limits bots run into. */
export function validateMessage(
  data: Json,
  opts: { requireContent: boolean; files?: number },
): RouteResult | null {
  const content: unknown = data?.content;
  if (typeof content === 'string' && content.length > 2000) {
    return fieldError('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const embeds: Json[] = Array.isArray(data?.embeds) ? data.embeds : [];
  if (embeds.length > 10)
    return fieldError('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    const title = String(e?.title ?? '');
    const description = String(e?.description ?? '');
    const fields: Json[] = Array.isArray(e?.fields) ? e.fields : [];
    if (title.length > 256) {
      return fieldError(`embeds.${i}.title`, 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    }
    if (description.length > 4096) {
      return fieldError(
        `embeds.${i}.description`,
        'BASE_TYPE_MAX_LENGTH',
        'Must be 4096 or fewer in length.',
      );
    }
    if (fields.length > 25) {
      return fieldError(`embeds.${i}.fields`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
    total += title.length + description.length + String(e?.footer?.text ?? '').length;
    total += String(e?.author?.name ?? '').length;
    for (const f of fields) total += String(f?.name ?? '').length + String(f?.value ?? '').length;
  }
  if (total > 6000)
    return fieldError('embeds', 'BASE_TYPE_MAX_LENGTH', 'Embed size exceeds maximum size of 6000');
  for (const [i, e] of embeds.entries()) {
    if (e?.url !== undefined && !isWebUrl(e.url, 2048)) {
      return fieldError(`embeds.${i}.url`, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    }
  }
  const rows: Json[] = Array.isArray(data?.components) ? data.components : [];
  if (rows.length > 5)
    return fieldError('components', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  for (const [r, row] of rows.entries()) {
    const items: Json[] = Array.isArray(row?.components) ? row.components : [];
    if (items.length === 0 || items.length > 5) {
      return fieldError(
        `components.${r}.components`,
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 5 in length.',
      );
    }
    for (const [c, b] of items.entries()) {
      if (b?.type !== 2) continue;
      const at = `components.${r}.components.${c}`;
      if (typeof b.label === 'string' && b.label.length > 80) {
        return fieldError(`${at}.label`, 'BASE_TYPE_MAX_LENGTH', 'Must be 80 or fewer in length.');
      }
      if (b.style === 5) {
        // A link button has a url and no custom_id.
        if (b.custom_id !== undefined)
          return fieldError(
            `${at}.custom_id`,
            'COMPONENT_LINK_HAS_CUSTOM_ID',
            'A link button cannot have a custom id.',
          );
        if (!isWebUrl(b.url, 512))
          return fieldError(`${at}.url`, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
      } else if (typeof b.custom_id !== 'string' || b.custom_id.length === 0 || b.custom_id.length > 100) {
        return fieldError(`${at}.custom_id`, 'BASE_TYPE_REQUIRED', 'This field is required');
      } else if (b.url !== undefined) {
        return fieldError(`${at}.url`, 'COMPONENT_BUTTON_URL', 'Only link buttons have a url.');
      }
    }
  }
  const mentions = data?.allowed_mentions;
  if (mentions) {
    const parse: unknown[] = Array.isArray(mentions.parse) ? mentions.parse : [];
    for (const kind of ['users', 'roles'] as const) {
      // Discord rejects a list of ids together with parsing that kind wholesale.
      if (Array.isArray(mentions[kind]) && parse.includes(kind)) {
        return fieldError(
          'allowed_mentions',
          'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
          `parse:["${kind}"] and ${kind} are mutually exclusive.`,
        );
      }
      if (Array.isArray(mentions[kind]) && mentions[kind].length > 100) {
        return fieldError(
          `allowed_mentions.${kind}`,
          'BASE_TYPE_MAX_LENGTH',
          'Must be 100 or fewer in length.',
        );
      }
    }
  }
  if (opts.requireContent) {
    const hasContent = typeof content === 'string' && content.trim().length > 0;
    const hasOther =
      embeds.length > 0 ||
      (Array.isArray(data?.components) && data.components.length > 0) ||
      (Array.isArray(data?.sticker_ids) && data.sticker_ids.length > 0) ||
      data?.poll != null ||
      (opts.files ?? 0) > 0;
    if (!hasContent && !hasOther) return apiError(400, 50006, 'Cannot send an empty message');
  }
  return null;
}

/** An absolute http(s) url of at most `max` characters, as Discord accepts in embeds and link buttons. */
function isWebUrl(v: unknown, max: number): boolean {
  if (typeof v !== 'string' || v.length > max) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export class FakeDiscord {
  readonly token: string;
  readonly botUser: APIUser;
  readonly applicationId: string;
  readonly guilds: GatewayGuildCreateDispatchData[];
  /** Every HTTP request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every gateway message a client sent (IDENTIFY, RESUME, heartbeats, ...), in arrival order. */
  readonly gatewayMessages: GatewayMessage[] = [];
  /** IDENTIFY payloads (`d`), in arrival order. */
  readonly identifies: Json[] = [];
  /** RESUME payloads (`d`), in arrival order. */
  readonly resumes: Json[] = [];
  /** Interactions dispatched through this server, by id. */
  readonly interactions = new Map<string, InteractionState>();
  /** Messages per channel id (sent by the bot through REST, or dispatched in MESSAGE_CREATE). */
  readonly channelMessages = new Map<string, Map<string, APIMessage>>();
  /** Global application commands (after bulk overwrite / create). */
  globalCommands: APIApplicationCommand[] = [];
  /** Guild application commands by guild id. */
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();

  private readonly options: FakeDiscordOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private port = 0;
  private closed = false;
  private heartbeatAcks = true;
  private nextConnectionId = 1;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();
  private readonly requestWaiters = new Set<Waiter<RecordedRequest>>();
  private readonly arrivalWaiters = new Set<Waiter<RecordedRequest>>();
  private readonly gatewayWaiters = new Set<Waiter<GatewayMessage>>();
  private readonly faults: Fault[] = [];
  private readonly custom: { matcher: RequestMatcher; handler: Handler }[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly routes: Route[] = [];
  private readonly channels = new Map<string, APIChannel>();
  private readonly users = new Map<string, APIUser>();
  private readonly interactionsByToken = new Map<string, InteractionState>();

  private constructor(options: FakeDiscordOptions) {
    this.options = options;
    this.token = options.token ?? FAKE_TOKEN;
    this.botUser = options.botUser ?? BOT_USER;
    this.applicationId = options.applicationId ?? this.botUser.id;
    this.guilds = options.guilds ?? [defaultGuild()];
    for (const g of this.guilds) {
      for (const c of g.channels) this.channels.set(c.id, { ...c, guild_id: g.id } as APIChannel);
      for (const m of g.members) if (m.user) this.users.set(m.user.id, m.user);
    }
    this.users.set(this.botUser.id, this.botUser);
    this.users.set(DEFAULT_USER.id, DEFAULT_USER);
    this.http = createServer((req, res) => {
      this.handleHttp(req, res).catch((err: unknown) => {
        this.log(`handler error: ${String(err)}`);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: '500: Internal Server Error', code: 0 }));
        }
      });
    });
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
    this.defineRoutes();
  }

  /** Starts a server on 127.0.0.1 with a random port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = new FakeDiscord(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(0, '127.0.0.1', () => resolve());
    });
    server.port = (server.http.address() as AddressInfo).port;
    return server;
  }

  /** What discord.js gets as `rest: { api }`. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The gateway URL GET /gateway/bot returns. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** READY's resume_gateway_url (a different path, so tests can tell resumes apart). */
  get resumeGatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/resume`;
  }

  /** Number of open gateway connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Open or resumable gateway sessions. */
  get sessionList(): { sessionId: string; shard: [number, number]; seq: number; connected: boolean }[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.sessionId,
      shard: s.shard,
      seq: s.seq,
      connected: s.socket !== null,
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error('FakeDiscord closed');
    for (const w of [...this.requestWaiters, ...this.arrivalWaiters, ...this.gatewayWaiters]) {
      clearTimeout(w.timer);
      w.promise.catch(() => {});
      w.reject(err);
    }
    this.requestWaiters.clear();
    this.arrivalWaiters.clear();
    this.gatewayWaiters.clear();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------------------
  // Recording and waiting
  // -------------------------------------------------------------------------------------------------------

  /** Requests matching a predicate or `{ method, path, route }` (RegExp, or exact string). */
  findRequests(matcher: RequestMatcher): RecordedRequest[] {
    return this.requests.filter((r) => matches(matcher, r));
  }

  /**
   * The first matching request, past or future, once it has been answered (so `status` and `response` are
   * set, and the server state reflects it). Rejects after `timeoutMs` (default 3000) listing what came.
   */
  waitForRequest<B = Json>(
    matcher: RequestMatcher,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RecordedRequest<B>> {
    const found = this.requests.find((r) => r.status !== undefined && matches(matcher, r));
    if (found) return Promise.resolve(found as RecordedRequest<B>);
    return this.addWaiter(
      this.requestWaiters,
      (r) => matches(matcher, r),
      timeoutMs,
      () => this.describeTimeout('waitForRequest', matcher, timeoutMs),
    ) as Promise<RecordedRequest<B>>;
  }

  /**
   * The first matching request, past or future, as soon as it arrives (before it is answered: useful while a
   * `failNext({ delayMs })` holds it).
   */
  waitForArrival<B = Json>(
    matcher: RequestMatcher,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RecordedRequest<B>> {
    const found = this.requests.find((r) => matches(matcher, r));
    if (found) return Promise.resolve(found as RecordedRequest<B>);
    return this.addWaiter(
      this.arrivalWaiters,
      (r) => matches(matcher, r),
      timeoutMs,
      () => this.describeTimeout('waitForArrival', matcher, timeoutMs),
    ) as Promise<RecordedRequest<B>>;
  }

  private describeTimeout(what: string, matcher: RequestMatcher, timeoutMs: number): string {
    const seen = this.requests.map((r) => `${r.method} ${r.path} → ${r.status ?? '…'}`).join('\n  ');
    return `${what} timed out after ${timeoutMs} ms for ${describeMatcher(matcher)}; requests so far:\n  ${seen || '(none)'}`;
  }

  /** The callback requests (POST /interactions/:id/:token/callback) for one interaction, in order. */
  callbacks(interactionId: string): RecordedRequest[] {
    const prefix = `/interactions/${interactionId}/`;
    return this.requests.filter(
      (r) => r.method === 'POST' && r.route.startsWith(prefix) && r.route.endsWith('/callback'),
    );
  }

  /** The first callback for an interaction, past or future. */
  waitForCallback(interactionId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest> {
    const prefix = `/interactions/${interactionId}/`;
    return this.waitForRequest(
      (r) => r.method === 'POST' && r.route.startsWith(prefix) && r.route.endsWith('/callback'),
      timeoutMs,
    );
  }

  /** Requests made with an interaction's token (callback, @original edits, follow-ups), in order. */
  interactionRequests(interactionId: string): RecordedRequest[] {
    const state = this.interactions.get(interactionId);
    return this.requests.filter(
      (r) =>
        r.route.startsWith(`/interactions/${interactionId}/`) ||
        (state && r.route.includes(`/${state.token}`)),
    );
  }

  /** The first gateway message from a client matching the predicate, past or future. */
  waitForGatewayMessage(
    predicate: (m: GatewayMessage) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<GatewayMessage> {
    const found = this.gatewayMessages.find(predicate);
    if (found) return Promise.resolve(found);
    return this.addWaiter(this.gatewayWaiters, predicate, timeoutMs, () => {
      const ops = this.gatewayMessages.map((m) => m.op).join(',');
      return `waitForGatewayMessage timed out after ${timeoutMs} ms; ops received so far: [${ops}]`;
    });
  }

  /** The `d` of the first IDENTIFY (or the n-th, 1-based), past or future. */
  async waitForIdentify(timeoutMs = DEFAULT_WAIT_MS, nth = 1): Promise<Json> {
    let count = 0;
    const m = await this.waitForGatewayMessage(
      (g) => g.op === GatewayOpcodes.Identify && ++count === nth,
      timeoutMs,
    );
    return m.d;
  }

  /** The `d` of the first RESUME (or the n-th, 1-based), past or future. */
  async waitForResume(timeoutMs = DEFAULT_WAIT_MS, nth = 1): Promise<Json> {
    let count = 0;
    const m = await this.waitForGatewayMessage(
      (g) => g.op === GatewayOpcodes.Resume && ++count === nth,
      timeoutMs,
    );
    return m.d;
  }

  private addWaiter<T>(
    set: Set<Waiter<T>>,
    predicate: (item: T) => boolean,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error('FakeDiscord closed'));
    let waiter!: Waiter<T>;
    const promise = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        set.delete(waiter);
        reject(new Error(describe()));
      }, timeoutMs);
      waiter = { predicate, resolve, reject, timer, promise: undefined as unknown as Promise<T> };
    });
    waiter.promise = promise;
    set.add(waiter);
    return promise;
  }

  private notify<T>(set: Set<Waiter<T>>, item: T): void {
    for (const w of set) {
      let ok = false;
      try {
        ok = w.predicate(item);
      } catch (err) {
        set.delete(w);
        clearTimeout(w.timer);
        w.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (ok) {
        set.delete(w);
        clearTimeout(w.timer);
        w.resolve(item);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Fault injection and custom routes
  // -------------------------------------------------------------------------------------------------------

  /**
   * Makes the next matching request(s) fail or stall. Examples:
   *   failNext({ method: 'POST', pathPattern: /\/callback$/, status: 429, retryAfter: 0.1 })
   *   failNext({ pathPattern: /@original/, status: 500, times: 2 })
   *   failNext({ pathPattern: /\/messages$/, delayMs: 4000 })        // slow, then handled normally
   *   failNext({ pathPattern: /\/channels\//, destroySocket: true })  // network error
   *   failNext({ pathPattern: /\/callback/, status: 500, afterHandling: true }) // done, but the answer is lost
   */
  failNext(spec: FaultSpec): FaultHandle {
    const fault: Fault = { ...spec, hits: 0, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    const faults = this.faults;
    return {
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      cancel() {
        const i = faults.indexOf(fault);
        if (i !== -1) faults.splice(i, 1);
      },
    };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /**
   * Answers matching requests with your own handler (checked before the built-in routes, after faults).
   * Returns a function that removes it.
   */
  onRequest(
    matcher: RequestMatcher,
    handler: (req: RecordedRequest) => RouteResult | Promise<RouteResult>,
  ): () => void {
    const entry = { matcher, handler: (req: RecordedRequest) => handler(req) };
    this.custom.unshift(entry);
    return () => {
      const i = this.custom.indexOf(entry);
      if (i !== -1) this.custom.splice(i, 1);
    };
  }

  private takeFault(req: RecordedRequest): Fault | undefined {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method.toUpperCase() !== req.method) continue;
      if (f.pathPattern !== undefined) {
        const ok =
          typeof f.pathPattern === 'string' ? req.path.includes(f.pathPattern) : f.pathPattern.test(req.path);
        if (!ok) continue;
      }
      f.remaining -= 1;
      f.hits += 1;
      if (f.remaining <= 0) this.faults.splice(this.faults.indexOf(f), 1);
      return f;
    }
    return undefined;
  }

  private faultResponse(f: Fault): RouteResult {
    const status = f.status ?? 500;
    if (status === 429) {
      const retryAfter = f.retryAfter ?? 0.05;
      const headers: Record<string, string> = {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
        'x-ratelimit-reset-after': String(retryAfter),
        'x-ratelimit-bucket': 'fakebucket0000000000000000000000',
        'x-ratelimit-scope': f.global ? 'global' : 'user',
      };
      if (f.global) headers['x-ratelimit-global'] = 'true';
      return {
        status,
        headers: { ...headers, ...f.headers },
        body: f.body ?? {
          message: 'You are being rate limited.',
          retry_after: retryAfter,
          global: Boolean(f.global),
          code: 0,
        },
      };
    }
    const fallback = { message: STATUS_TEXT[status] ?? `${status}: Error`, code: 0 };
    return { status, body: f.body ?? fallback, ...(f.headers ? { headers: f.headers } : {}) };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  // -------------------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------------------

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname
      .split('/')
      .map((seg) => {
        try {
          return decodeURIComponent(seg);
        } catch {
          return seg;
        }
      })
      .join('/');
    const route = path.startsWith('/api/v10/') ? path.slice('/api/v10'.length) : path;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    let body: Json;
    const files: RecordedFile[] = [];
    const contentType = req.headers['content-type'];
    const boundary = multipartBoundary(contentType);
    try {
      if (boundary) {
        for (const part of parseMultipart(rawBody, boundary)) {
          if (part.name === 'payload_json') body = JSON.parse(part.data.toString('utf8'));
          else if (part.filename !== undefined) {
            files.push({
              field: part.name,
              filename: part.filename,
              contentType: part.contentType,
              size: part.data.length,
              data: part.data,
            });
          }
        }
      } else if (rawBody.length > 0) {
        body = JSON.parse(rawBody.toString('utf8'));
      }
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      index: this.requests.length,
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      route,
      query,
      headers: req.headers,
      body,
      files,
      rawBody,
      receivedAt: Date.now(),
    };
    this.requests.push(record);
    this.log(`→ ${record.method} ${path}${url.search}`);
    this.notify(this.arrivalWaiters, record);

    const fault = this.takeFault(record);
    if (fault) record.faulted = true;
    let handled: RouteResult | undefined;
    if (fault?.afterHandling) {
      handled = await this.handle(record);
      record.handledStatus = handled.status;
    }
    if (fault?.delayMs) await this.sleep(fault.delayMs);
    if (this.closed) {
      res.destroy();
      return;
    }
    if (fault?.destroySocket) {
      record.status = 0;
      req.socket.destroy();
      this.notify(this.requestWaiters, record);
      return;
    }
    let result: RouteResult;
    if (fault && (fault.status !== undefined || fault.body !== undefined)) {
      result = this.faultResponse(fault);
    } else {
      result = handled ?? (await this.handle(record));
    }
    record.status = result.status;
    record.response = result.body;
    this.log(`← ${result.status} ${record.method} ${path}`);
    const headers: Record<string, string> = { ...result.headers };
    if (result.body !== undefined && result.status !== 204) {
      headers['content-type'] = 'application/json';
      res.writeHead(result.status, headers);
      res.end(JSON.stringify(result.body));
    } else {
      res.writeHead(result.status, headers);
      res.end();
    }
    this.notify(this.requestWaiters, record);
  }

  private async handle(req: RecordedRequest): Promise<RouteResult> {
    for (const c of this.custom) {
      if (matches(c.matcher, req)) return c.handler(req, []);
    }
    if (!req.path.startsWith('/api/v10/')) return apiError(404, 0, '404: Not Found');
    let methodMismatch = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(req.route);
      if (!m) continue;
      if (r.method !== req.method) {
        methodMismatch = true;
        continue;
      }
      if (r.auth && req.headers.authorization !== `Bot ${this.token}`) {
        return apiError(401, 0, '401: Unauthorized');
      }
      return r.handler(req, m.slice(1));
    }
    if (methodMismatch) return apiError(405, 0, '405: Method Not Allowed');
    return apiError(404, 0, '404: Not Found');
  }

  private route(method: string, template: string, auth: boolean, handler: Handler): void {
    const source = template
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), auth, handler });
  }

  private defineRoutes(): void {
    const ok = (body?: Json): RouteResult => (body === undefined ? { status: 204 } : { status: 200, body });

    this.route('GET', '/gateway', false, () => ok({ url: this.gatewayUrl }));
    this.route('GET', '/gateway/bot', true, () =>
      ok({
        url: this.gatewayUrl,
        shards: this.options.shards ?? 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 16 },
      }),
    );
    this.route('GET', '/users/@me', true, () => ok(this.botUser));
    this.route('GET', '/users/:id', true, (_r, [id]) => {
      const u = this.users.get(id ?? '');
      return u ? ok(u) : apiError(404, 10013, 'Unknown User');
    });
    this.route('POST', '/users/@me/channels', true, (r) => {
      const recipientId = String(r.body?.recipient_id ?? '');
      const recipient = this.users.get(recipientId) ?? {
        id: recipientId,
        username: 'unknown',
        discriminator: '0',
      };
      const existing = [...this.channels.values()].find(
        (c) => c.type === 1 && 'recipients' in c && c.recipients?.[0]?.id === recipientId,
      );
      if (existing) return ok(existing);
      const channel = { id: snowflake(), type: 1, last_message_id: null, flags: 0, recipients: [recipient] };
      this.channels.set(channel.id, channel as APIChannel);
      return ok(channel);
    });
    this.route('GET', '/applications/@me', true, () => ok(this.application()));
    this.route('GET', '/oauth2/applications/@me', true, () => ok(this.application()));

    // Interactions (no auth, as on Discord).
    this.route('POST', '/interactions/:id/:token/callback', false, (r, [id, token]) =>
      this.handleCallback(r, id ?? '', token ?? ''),
    );
    this.route('POST', '/webhooks/:app/:token', false, (r, [app, token]) =>
      this.handleFollowup(r, app ?? '', token ?? ''),
    );
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      this.route(method, '/webhooks/:app/:token/messages/:message', false, (r, [app, token, messageId]) =>
        this.handleWebhookMessage(r, app ?? '', token ?? '', messageId ?? ''),
      );
    }

    // Channels and messages.
    this.route('GET', '/channels/:channel', true, (_r, [channelId]) => {
      const c = this.channels.get(channelId ?? '');
      return c ? ok(c) : apiError(404, 10003, 'Unknown Channel');
    });
    this.route('POST', '/channels/:channel/messages', true, (r, [channelId]) =>
      this.handleCreateMessage(r, channelId ?? ''),
    );
    this.route('GET', '/channels/:channel/messages/:message', true, (_r, [channelId, messageId]) => {
      const m = this.channelMessages.get(channelId ?? '')?.get(messageId ?? '');
      return m ? ok(m) : apiError(404, 10008, 'Unknown Message');
    });
    this.route('PATCH', '/channels/:channel/messages/:message', true, (r, [channelId, messageId]) => {
      const m = this.channelMessages.get(channelId ?? '')?.get(messageId ?? '');
      if (!m) return apiError(404, 10008, 'Unknown Message');
      if (m.author.id !== this.botUser.id)
        return apiError(403, 50005, 'Cannot edit a message authored by another user');
      const invalid = validateMessage(r.body, { requireContent: false });
      if (invalid) return invalid;
      const edited = this.applyEdit(m, r);
      this.channelMessages.get(channelId ?? '')?.set(edited.id, edited);
      return ok(edited);
    });
    this.route('DELETE', '/channels/:channel/messages/:message', true, (_r, [channelId, messageId]) => {
      const deleted = this.channelMessages.get(channelId ?? '')?.delete(messageId ?? '');
      return deleted ? ok() : apiError(404, 10008, 'Unknown Message');
    });
    this.route('POST', '/channels/:channel/typing', true, (_r, [channelId]) =>
      this.channels.has(channelId ?? '') ? ok() : apiError(404, 10003, 'Unknown Channel'),
    );
    for (const method of ['PUT', 'DELETE']) {
      this.route(method, '/channels/:channel/messages/:message/reactions/:emoji/@me', true, () => ok());
    }

    // Application commands.
    const commandRoutes = (prefix: string, guildOf: (params: string[]) => string | undefined) => {
      const list = (params: string[]) => {
        const g = guildOf(params);
        return g === undefined ? this.globalCommands : (this.guildCommands.get(g) ?? []);
      };
      const store = (params: string[], commands: APIApplicationCommand[]) => {
        const g = guildOf(params);
        if (g === undefined) this.globalCommands = commands;
        else this.guildCommands.set(g, commands);
      };
      const appOk = (app: string | undefined) => app === this.applicationId || app === '@me';
      this.route('GET', prefix, true, (_r, params) =>
        appOk(params[0]) ? ok(list(params)) : apiError(404, 10002, 'Unknown Application'),
      );
      // Like Discord: a server's commands only where the application was added (else 50001).
      const inGuild = (params: string[]) => {
        const g = guildOf(params);
        return g === undefined || this.guilds.some((x) => x.id === g);
      };
      this.route('PUT', prefix, true, (r, params) => {
        if (!appOk(params[0])) return apiError(404, 10002, 'Unknown Application');
        if (!inGuild(params)) return apiError(403, 50001, 'Missing Access');
        if (!Array.isArray(r.body)) return apiError(400, 50035, 'Invalid Form Body');
        const previous = list(params);
        const commands = (r.body as Json[]).map((c) => this.command(c, previous, guildOf(params)));
        store(params, commands);
        return ok(commands);
      });
      this.route('POST', prefix, true, (r, params) => {
        if (!appOk(params[0])) return apiError(404, 10002, 'Unknown Application');
        const previous = list(params);
        const cmd = this.command(r.body, previous, guildOf(params));
        store(params, [...previous.filter((c) => c.id !== cmd.id), cmd]);
        return { status: previous.some((c) => c.id === cmd.id) ? 200 : 201, body: cmd };
      });
      this.route('DELETE', `${prefix}/:command`, true, (_r, params) => {
        const previous = list(params);
        const id = params[params.length - 1];
        if (!previous.some((c) => c.id === id)) return apiError(404, 10063, 'Unknown application command');
        store(
          params,
          previous.filter((c) => c.id !== id),
        );
        return ok();
      });
    };
    commandRoutes('/applications/:app/commands', () => undefined);
    commandRoutes('/applications/:app/guilds/:guild/commands', (p) => p[1]);
  }

  private application(): APIApplication {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: '',
      summary: '',
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: 'f'.repeat(64),
      flags: (this.options.applicationFlags ??
        ApplicationFlags.GatewayMessageContentLimited) as ApplicationFlags,
      owner: DEFAULT_USER,
      team: null,
      bot: this.botUser,
    } as APIApplication;
  }

  private command(
    body: Json,
    previous: APIApplicationCommand[],
    guildId: string | undefined,
  ): APIApplicationCommand {
    const type = body?.type ?? ApplicationCommandType.ChatInput;
    const same = previous.find((c) => c.name === body?.name && c.type === type);
    const cmd: Json = {
      id: same?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type,
      name: body?.name,
      name_localizations: body?.name_localizations ?? null,
      description: body?.description ?? '',
      description_localizations: body?.description_localizations ?? null,
      default_member_permissions: body?.default_member_permissions ?? null,
      dm_permission: body?.dm_permission ?? true,
      nsfw: body?.nsfw ?? false,
      integration_types: body?.integration_types ?? [0],
      contexts: body?.contexts ?? null,
    };
    if (body?.options) cmd.options = body.options;
    if (guildId !== undefined) cmd.guild_id = guildId;
    return cmd as APIApplicationCommand;
  }

  private attachmentsFrom(req: RecordedRequest): APIMessage['attachments'] {
    return req.files.map((f, i) => {
      const meta = Array.isArray(req.body?.attachments) ? req.body.attachments[i] : undefined;
      const id = snowflake();
      return {
        id,
        filename: meta?.filename ?? f.filename,
        size: f.size,
        url: `http://127.0.0.1:${this.port}/attachments/${id}/${f.filename}`,
        proxy_url: `http://127.0.0.1:${this.port}/attachments/${id}/${f.filename}`,
        ...(f.contentType ? { content_type: f.contentType } : {}),
        ...(meta?.description ? { description: meta.description } : {}),
      };
    });
  }

  /** A message from a JSON create/edit body. */
  private messageFrom(req: RecordedRequest, extra: MessageOptions): APIMessage {
    const data = req.body ?? {};
    const opts: MessageOptions = {
      author: this.botUser,
      content: typeof data.content === 'string' ? data.content : '',
      embeds: data.embeds ?? [],
      components: data.components ?? [],
      flags: typeof data.flags === 'number' ? data.flags : 0,
      attachments: this.attachmentsFrom(req),
      ...extra,
    };
    return buildMessage(opts);
  }

  private applyEdit(m: APIMessage, req: RecordedRequest): APIMessage {
    const data = req.body ?? {};
    const edited: APIMessage = { ...m, edited_timestamp: new Date().toISOString() };
    if ('content' in data) edited.content = data.content ?? '';
    if ('embeds' in data) edited.embeds = data.embeds ?? [];
    if ('components' in data) edited.components = data.components ?? [];
    if ('flags' in data && typeof data.flags === 'number') edited.flags = data.flags;
    if (req.files.length > 0 || 'attachments' in data) {
      const kept = Array.isArray(data.attachments)
        ? m.attachments.filter((a) => data.attachments.some((x: Json) => x?.id === a.id))
        : m.attachments;
      edited.attachments = [...kept, ...this.attachmentsFrom(req)];
    }
    return edited;
  }

  private storeMessage(m: APIMessage): void {
    let map = this.channelMessages.get(m.channel_id);
    if (!map) {
      map = new Map();
      this.channelMessages.set(m.channel_id, map);
    }
    map.set(m.id, m);
  }

  private handleCreateMessage(r: RecordedRequest, channelId: string): RouteResult {
    if (!this.channels.has(channelId)) return apiError(404, 10003, 'Unknown Channel');
    const invalid = validateMessage(r.body, { requireContent: true, files: r.files.length });
    if (invalid) return invalid;
    const ref = r.body?.message_reference;
    const referenced = ref?.message_id
      ? this.channelMessages.get(channelId)?.get(String(ref.message_id))
      : undefined;
    const m = this.messageFrom(r, {
      channelId,
      ...(ref ? { type: MessageType.Reply, messageReference: { ...ref, channel_id: channelId } } : {}),
      ...(ref ? { referencedMessage: referenced ?? null } : {}),
    });
    const channel = this.channels.get(channelId);
    const withGuild =
      channel && 'guild_id' in channel && channel.guild_id ? { ...m, guild_id: channel.guild_id } : m;
    this.storeMessage(withGuild);
    return { status: 200, body: withGuild };
  }

  private handleCallback(r: RecordedRequest, id: string, token: string): RouteResult {
    const st = this.interactions.get(id);
    if (!st || st.token !== token) return apiError(404, 10062, 'Unknown interaction');
    if (st.callbackType !== null) return apiError(400, 40060, 'Interaction has already been acknowledged.');
    const deadline = this.options.interactionDeadlineMs;
    if (deadline !== undefined && r.receivedAt - st.dispatchedAt > deadline) {
      return apiError(404, 10062, 'Unknown interaction');
    }
    const type = r.body?.type as InteractionResponseType | undefined;
    const allowed: Record<number, InteractionResponseType[]> = {
      [InteractionType.ApplicationCommand]: [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.Modal,
        InteractionResponseType.LaunchActivity,
      ],
      [InteractionType.MessageComponent]: [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.DeferredMessageUpdate,
        InteractionResponseType.UpdateMessage,
        InteractionResponseType.Modal,
      ],
      [InteractionType.ApplicationCommandAutocomplete]: [
        InteractionResponseType.ApplicationCommandAutocompleteResult,
      ],
      [InteractionType.ModalSubmit]: [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.DeferredMessageUpdate,
        InteractionResponseType.UpdateMessage,
      ],
    };
    if (type === undefined || !(allowed[st.type] ?? []).includes(type)) {
      return fieldError(
        'type',
        'INTERACTION_RESPONSE_TYPE_INVALID',
        `Interaction response type ${type} is invalid here`,
      );
    }
    const data = r.body?.data ?? {};
    if (
      type === InteractionResponseType.ChannelMessageWithSource ||
      type === InteractionResponseType.UpdateMessage
    ) {
      const invalid = validateMessage(data, {
        requireContent: type === InteractionResponseType.ChannelMessageWithSource,
        files: r.files.length,
      });
      if (invalid) return invalid;
    }
    if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
      const choices: Json[] = Array.isArray(data.choices) ? data.choices : [];
      if (choices.length > 25)
        return fieldError('data.choices', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
    if (
      type === InteractionResponseType.Modal &&
      (!data.custom_id || !data.title || !Array.isArray(data.components))
    ) {
      return fieldError('data', 'BASE_TYPE_REQUIRED', 'This field is required');
    }

    st.callbackType = type;
    st.callbackAt = r.receivedAt;
    const inner = { ...r, body: data } as RecordedRequest;
    const metadata = {
      id: st.id,
      type: st.type,
      user: (st.payload.member?.user ?? st.payload.user) as APIUser,
      authorizing_integration_owners: st.payload.authorizing_integration_owners ?? {},
    } as APIMessage['interaction_metadata'];
    const replyType =
      st.type === InteractionType.ApplicationCommand
        ? st.payload.data?.type === ApplicationCommandType.ChatInput
          ? MessageType.ChatInputCommand
          : MessageType.ContextMenuCommand
        : MessageType.Default;
    const common: MessageOptions = {
      channelId: st.channelId ?? '0',
      webhookId: st.applicationId,
      applicationId: st.applicationId,
      type: replyType,
      ...(metadata ? { interactionMetadata: metadata } : {}),
    };
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
        st.original = this.messageFrom(inner, common);
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource:
        st.original = buildMessage({
          ...common,
          author: this.botUser,
          flags: ((typeof data.flags === 'number' ? data.flags : 0) | MessageFlags.Loading) as number,
        });
        break;
      case InteractionResponseType.DeferredMessageUpdate:
        st.original = (st.payload.message as APIMessage | undefined) ?? null;
        break;
      case InteractionResponseType.UpdateMessage:
        st.original = st.payload.message ? this.applyEdit(st.payload.message as APIMessage, inner) : null;
        break;
      default:
        break;
    }
    if (st.original && st.channelId) this.storeMessage(st.original);
    if (r.query.with_response === 'true') {
      const resource: Json = { type };
      if (st.original && type !== InteractionResponseType.DeferredMessageUpdate)
        resource.message = st.original;
      return {
        status: 200,
        body: {
          interaction: {
            id: st.id,
            type: st.type,
            ...(st.original
              ? {
                  response_message_id: st.original.id,
                  response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
                  response_message_ephemeral: Boolean((st.original.flags ?? 0) & MessageFlags.Ephemeral),
                }
              : {}),
          },
          resource,
        },
      };
    }
    return { status: 204 };
  }

  private interactionForWebhook(app: string, token: string): InteractionState | RouteResult {
    const st = this.interactionsByToken.get(token);
    if (!st || st.applicationId !== app) return apiError(404, 10015, 'Unknown Webhook');
    if (st.callbackType === null) return apiError(404, 10015, 'Unknown Webhook');
    return st;
  }

  private handleFollowup(r: RecordedRequest, app: string, token: string): RouteResult {
    const st = this.interactionForWebhook(app, token);
    if ('status' in st) return st;
    const invalid = validateMessage(r.body, { requireContent: true, files: r.files.length });
    if (invalid) return invalid;
    // After a deferred reply, the first follow-up replaces the "thinking…" message (and keeps its ephemerality).
    const loading = st.original && ((st.original.flags ?? 0) & MessageFlags.Loading) !== 0;
    if (
      st.original &&
      loading &&
      st.callbackType === InteractionResponseType.DeferredChannelMessageWithSource
    ) {
      const edited = this.applyEdit(st.original, r);
      edited.flags = ((st.original.flags ?? 0) & ~MessageFlags.Loading) as number;
      edited.edited_timestamp = null;
      st.original = edited;
      this.storeMessage(edited);
      return { status: 200, body: edited };
    }
    const m = this.messageFrom(r, {
      channelId: st.channelId ?? '0',
      webhookId: st.applicationId,
      applicationId: st.applicationId,
    });
    st.followups.set(m.id, m);
    this.storeMessage(m);
    return { status: 200, body: m };
  }

  private handleWebhookMessage(
    r: RecordedRequest,
    app: string,
    token: string,
    messageId: string,
  ): RouteResult {
    const st = this.interactionForWebhook(app, token);
    if ('status' in st) return st;
    const isOriginal = messageId === '@original' || messageId === st.original?.id;
    const current = isOriginal ? st.original : st.followups.get(messageId);
    if (!current) return apiError(404, 10008, 'Unknown Message');
    if (r.method === 'GET') return { status: 200, body: current };
    if (r.method === 'DELETE') {
      if (isOriginal) st.original = null;
      else st.followups.delete(messageId);
      this.channelMessages.get(current.channel_id)?.delete(current.id);
      return { status: 204 };
    }
    const invalid = validateMessage(r.body, { requireContent: false });
    if (invalid) return invalid;
    const edited = this.applyEdit(current, r);
    if ((current.flags ?? 0) & MessageFlags.Loading) {
      // The first edit of a deferred reply turns "thinking…" into the answer.
      edited.flags = ((edited.flags ?? 0) & ~MessageFlags.Loading) as number;
      edited.edited_timestamp = null;
    }
    if (isOriginal) st.original = edited;
    else st.followups.set(edited.id, edited);
    this.storeMessage(edited);
    return { status: 200, body: edited };
  }

  // -------------------------------------------------------------------------------------------------------
  // Gateway
  // -------------------------------------------------------------------------------------------------------

  /**
   * Sends a dispatch (op 0) to every session whose shard owns it (guild events: `(guild_id >> 22) % count`,
   * everything else: shard 0), with that session's next `s`. Sessions that are disconnected but resumable
   * keep it in their log; it is replayed on RESUME. Returns the number of sessions it went to.
   * INTERACTION_CREATE payloads are remembered so their callbacks and webhooks are accepted.
   */
  dispatch(t: string, d: Json): number {
    this.observe(t, d);
    let count = 0;
    const guildId: string | undefined =
      d?.guild_id ?? (t.startsWith('GUILD_') && typeof d?.id === 'string' ? d.id : undefined);
    for (const session of this.sessions.values()) {
      if (shardOf(guildId, session.shard[1]) !== session.shard[0]) continue;
      this.sendDispatch(session, t, d);
      count += 1;
    }
    this.log(`dispatch ${t} to ${count} session(s)`);
    return count;
  }

  /**
   * Dispatches INTERACTION_CREATE and resolves with the first callback request for it (the bot's
   * reply/defer/update/autocomplete/modal). Rejects after `timeoutMs` when the bot does not answer.
   */
  interact(payload: { id: string } & Json, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest> {
    const delivered = this.dispatch('INTERACTION_CREATE', payload);
    if (delivered === 0) {
      return Promise.reject(new Error('interact(): no gateway session is connected; did the client log in?'));
    }
    return this.waitForCallback(payload.id, timeoutMs);
  }

  /**
   * Remembers an interaction that goes to an HTTP Interactions Endpoint instead of the gateway, so that
   * its first response (`recordHttpResponse`) and then its webhook calls are accepted.
   */
  registerInteraction(payload: { id: string } & Json): void {
    this.observe('INTERACTION_CREATE', payload);
  }

  /**
   * An interaction's first response that came as the HTTP response of Discord's POST to the endpoint:
   * recorded as its callback (same route, `via: 'http'`, so `callbacks()` and `waitForCallback()` see it)
   * and judged and applied like one (deadline, message checks, `@original`). Returns the record, with
   * the status this server would have answered a callback request with.
   */
  recordHttpResponse(interactionId: string, body: Json): RecordedRequest {
    const st = this.interactions.get(interactionId);
    const token = st?.token ?? 'unknown';
    const route = `/interactions/${interactionId}/${token}/callback`;
    const record: RecordedRequest = {
      index: this.requests.length,
      method: 'POST',
      path: `/api/v10${route}`,
      route,
      query: {},
      headers: {},
      body,
      files: [],
      rawBody: Buffer.from(JSON.stringify(body ?? null)),
      receivedAt: Date.now(),
      via: 'http',
    };
    this.requests.push(record);
    this.notify(this.arrivalWaiters, record);
    const result = st
      ? this.handleCallback(record, interactionId, token)
      : apiError(404, 10062, 'Unknown interaction');
    record.status = result.status;
    record.response = result.body;
    this.log(`← ${result.status} HTTP response of interaction ${interactionId}`);
    this.notify(this.requestWaiters, record);
    return record;
  }

  /** The server's record of a dispatched interaction (callback type, original message, follow-ups). */
  interaction(id: string): InteractionState | undefined {
    return this.interactions.get(id);
  }

  /** Closes every gateway connection abruptly (no close frame: code 1006) or with a close code. */
  dropConnection(opts: { code?: number; reason?: string } = {}): void {
    for (const c of this.connections) {
      if (opts.code === undefined) c.ws.terminate();
      else c.ws.close(opts.code, opts.reason);
    }
  }

  /** Sends RECONNECT (op 7): the client closes and resumes. */
  sendReconnect(): void {
    this.broadcast({ op: GatewayOpcodes.Reconnect, d: null });
  }

  /** Sends INVALID_SESSION (op 9). Non-resumable also forgets the sessions, so the client must IDENTIFY. */
  sendInvalidSession(resumable: boolean): void {
    if (!resumable) {
      for (const c of this.connections) if (c.session) this.sessions.delete(c.session.sessionId);
    }
    this.broadcast({ op: GatewayOpcodes.InvalidSession, d: resumable });
    if (!resumable) for (const c of this.connections) c.session = null;
  }

  /** Stop (or resume) answering heartbeats with HEARTBEAT_ACK: the client then sees a zombie connection. */
  stopHeartbeatAcks(stop = true): void {
    this.heartbeatAcks = !stop;
  }

  /** Asks every client for an immediate heartbeat (op 1). */
  requestHeartbeat(): void {
    this.broadcast({ op: GatewayOpcodes.Heartbeat, d: null });
  }

  private broadcast(payload: Json): void {
    const text = JSON.stringify(payload);
    for (const c of this.connections) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }

  private sendDispatch(session: Session, t: string, d: Json): void {
    session.seq += 1;
    const entry = { s: session.seq, t, d };
    session.log.push(entry);
    if (session.log.length > MAX_SESSION_LOG) session.log.shift();
    const ws = session.socket;
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...entry }));
  }

  /** Remembers interactions, channels and users a dispatch refers to, so REST calls about them succeed. */
  private observe(t: string, d: Json): void {
    const u: APIUser | undefined = d?.member?.user ?? d?.user ?? d?.author;
    if (u?.id) this.users.set(u.id, u);
    const channelId: string | undefined = d?.channel?.id ?? d?.channel_id;
    if (channelId && !this.channels.has(channelId)) {
      const channel =
        d?.channel ??
        (d?.guild_id
          ? { id: channelId, type: 0, guild_id: d.guild_id, name: 'channel' }
          : { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: u ? [u] : [] });
      this.channels.set(channelId, channel as APIChannel);
    }
    if (t === 'INTERACTION_CREATE' && typeof d?.id === 'string') {
      const st: InteractionState = {
        id: d.id,
        token: d.token,
        applicationId: d.application_id ?? this.applicationId,
        type: d.type,
        payload: d,
        channelId,
        dispatchedAt: Date.now(),
        callbackType: null,
        callbackAt: null,
        original: null,
        followups: new Map(),
      };
      this.interactions.set(st.id, st);
      this.interactionsByToken.set(st.token, st);
    }
    if (t === 'MESSAGE_CREATE' && d?.id && d?.channel_id) {
      const { member: _m, channel_type: _c, ...m } = d;
      this.storeMessage(m as APIMessage);
    }
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    if (this.closed) {
      ws.terminate();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const conn: Connection = { id: this.nextConnectionId++, ws, path: url.pathname, query, session: null };
    this.connections.add(conn);
    this.log(`gateway #${conn.id} connected on ${url.pathname}${url.search}`);
    ws.on('message', (data, isBinary) => this.onGatewayMessage(conn, data, isBinary));
    ws.on('close', (code) => {
      this.connections.delete(conn);
      this.log(`gateway #${conn.id} closed (${code})`);
      const s = conn.session;
      if (s && s.socket === ws) {
        s.socket = null;
        // A clean close (1000/1001) ends the session on Discord; anything else leaves it resumable.
        if (code === 1000 || code === 1001) this.sessions.delete(s.sessionId);
      }
    });
    ws.on('error', () => {});
    ws.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 500 },
        s: null,
        t: null,
      }),
    );
  }

  private onGatewayMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      conn.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    let payload: Json;
    try {
      payload = JSON.parse(data.toString());
    } catch {
      conn.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    const entry: GatewayMessage = {
      index: this.gatewayMessages.length,
      connectionId: conn.id,
      op: payload?.op,
      d: payload?.d,
      receivedAt: Date.now(),
    };
    this.gatewayMessages.push(entry);
    if (entry.op !== GatewayOpcodes.Heartbeat) this.log(`gateway #${conn.id} op ${entry.op}`);
    switch (entry.op) {
      case GatewayOpcodes.Heartbeat:
        if (this.heartbeatAcks) conn.ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        break;
      case GatewayOpcodes.Identify:
        this.identifies.push(entry.d);
        this.onIdentify(conn, entry.d);
        break;
      case GatewayOpcodes.Resume:
        this.resumes.push(entry.d);
        this.onResume(conn, entry.d);
        break;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.VoiceStateUpdate:
        break;
      default:
        conn.ws.close(4001, 'Unknown opcode.');
    }
    this.notify(this.gatewayWaiters, entry);
  }

  private onIdentify(conn: Connection, d: Json): void {
    if (conn.session) {
      conn.ws.close(4005, 'Already authenticated.');
      return;
    }
    if (d?.token !== this.token) {
      conn.ws.close(4004, 'Authentication failed.');
      return;
    }
    const shard: [number, number] = Array.isArray(d.shard)
      ? [Number(d.shard[0]), Number(d.shard[1])]
      : [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      conn.ws.close(4010, 'Invalid shard.');
      return;
    }
    const session: Session = {
      sessionId: randomBytes(16).toString('hex'),
      shard,
      seq: 0,
      log: [],
      socket: conn.ws,
      identify: d,
    };
    this.sessions.set(session.sessionId, session);
    conn.session = session;
    const guilds = this.guilds.filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    this.sendDispatch(session, 'READY', {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
      user_settings: {},
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      session_id: session.sessionId,
      session_type: 'normal',
      resume_gateway_url: this.resumeGatewayUrl,
      shard,
      application: { id: this.applicationId, flags: this.options.applicationFlags ?? 0 },
    });
    for (const g of guilds) this.sendDispatch(session, 'GUILD_CREATE', g);
  }

  private onResume(conn: Connection, d: Json): void {
    const session = this.sessions.get(String(d?.session_id));
    if (!session || d?.token !== this.token) {
      conn.ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return;
    }
    if (session.socket && session.socket !== conn.ws) session.socket.terminate();
    session.socket = conn.ws;
    conn.session = session;
    const seq = Number(d.seq ?? 0);
    for (const entry of session.log) {
      if (entry.s > seq) conn.ws.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, ...entry }));
    }
    this.sendDispatch(session, 'RESUMED', null);
  }

  private log(line: string): void {
    const l = this.options.log;
    if (!l) return;
    if (typeof l === 'function') l(line);
    else console.error(`[fake-discord] ${line}`);
  }
}
