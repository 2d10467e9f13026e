/**
 * The Discord surface: a thin adapter from discord.js events to the command layer.
 * Every reply goes through `send`, which disables mentions; every handler runs
 * under `guard`, which turns an exception into an ephemeral "something went wrong"
 * with an error id that is also logged.
 *
 * Reliability (see the notes at each piece):
 * - answers are computed through a bounded WorkQueue; an interaction that cannot
 *   start within QUEUE_WAIT_MS is told "busy" (or deferred when its answer is
 *   already being computed), so it never misses Discord's 3 s window;
 * - a first response is sent exactly once: "already acknowledged" (40060) after a
 *   REST retry means an earlier attempt of the same call went through;
 * - message-creating POSTs are never repeated after a timeout or a reset
 *   connection (UnconfirmedWriteError), so a retry cannot post twice;
 * - a gateway event discord.js itself cannot parse is logged and skipped instead
 *   of ending the process (`guardGatewayDispatch`).
 */
import { randomBytes } from 'node:crypto';
import { DefaultRestOptions } from '@discordjs/rest';
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type ClientOptions,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  Options,
  Partials,
  type RepliableInteraction,
  Routes,
} from 'discord.js';
import { ask, help, reindex, type Services, sources } from '../commands/commands.js';
import { MAX_QUESTION_CHARS } from '../core/answer.js';
import { type Config, configSecrets } from '../config.js';
import { COMMAND_NAMES, COMMANDS, CONTEXT_MENU_NAME, FOR_OPTION, NAME_OPTION_CHARS } from './commands.js';
import type { RouteContext } from './context.js';
import { CustomIdSigner } from './custom-id.js';
import { deleteAnswer } from './delete.js';
import { truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import { isModerator, maySendHere } from './permissions.js';
import { QueueFullError, WorkQueue } from './queue.js';
import { RateLimiter } from './rate-limit.js';
import { ReadRoute } from './read.js';
import { Redactor } from './redact.js';
import {
  type ReplyPayload,
  renderAnswerPage,
  renderFullPassage,
  renderHelp,
  renderNote,
  renderReindex,
  renderSources,
} from './render.js';
import { AnswerStore, type StoredAnswer } from './store.js';

/** Gateway intents: no privileged intent. Guilds 1 + GuildMessages 512 + DirectMessages 4096. */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
];

/** Discord's "Unknown interaction": the 3 s window or the 15 min token lifetime passed. */
const UNKNOWN_INTERACTION = 10062;
/** Discord's "Interaction has already been acknowledged". */
const ALREADY_ACKNOWLEDGED = 40060;

/**
 * How long a REST request may take before discord.js aborts it (and retries it, up to 3 times, unless it
 * creates a message). discord.js's default is 15 s; 10 s still covers a slow Discord while a hung
 * connection does not hold a reply (or shutdown) for a minute.
 */
export const REST_TIMEOUT_MS = 10_000;

/**
 * How often discord.js forgets idle per-route request queues (default 1 h). Edits and follow-ups get a
 * queue per interaction token, so at a steady rate of deferred answers an hour's worth piles up.
 */
export const REST_HANDLER_SWEEP_MS = 5 * 60_000;

/**
 * How long an interaction may wait for a free slot in the work queue. Discord drops an interaction not
 * answered within 3 s of its creation; measured from when we received it, 2 s leaves time for the "busy"
 * reply (or the deferral) to travel. Receipt time rather than the id's timestamp: our clock and Discord's
 * may disagree by more than the margin.
 */
export const QUEUE_WAIT_MS = 2_000;

export const BUSY_MESSAGE = 'citebot is busy, try again in a few seconds.';

/**
 * Load shedding: a question whose answer starts while others wait for a slot, or more than this long
 * after it arrived, is answered without the semantic stage (lexically, in about a millisecond instead of
 * about ten), so a backlog drains instead of growing past Discord's 3 s window.
 */
export const SEMANTIC_SKIP_AFTER_MS = 250;

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
/** Network errors that prove the request never left (safe to let discord.js retry). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

type MakeRequest = typeof DefaultRestOptions.makeRequest;

/**
 * discord.js's request function, except that a message-creating POST whose outcome is unknown fails
 * with UnconfirmedWriteError instead of the AbortError / ECONNRESET that discord.js would retry.
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

/** Replaces file-system paths in a message meant for users with their last segment. */
export function scrubPaths(text: string): string {
  return text.replace(
    /(^|[\s'"`(=[<])(?:file:\/\/)?(?:[A-Za-z]:[\\/]|\/)(?:[^\s'"`)\]>]*[\\/])?([^\s'"`)\]>\\/]*)/gu,
    (_m, before: string, last: string) => `${before}${last || '…'}`,
  );
}

function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isDiscordCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

/** What discord.js's WebSocketManager#handlePacket gets. */
interface GatewayPacket {
  t?: string;
  d?: unknown;
}

export interface BotOptions {
  config: Config;
  services: Services;
  signer?: CustomIdSigner;
  store?: AnswerStore;
  /** Extra discord.js client options (tests). */
  clientOptions?: Partial<ClientOptions>;
  /** How long start() waits for Discord (ms). */
  startTimeoutMs?: number;
  /**
   * Catch errors discord.js throws while turning a gateway event into objects (default true). Off only
   * in tests of the process-level safety net in run.ts.
   */
  guardGatewayDispatch?: boolean;
}

/** citebot on Discord. */
export class CitebotDiscord {
  readonly client: Client;
  readonly store: AnswerStore;
  readonly signer: CustomIdSigner;
  readonly #config: Config;
  readonly #services: Services;
  readonly #questions: RateLimiter;
  /** Replaces secrets (the token) in user text and in everything sent to Discord. */
  readonly #redactor: Redactor;
  readonly #autocomplete: RateLimiter;
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #cooldownNoticeAt = new Map<string, number>();
  readonly #startTimeoutMs: number;
  /** Answers being computed (MAX_CONCURRENT) and waiting (MAX_QUEUE). */
  readonly #queue: WorkQueue;
  /** When each interaction reached us (the 3 s budget runs from there). */
  readonly #receivedAt = new WeakMap<Interaction, number>();
  /** Button interactions acknowledged with deferUpdate (their @original is the message clicked). */
  readonly #deferredUpdates = new WeakSet<Interaction>();
  /** Answers already posted to the channel: "Post to channel" works once per answer. */
  readonly #posted = new WeakSet<StoredAnswer>();
  /** The last interaction discord.js handed to us (tells whether a failed INTERACTION_CREATE reached us). */
  #lastInteractionId: string | undefined;
  #stopping = false;
  /** What the routes in their own files (read.ts, delete.ts) use to answer. */
  readonly #ctx: RouteContext;
  readonly #read: ReadRoute;

  constructor(options: BotOptions) {
    this.#config = options.config;
    this.#services = options.services;
    this.signer = options.signer ?? new CustomIdSigner();
    this.store = options.store ?? new AnswerStore({ ttlMs: LIMITS.interactionTokenMs });
    this.#questions = new RateLimiter({
      limit: options.config.cooldownQuestions,
      windowMs: options.config.cooldownSeconds * 1000,
    });
    this.#autocomplete = new RateLimiter({ limit: options.config.autocompletePer10s, windowMs: 10_000 });
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.#queue = new WorkQueue({
      concurrency: options.config.maxConcurrent,
      maxQueue: options.config.maxQueue,
    });
    this.#redactor = new Redactor(configSecrets(options.config));
    this.#ctx = {
      services: this.#services,
      signer: this.signer,
      config: this.#config,
      clean: (text) => this.#redactor.text(text),
      send: (i, p) => this.#send(i, p),
      update: (i, p) => this.#first(i, 'replied', () => i.update(p)),
      deferUpdate: async (i) => {
        this.#deferredUpdates.add(i);
        await this.#first(i, 'deferred', () => i.deferUpdate());
      },
    };
    this.#read = new ReadRoute(this.#ctx);
    const { rest: restOptions, ...clientOptions } = options.clientOptions ?? {};
    this.client = new Client({
      intents: INTENTS,
      partials: [Partials.Channel],
      allowedMentions: { parse: [], repliedUser: false },
      // Every interaction brings its user (and member) along; discord.js would cache them all
      // forever. The bot needs none of them beyond the interaction, so the caches stay small.
      makeCache: Options.cacheWithLimits({
        ...Options.DefaultMakeCacheSettings,
        MessageManager: 50,
        ReactionManager: 0,
        UserManager: { maxSize: 200, keepOverLimit: (u) => u.id === u.client.user?.id },
        GuildMemberManager: { maxSize: 200, keepOverLimit: (m) => m.id === m.client.user?.id },
      }),
      rest: {
        timeout: REST_TIMEOUT_MS,
        // discord.js keeps a rate-limit queue per interaction token for edits and follow-ups, swept when
        // idle every hour by default; a token is dead after 15 minutes, so sweep more often.
        handlerSweepInterval: REST_HANDLER_SWEEP_MS,
        ...(options.config.apiBase ? { api: options.config.apiBase } : {}),
        ...restOptions,
        // The one way out for every reply: no request body carries a secret.
        makeRequest: redactRequests(this.#redactor, restOptions?.makeRequest ?? atMostOnceMessageCreates()),
      },
      ...clientOptions,
    });
    if (options.guardGatewayDispatch !== false) this.#guardGatewayDispatch();
    const log = this.#services.log;
    this.client.on(Events.InteractionCreate, (i) => {
      this.#lastInteractionId = i.id;
      this.#receivedAt.set(i, Date.now());
      this.#track(this.#onInteraction(i));
    });
    this.client.on(Events.MessageCreate, (m) => this.#track(this.#onMessage(m)));
    this.client.on(Events.Error, (err) => log.error('discord client error', { error: err.message }));
    this.client.on(Events.ShardError, (err, id) =>
      log.warn('gateway connection error', { shard: id, error: err.message }),
    );
    this.client.on(Events.ShardDisconnect, (e, id) =>
      log.error('gateway closed for good', { shard: id, code: e.code }),
    );
    this.client.on(Events.ShardReconnecting, (id) => log.warn('gateway reconnecting', { shard: id }));
    this.client.on(Events.ShardResume, (id) => log.info('gateway resumed', { shard: id }));
    this.client.on(Events.ShardReady, (id) => log.info('gateway ready', { shard: id }));
  }

  /** Answers being computed and waiting (tests, metrics). */
  get queue(): { running: number; waiting: number } {
    return { running: this.#queue.running, waiting: this.#queue.waiting };
  }

  /**
   * A gateway event discord.js cannot turn into objects (a payload shape it does not expect, such as an
   * INTERACTION_CREATE without `entitlements`) throws inside discord.js, outside every handler of ours, as
   * an unhandled rejection that ends the process. The failure belongs to that one event: the session,
   * its sequence number and every other event are fine. So the packet handler is wrapped: the event is
   * logged with an error id and skipped, and an interaction that never reached us is answered with an
   * ephemeral note (once: only when discord.js did not hand it to us before failing). This keeps the
   * session and the answers in flight, where a process restart would drop both and re-identify.
   * `WebSocketManager#handlePacket` is discord.js-internal; if it is gone the process-level guard in
   * run.ts still catches the error.
   */
  #guardGatewayDispatch(): void {
    const ws = this.client.ws as unknown as {
      handlePacket?: (packet?: GatewayPacket, shard?: unknown) => boolean;
    };
    const original = ws.handlePacket;
    if (typeof original !== 'function') {
      this.#services.log.warn('cannot guard gateway events: discord.js has no WebSocketManager#handlePacket');
      return;
    }
    ws.handlePacket = (packet?: GatewayPacket, shard?: unknown): boolean => {
      try {
        return original.call(ws, packet, shard);
      } catch (err) {
        this.#onBadGatewayEvent(packet, err);
        return true;
      }
    };
  }

  #onBadGatewayEvent(packet: GatewayPacket | undefined, err: unknown): void {
    const errorId = newErrorId();
    const d = (packet?.d ?? {}) as { id?: unknown; token?: unknown; type?: unknown };
    const interactionId = packet?.t === 'INTERACTION_CREATE' && typeof d.id === 'string' ? d.id : undefined;
    this.#services.log.error('discord.js could not handle a gateway event; skipped it', {
      errorId,
      event: packet?.t ?? 'unknown',
      ...(interactionId ? { interaction: interactionId } : {}),
      error: errorText(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    // Our listener runs synchronously inside handlePacket: if it saw this id, the handler answers it.
    const reachedUs = this.#lastInteractionId === interactionId;
    if (!interactionId || reachedUs || typeof d.token !== 'string') return;
    const body =
      d.type === 4
        ? { type: 8, data: { choices: [] } }
        : d.type === 1
          ? undefined
          : {
              type: 4,
              data: {
                embeds: renderNote(
                  `citebot could not read this request. Error id: ${errorId} — please try again; if it keeps happening, tell a moderator this id.`,
                  'error',
                ).embeds,
                flags: EPHEMERAL,
                allowed_mentions: { parse: [] },
              },
            };
    if (!body) return;
    this.#track(
      this.client.rest
        .post(Routes.interactionCallback(interactionId, d.token), { body, auth: false })
        .catch((replyErr: unknown) =>
          this.#services.log.warn('could not answer the unreadable interaction', {
            errorId,
            error: errorText(replyErr),
          }),
        ),
    );
  }

  /** Work in flight (tests and shutdown wait on it). */
  get inflight(): number {
    return this.#inflight.size;
  }

  /** Logs in and waits for READY. Rejects with a one-line reason when Discord can't be reached. */
  async start(): Promise<void> {
    const token = this.#config.token;
    if (!token) throw new Error('DISCORD_TOKEN is not set');
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Discord did not answer within ${Math.round(this.#startTimeoutMs / 1000)} s`)),
        this.#startTimeoutMs,
      );
    });
    try {
      await Promise.race([this.client.login(token).then(() => ready), timeout]);
    } catch (err) {
      await this.client.destroy();
      throw new Error(describeLoginError(err, this.#config.apiBase));
    } finally {
      clearTimeout(timer);
    }
    this.#services.log.info('connected to Discord', {
      user: this.client.user?.tag,
      application: this.client.application?.id,
      guilds: this.client.guilds.cache.size,
    });
  }

  /** Finishes the replies in flight (up to `graceMs`), then closes the gateway. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.#inflight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.#inflight]), new Promise((r) => setTimeout(r, 100))]);
    }
    await this.client.destroy();
  }

  #track(p: Promise<unknown>): void {
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  // ---- replies -------------------------------------------------------------

  /** Answers an interaction: first response, or a follow-up when it was already answered or deferred. */
  async #send(i: RepliableInteraction, p: ReplyPayload): Promise<void> {
    if (i.deferred && !i.replied && !this.#deferredUpdates.has(i)) {
      const { flags: _flags, ...rest } = p;
      await i.editReply(rest);
    } else if (i.replied || i.deferred) {
      // After deferUpdate, editReply would overwrite the message the button is on: send a new one.
      await i.followUp(p);
    } else {
      await this.#first(i, 'replied', () => i.reply(p));
    }
  }

  /**
   * Sends an interaction's first response (reply, defer, update). discord.js retries a callback that
   * timed out or got a 5xx; when the lost attempt had in fact reached Discord, the retry gets 40060
   * "already acknowledged". Only this process answers this interaction, so that means our own call went
   * through: record it as done instead of failing (and then sending an error as a second response).
   */
  async #first(
    i: RepliableInteraction,
    state: 'replied' | 'deferred',
    call: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (!isDiscordCode(err, ALREADY_ACKNOWLEDGED)) throw err;
      this.#services.log.warn('first response was already delivered by an earlier attempt', {
        interaction: i.id,
      });
      if (state === 'deferred') i.deferred = true;
      else i.replied = true;
    }
  }

  async #guard(i: Interaction | Message, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (isDiscordCode(err, UNKNOWN_INTERACTION)) {
        this.#services.log.warn('interaction expired before it was answered', { interaction: i.id });
        return;
      }
      if (err instanceof UnconfirmedWriteError) {
        // The message may well have been posted: a "something went wrong" could contradict it.
        this.#services.log.warn('Discord did not confirm a message; not retried', {
          id: i.id,
          route: err.route,
        });
        return;
      }
      const errorId = newErrorId();
      this.#services.log.error('handler failed', {
        errorId,
        id: i.id,
        error: errorText(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      const note = renderNote(
        `Something went wrong while answering. Error id: ${errorId} — please try again; if it keeps happening, tell a moderator this id.`,
        'error',
      );
      try {
        if ('isRepliable' in i && i.isRepliable()) await this.#send(i, note);
        else if (!('isRepliable' in i))
          await (i as Message).reply({ ...note, flags: undefined, failIfNotExists: false });
      } catch (replyErr) {
        this.#services.log.error('could not report the error to the user', {
          errorId,
          error: errorText(replyErr),
        });
      }
    }
  }

  /** Applies the per-user question limit; on refusal tells the user once per window. */
  #cooldown(userId: string): { ok: true } | { ok: false; message: string; notify: boolean } {
    const wait = this.#questions.take(userId);
    if (wait === 0) return { ok: true };
    const seconds = Math.ceil(wait / 1000);
    const now = Date.now();
    const last = this.#cooldownNoticeAt.get(userId) ?? 0;
    const notify = now - last > wait;
    if (notify) this.#cooldownNoticeAt.set(userId, now);
    if (this.#cooldownNoticeAt.size > 10_000) this.#cooldownNoticeAt.clear();
    return {
      ok: false,
      notify,
      message: `You're asking quickly: the limit is ${this.#config.cooldownQuestions} per ${this.#config.cooldownSeconds} s. Try again in ${seconds} s.`,
    };
  }

  // ---- routing ---------------------------------------------------------------

  async #onInteraction(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) {
      await this.#guardAutocomplete(i);
      return;
    }
    await this.#guard(i, async () => {
      if (this.#stopping && i.isRepliable()) {
        await this.#send(i, renderNote('citebot is restarting. Try again in a moment.'));
        return;
      }
      if (i.isChatInputCommand()) await this.#onCommand(i);
      else if (i.isMessageContextMenuCommand()) await this.#onContextMenu(i);
      else if (i.isButton()) await this.#onButton(i);
      else if (i.isRepliable())
        await this.#send(i, renderNote('citebot does not know that kind of interaction.'));
    });
  }

  async #onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const problem = optionProblem(i.commandName, i.options.data);
    if (problem) return this.#send(i, renderNote(problem, 'error'));
    switch (i.commandName) {
      case COMMAND_NAMES.ask:
        return this.#onAsk(i);
      case COMMAND_NAMES.sources: {
        const article = i.options.getString('article');
        const r = sources(this.#services, article === null ? undefined : this.#redactor.text(article));
        return this.#send(
          i,
          r.kind === 'error'
            ? renderNote(r.message, 'error')
            : renderSources(r.articles, r.article, r.semantic),
        );
      }
      case COMMAND_NAMES.read:
        return this.#read.command(i);
      case COMMAND_NAMES.help: {
        const h = help(this.#services);
        return this.#send(i, renderHelp(h.articles, h.passages));
      }
      case COMMAND_NAMES.reindex:
        return this.#onReindex(i);
      default:
        return this.#send(
          i,
          renderNote(`Unknown command /${truncate(i.commandName, 32)}. Try /help.`, 'error'),
        );
    }
  }

  async #onAsk(i: ChatInputCommandInteraction): Promise<void> {
    // User text loses any secret on the way in, before it is cut or quoted back.
    const question = this.#redactor.text(i.options.getString('question') ?? '');
    const article = i.options.getString('article');
    const results = i.options.getInteger('results') ?? undefined;
    if (results !== undefined && (results < 1 || results > 5)) {
      return this.#send(i, renderNote(`results must be from 1 to 5; got ${results}.`, 'error'));
    }
    const isPrivate = i.inGuild() ? (i.options.getBoolean('private') ?? false) : false;
    const forOption = i.options.get(FOR_OPTION);
    let forUserId: string | undefined;
    if (forOption) {
      const refusal = this.#forRefusal(i, forOption.user);
      if (refusal) return this.#send(i, renderNote(refusal, 'error'));
      forUserId = forOption.user?.id;
    }
    await this.#answer(i, {
      question,
      ...(results !== undefined ? { results } : {}),
      ...(article ? { article: this.#redactor.text(article) } : {}),
      isPrivate,
      canPost: isPrivate && i.inGuild(),
      ...(forUserId ? { forUserId } : {}),
    });
  }

  /**
   * Why `/ask for:` cannot post here, or undefined: only in a server, only by someone who may see
   * the channel and send messages in it, only for a person (not a bot), not with private:true.
   */
  #forRefusal(
    i: ChatInputCommandInteraction,
    target: { id: string; bot: boolean } | undefined | null,
  ): string | undefined {
    if (!i.inGuild()) {
      return 'The for option works only in a server channel. In a DM, ask without it.';
    }
    if (!target) return 'citebot could not find the user in the for option. Pick them from the list.';
    if (target.bot) return 'Answers can be addressed to people only, not to bots.';
    if (i.options.getBoolean('private')) {
      return 'An answer for someone is posted in the channel, so it cannot also be private. Use one of the two options.';
    }
    if (!maySendHere(i)) {
      return 'You cannot send messages in this channel, so citebot will not post an answer for someone here.';
    }
    return undefined;
  }

  async #onContextMenu(i: MessageContextMenuCommandInteraction): Promise<void> {
    if (i.commandName !== CONTEXT_MENU_NAME) {
      return this.#send(i, renderNote(`Unknown command ${truncate(i.commandName, 32)}. Try /help.`, 'error'));
    }
    const text = this.#redactor.text(i.targetMessage.content).trim();
    if (!text) return this.#send(i, renderNote('That message has no text to ask about.', 'error'));
    await this.#answer(i, { question: cutQuestion(text), isPrivate: false, canPost: false });
  }

  /** /ask and the context menu: cooldown, answer, store for the buttons, reply. */
  async #answer(
    i: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
    req: {
      question: string;
      results?: number;
      article?: string;
      isPrivate: boolean;
      canPost: boolean;
      /** `/ask for:`: posted publicly, mentioning this user, with 🗑 Delete. */
      forUserId?: string;
    },
  ): Promise<void> {
    const cd = this.#cooldown(i.user.id);
    if (!cd.ok) return this.#send(i, renderNote(cd.message));
    const { isPrivate, canPost, forUserId, ...askReq } = req;
    const r = await this.#queued(i, isPrivate, (late) =>
      ask(this.#services, late ? { ...askReq, lexicalOnly: true } : askReq),
    );
    if (r === BUSY) {
      // Overload is not the user's doing: the refused question does not count against their allowance.
      this.#questions.refund(i.user.id);
      return this.#send(i, renderNote(BUSY_MESSAGE));
    }
    if (r.kind === 'error') return this.#send(i, renderNote(r.message, 'error'));
    const stored = this.store.add({
      userId: i.user.id,
      answer: r.answer,
      articles: r.articles,
      perPage: req.results ?? 3,
      private: isPrivate,
      // Everyone in the channel sees a public answer, so the asker (or a moderator) can take it down.
      deletable: !isPrivate,
      ...(forUserId ? { forUserId } : {}),
    });
    await this.#send(i, renderAnswerPage(stored, 0, { signer: this.signer, canPost }));
  }

  /** Whether a job starting now should shed the semantic stage (see SEMANTIC_SKIP_AFTER_MS). */
  #late(receivedAt: number, id: string): boolean {
    const late = this.#queue.waiting > 0 || Date.now() - receivedAt > SEMANTIC_SKIP_AFTER_MS;
    if (late && this.#services.embedder) {
      this.#services.log.debug('under load: answering lexically', {
        id,
        waitedMs: Date.now() - receivedAt,
        waiting: this.#queue.waiting,
      });
    }
    return late;
  }

  /**
   * Runs `job` through the work queue for an interaction. Discord's 3 s window is not missed: when the
   * queue is full, or the job has not started QUEUE_WAIT_MS after the interaction arrived, the job is
   * dropped and BUSY returned (the caller says so); when it has started but not finished by then, the
   * interaction is deferred (ephemeral as the answer will be) and the answer edits it in.
   */
  async #queued<T>(
    i: RepliableInteraction,
    ephemeral: boolean,
    job: (late: boolean) => Promise<T>,
  ): Promise<T | typeof BUSY> {
    const receivedAt = this.#receivedAt.get(i) ?? Date.now();
    const abort = new AbortController();
    let started = false;
    let deferral: Promise<void> | undefined;
    const timer = setTimeout(
      () => {
        if (!started) {
          abort.abort();
          return;
        }
        deferral = this.#first(i, 'deferred', () =>
          i.deferReply(ephemeral ? { flags: EPHEMERAL } : {}),
        ).catch((err: unknown) => {
          this.#services.log.warn('could not defer a slow answer', {
            interaction: i.id,
            error: errorText(err),
          });
        });
      },
      Math.max(0, receivedAt + QUEUE_WAIT_MS - Date.now()),
    );
    try {
      return await this.#queue.add(
        () => {
          started = true;
          return job(this.#late(receivedAt, i.id));
        },
        { signal: abort.signal },
      );
    } catch (err) {
      if (err instanceof QueueFullError || (abort.signal.aborted && !started)) {
        this.#services.log.warn('busy: told the user to try again', {
          interaction: i.id,
          reason: err instanceof QueueFullError ? 'queue full' : 'waited too long',
          running: this.#queue.running,
          waiting: this.#queue.waiting,
        });
        return BUSY;
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (deferral) await deferral;
    }
  }

  async #onReindex(i: ChatInputCommandInteraction): Promise<void> {
    if (!this.#canReindex(i)) {
      this.#services.log.warn('re-index refused', { user: i.user.id, guild: i.guildId ?? 'dm' });
      return this.#send(
        i,
        renderNote(
          i.inGuild()
            ? 'Only moderators can re-index: you need the Manage Server permission or a moderator role.'
            : 'In DMs only the bot owners can re-index.',
          'error',
        ),
      );
    }
    await this.#first(i, 'deferred', () => i.deferReply({ flags: EPHEMERAL }));
    const r = await reindex(this.#services);
    const report = {
      ...r.report,
      ...(r.report.error !== undefined ? { error: scrubPaths(r.report.error) } : {}),
      skipped: r.report.skipped.map((x) => ({ ...x, reason: scrubPaths(x.reason) })),
    };
    await this.#send(i, renderReindex(report));
  }

  #canReindex(i: ChatInputCommandInteraction): boolean {
    return isModerator(this.#config, i);
  }

  async #onButton(i: ButtonInteraction): Promise<void> {
    const ref = this.signer.decode(i.customId);
    if (!ref) {
      return this.#send(i, renderNote('This button is not valid any more. Ask again with /ask.', 'error'));
    }
    // These two carry what they need in their id: no stored answer involved.
    if (ref.action === 'read') return this.#read.page(i, ref.answerId, ref.arg);
    if (ref.action === 'delete') return deleteAnswer(this.#ctx, i, ref.answerId);
    const stored = this.store.get(ref.answerId);
    if (!stored) {
      return this.#send(
        i,
        renderNote('This answer has expired: answers are kept for 15 minutes. Ask again with /ask.'),
      );
    }
    if (stored.userId !== i.user.id) {
      return this.#send(
        i,
        renderNote('These buttons belong to the person who asked. Ask your own with /ask.'),
      );
    }
    const cd = this.#cooldown(i.user.id);
    if (!cd.ok) return this.#send(i, renderNote(cd.message));
    switch (ref.action) {
      case 'more': {
        const { flags: _f, ...p } = renderAnswerPage(stored, ref.arg, {
          signer: this.signer,
          canPost: stored.private && i.inGuild(),
        });
        await this.#first(i, 'replied', () => i.update(p));
        return;
      }
      case 'full': {
        const passages = [...stored.answer.passages, ...stored.answer.more];
        const passage = passages[ref.arg]?.passage;
        if (!passage) return this.#send(i, renderNote('That passage is not part of this answer.', 'error'));
        return this.#send(i, renderFullPassage(passage, ref.arg + 1, stored.articles));
      }
      case 'post':
        return this.#post(i, stored, ref.arg);
      default:
        return this.#send(i, renderNote('This button is not valid any more. Ask again with /ask.', 'error'));
    }
  }

  /**
   * "Post to channel", once per answer: a replayed or double click is told it was posted already. The
   * claim is taken before the post (clicks run concurrently) and given back when the post failed for
   * sure; when Discord did not confirm it (it may be there), it stays taken: at most one post.
   */
  async #post(i: ButtonInteraction, stored: StoredAnswer, page: number): Promise<void> {
    if (!stored.private) return this.#send(i, renderNote('This answer is already public.'));
    if (this.#posted.has(stored)) {
      return this.#send(i, renderNote('This answer has already been posted to the channel.'));
    }
    this.#posted.add(stored);
    const { flags: _f, ...p } = renderAnswerPage(stored, page, {
      signer: this.signer,
      canPost: false,
      posted: true,
    });
    try {
      this.#deferredUpdates.add(i);
      await this.#first(i, 'deferred', () => i.deferUpdate());
      await i.followUp({ ...p, content: `${p.content ?? ''}\n-# Shared by <@${i.user.id}>` });
    } catch (err) {
      if (!(err instanceof UnconfirmedWriteError)) this.#posted.delete(stored);
      throw err;
    }
  }

  async #guardAutocomplete(i: AutocompleteInteraction): Promise<void> {
    try {
      if (this.#autocomplete.take(i.user.id) > 0) {
        await i.respond([]);
        return;
      }
      await i.respond(this.#choices(i));
    } catch (err) {
      if (isDiscordCode(err, UNKNOWN_INTERACTION) || isDiscordCode(err, ALREADY_ACKNOWLEDGED)) return;
      this.#services.log.warn('autocomplete failed', { error: errorText(err) });
      // Nothing was sent yet when building the choices failed: answer with none rather than let it lapse.
      if (!i.responded) await i.respond([]).catch(() => undefined);
    }
  }

  #choices(i: AutocompleteInteraction): { name: string; value: string }[] {
    if (!this.#services.library.ready) return [];
    const index = this.#services.library.index;
    const focused = i.options.getFocused(true);
    const typed = this.#redactor.text(String(focused.value ?? '')).slice(0, NAME_OPTION_CHARS);
    const choice = (name: string, value: string) => ({
      name: truncate(name.replace(/\s+/gu, ' ').trim(), LIMITS.choiceName),
      value: value.slice(0, LIMITS.choiceValue),
    });
    if (focused.name === 'article') {
      const q = typed.toLowerCase().trim();
      return index.articles
        .filter((a) => !q || a.title.toLowerCase().includes(q) || a.file.toLowerCase().includes(q))
        .slice(0, LIMITS.choices)
        .map((a) => choice(a.title, a.file.length <= LIMITS.choiceValue ? a.file : a.title));
    }
    if (focused.name === 'section' && i.commandName === COMMAND_NAMES.read) {
      return this.#read.choices(i, typed);
    }
    if (focused.name === 'question') {
      const out = new Map<string, { name: string; value: string }>();
      if (typed.trim()) out.set(typed.trim().toLowerCase(), choice(typed.trim(), typed.trim()));
      const suggestions = typed.trim()
        ? index.suggest(typed, LIMITS.choices - 1)
        : [...new Set(index.articles.flatMap((a) => a.sections.map((s) => s.name.split(' › ').pop() ?? '')))]
            .filter(Boolean)
            .slice(0, LIMITS.choices);
      for (const s of suggestions) {
        if (!out.has(s.toLowerCase())) out.set(s.toLowerCase(), choice(s, s));
      }
      return [...out.values()]
        .filter((c) => c.name.length > 0 && c.value.length > 0)
        .slice(0, LIMITS.choices);
    }
    return [];
  }

  // ---- messages ----------------------------------------------------------------

  async #onMessage(m: Message): Promise<void> {
    if (m.author.bot || m.system || !this.client.user || this.#stopping) return;
    let question: string;
    if (!m.inGuild()) {
      question = m.content;
    } else if (m.mentions.users.has(this.client.user.id) && !m.mentions.everyone) {
      question = m.content.replace(new RegExp(`<@!?${this.client.user.id}>`, 'gu'), ' ');
    } else {
      return;
    }
    question = this.#redactor.text(question).trim();
    await this.#guard(m, async () => {
      const reply = (p: ReplyPayload) => {
        const { flags: _flags, ...rest } = p;
        return m.reply({
          ...rest,
          allowedMentions: { parse: [], repliedUser: false },
          failIfNotExists: false,
        });
      };
      if (!question) {
        await reply(
          renderNote('Ask me a question about the articles, for example "What is nanoGPT?".', 'info', false),
        );
        return;
      }
      const cd = this.#cooldown(m.author.id);
      if (!cd.ok) {
        if (cd.notify) await reply(renderNote(cd.message, 'info', false));
        return;
      }
      let r: Awaited<ReturnType<typeof ask>>;
      try {
        const receivedAt = Date.now();
        r = await this.#queue.add(() =>
          ask(this.#services, {
            question: cutQuestion(question),
            ...(this.#late(receivedAt, m.id) ? { lexicalOnly: true } : {}),
          }),
        );
      } catch (err) {
        if (!(err instanceof QueueFullError)) throw err;
        this.#questions.refund(m.author.id);
        this.#services.log.warn('busy: told the user to try again', { message: m.id, reason: 'queue full' });
        await reply(renderNote(BUSY_MESSAGE, 'info', false));
        return;
      }
      if (r.kind === 'error') {
        await reply(renderNote(r.message, 'error', false));
        return;
      }
      const stored = this.store.add({
        userId: m.author.id,
        answer: r.answer,
        articles: r.articles,
        perPage: 3,
        private: false,
        // An answer to a mention in a server is public: it carries 🗑 Delete.
        deletable: m.inGuild(),
      });
      await reply(renderAnswerPage(stored, 0, { signer: this.signer, canPost: false }));
    });
  }
}

const BUSY: unique symbol = Symbol('busy');

const OPTION_KINDS: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.String]: 'text',
  [ApplicationCommandOptionType.Integer]: 'a whole number',
  [ApplicationCommandOptionType.Boolean]: 'true or false',
  [ApplicationCommandOptionType.Number]: 'a number',
};

/** The registered slash commands' options, by command name (what Discord should have enforced). */
const COMMAND_OPTIONS = new Map<string, readonly APIApplicationCommandOption[]>();
for (const c of COMMANDS) {
  if ((c.type ?? ApplicationCommandType.ChatInput) !== ApplicationCommandType.ChatInput) continue;
  COMMAND_OPTIONS.set(c.name, 'options' in c ? (c.options ?? []) : []);
}

/**
 * Checks a slash command's options against its registration, as Discord normally does: a stale
 * registration, a server that edited the command, or a forged payload can send unknown, duplicate,
 * missing, mistyped, too long or out-of-range options. Returns a message for the user, or undefined.
 */
export function optionProblem(
  commandName: string,
  given: readonly { name: string; type: ApplicationCommandOptionType; value?: unknown }[],
): string | undefined {
  const defs = COMMAND_OPTIONS.get(commandName);
  if (!defs) return undefined;
  const seen = new Set<string>();
  for (const o of given) {
    const name = truncate(String(o.name), 32);
    const def = defs.find((d) => d.name === o.name);
    if (!def) return `/${commandName} has no option "${name}". Try /help.`;
    if (seen.has(o.name)) return `The option "${name}" was given twice.`;
    seen.add(o.name);
    const kind = OPTION_KINDS[def.type] ?? 'something else';
    const v = o.value;
    const typeOk =
      o.type === def.type &&
      (def.type === ApplicationCommandOptionType.String
        ? typeof v === 'string'
        : def.type === ApplicationCommandOptionType.Integer
          ? Number.isInteger(v)
          : def.type === ApplicationCommandOptionType.Boolean
            ? typeof v === 'boolean'
            : def.type === ApplicationCommandOptionType.Number
              ? typeof v === 'number' && Number.isFinite(v)
              : true);
    if (!typeOk) return `The option "${name}" must be ${kind}.`;
    const limits = def as { max_length?: number; min_value?: number; max_value?: number };
    if (typeof v === 'string' && limits.max_length !== undefined && v.length > limits.max_length) {
      return `The ${name} option is ${v.length} characters long; the limit is ${limits.max_length}.`;
    }
    if (
      typeof v === 'number' &&
      ((limits.min_value !== undefined && v < limits.min_value) ||
        (limits.max_value !== undefined && v > limits.max_value))
    ) {
      return `${name} must be from ${limits.min_value ?? '-∞'} to ${limits.max_value ?? '∞'}; got ${v}.`;
    }
  }
  for (const d of defs) {
    if ('required' in d && d.required && !seen.has(d.name))
      return `/${commandName} needs the "${d.name}" option.`;
  }
  return undefined;
}

/** A question taken from a message is cut to the question limit at a word boundary. */
function cutQuestion(text: string): string {
  if (text.length <= MAX_QUESTION_CHARS) return text;
  const cut = text.lastIndexOf(' ', MAX_QUESTION_CHARS);
  return text.slice(0, cut > MAX_QUESTION_CHARS / 2 ? cut : MAX_QUESTION_CHARS);
}

/** One line saying why login failed, without the token or a stack trace. */
export function describeLoginError(err: unknown, apiBase: string | undefined): string {
  const where = apiBase ?? 'https://discord.com/api';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.code === 'TokenInvalid') return `Discord rejected the token (check DISCORD_TOKEN).`;
  if (e?.code === 'DisallowedIntents') return 'Discord refused the requested intents.';
  const cause = e?.cause?.code ?? e?.code ?? '';
  const msg = (e?.message ?? String(err)).split('\n')[0];
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|UND_ERR/u.test(`${cause} ${msg}`) ||
    /fetch failed/u.test(msg ?? '')
  ) {
    return `cannot reach Discord at ${where} (${cause || msg}).`;
  }
  return `could not connect to Discord at ${where}: ${msg}`;
}
