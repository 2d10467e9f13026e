/**
 * The gateway transport: discord.js holds the connection (intents, cache limits, shard events, login),
 * and moves bytes. Each INTERACTION_CREATE is taken from discord.js's raw dispatch, as the JSON Discord
 * sent, and handed to the transport-neutral handler with a Responder that answers through the REST
 * client; plain DMs and mentions go through the handler's answer path (messages.ts). discord.js builds
 * its own interaction objects as well, but nothing listens to them.
 *
 * An INTERACTION_CREATE is handed over once discord.js's own dispatch of the same packet is over (a
 * microtask later). When discord.js could not read the packet (dispatch-guard.ts), the interaction is
 * answered with an ephemeral "could not read this request" and its error id instead, as it always was.
 */
import type { REST } from '@discordjs/rest';
import { type APIInteraction, InteractionResponseType, InteractionType, Routes } from 'discord-api-types/v10';
import { Client, type ClientOptions, Events, GatewayIntentBits, Options, Partials } from 'discord.js';
import type { Services } from '../../commands/commands.js';
import type { Config } from '../../config.js';
import { CustomIdSigner } from '../../discord/custom-id.js';
import { EPHEMERAL } from '../../discord/limits.js';
import { renderNote } from '../../discord/render.js';
import { errorText } from '../../interactions/guard.js';
import { createHandler } from '../../interactions/handler.js';
import { createRest, restOptions } from '../../interactions/rest.js';
import {
  type AnswerStoreLike,
  createRuntime,
  type Runtime,
  settleRuntime,
} from '../../interactions/runtime.js';
import type { HandleInteraction } from '../../interactions/types.js';
import type { Metrics } from '../../ops/metrics.js';
import { type GatewayPacket, guardGatewayDispatch } from './dispatch-guard.js';
import { describeLoginError } from './login.js';
import { onMessage } from './messages.js';
import { gatewayResponder } from './responder.js';

/** Gateway intents: no privileged intent. Guilds 1 + GuildMessages 512 + DirectMessages 4096. */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
];

/** What the gateway transport is made from. */
export interface BotOptions {
  config: Config;
  services: Services;
  /** Default: a signer with a per-process secret. */
  signer?: CustomIdSigner;
  store?: AnswerStoreLike;
  /** Counts each interaction and reads the work queue (METRICS_PORT). */
  metrics?: Metrics;
  /** Extra discord.js client options (tests); `rest` applies to the one REST client. */
  clientOptions?: Partial<ClientOptions>;
  /** How long start() waits for Discord (ms). */
  startTimeoutMs?: number;
  /**
   * Catch errors discord.js throws while turning a gateway event into objects (default true). Off only
   * in tests of the process-level safety net in run.ts.
   */
  guardGatewayDispatch?: boolean;
}

/** citebot on Discord's gateway. */
export class CitebotDiscord {
  readonly client: Client;
  /** The REST client of everything the bot sends (discord.js's own requests included). */
  readonly rest: REST;
  readonly runtime: Runtime;
  readonly handle: HandleInteraction;
  readonly #config: Config;
  readonly #services: Services;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Interactions received whose discord.js dispatch has not finished yet (see the top of this file). */
  readonly #pending = new Map<string, APIInteraction>();
  readonly #startTimeoutMs: number;

  constructor(options: BotOptions) {
    this.#config = options.config;
    this.#services = options.services;
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.runtime = createRuntime({
      config: options.config,
      services: options.services,
      signer: options.signer ?? new CustomIdSigner(),
      ...(options.store ? { store: options.store } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    this.handle = createHandler(this.runtime);
    const { rest: restOverrides, ...clientOptions } = options.clientOptions ?? {};
    const restSettings = {
      ...(options.config.apiBase ? { apiBase: options.config.apiBase } : {}),
      redactor: this.runtime.redactor,
      ...(restOverrides ? { rest: restOverrides } : {}),
    };
    this.rest = createRest(restSettings);
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
      // The same settings, without sweepers: the client's own REST is replaced by ours just below.
      rest: { ...restOptions(restSettings), hashSweepInterval: 0, handlerSweepInterval: 0 },
      ...clientOptions,
    });
    // One REST client for everything, discord.js's login included: one rate-limit state, one set of
    // guarantees (timeout, redaction, at most one message create).
    this.client.rest = this.rest;
    if (options.guardGatewayDispatch !== false) {
      guardGatewayDispatch(this.client, this.#services.log, (packet, errorId) =>
        this.#unreadable(packet, errorId),
      );
    }
    this.client.on(Events.Raw, (packet: GatewayPacket) => this.#onRaw(packet));
    this.client.on(Events.MessageCreate, (m) => this.#track(onMessage(this.runtime, this.rest, m)));
    const log = this.#services.log;
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

  /** The button signer (tests). */
  get signer(): CustomIdSigner {
    return this.runtime.signer;
  }

  /** The answers behind the buttons (tests). */
  get store(): AnswerStoreLike {
    return this.runtime.store;
  }

  /** Answers being computed and waiting (tests, metrics). */
  get queue(): { running: number; waiting: number } {
    return { running: this.runtime.queue.running, waiting: this.runtime.queue.waiting };
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
    this.runtime.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.#inflight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.#inflight]), new Promise((r) => setTimeout(r, 100))]);
    }
    await settleRuntime(this.runtime);
    await this.client.destroy();
  }

  #track(p: Promise<unknown>): void {
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  /** An INTERACTION_CREATE as Discord sent it: handed to the handler after discord.js's dispatch. */
  #onRaw(packet: GatewayPacket): void {
    // GATEWAY_INTERACTIONS=off: an HTTP Interactions Endpoint answers them; not even acknowledged here.
    if (packet?.t !== 'INTERACTION_CREATE' || !this.#config.gatewayInteractions) return;
    const d = packet.d as APIInteraction | undefined;
    if (typeof d?.id !== 'string' || typeof d.token !== 'string') return;
    const receivedAt = Date.now();
    this.#pending.set(d.id, d);
    queueMicrotask(() => {
      if (!this.#pending.delete(d.id)) return;
      const responder = gatewayResponder(this.rest, d, this.#services.log);
      this.#track(this.handle(d, responder, { receivedAt, transport: 'gateway' }));
    });
  }

  /** discord.js could not read a packet: an interaction still waiting for us gets a note with the error id. */
  #unreadable(packet: GatewayPacket | undefined, errorId: string): void {
    if (packet?.t !== 'INTERACTION_CREATE') return;
    const d = (packet.d ?? {}) as { id?: unknown; token?: unknown; type?: unknown };
    if (typeof d.id !== 'string' || typeof d.token !== 'string' || !this.#pending.delete(d.id)) return;
    const body =
      d.type === InteractionType.ApplicationCommandAutocomplete
        ? { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } }
        : d.type === InteractionType.Ping
          ? undefined
          : {
              type: InteractionResponseType.ChannelMessageWithSource,
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
      this.rest
        .post(Routes.interactionCallback(d.id, d.token), { body, auth: false })
        .catch((replyErr: unknown) =>
          this.#services.log.warn('could not answer the unreadable interaction', {
            errorId,
            error: errorText(replyErr),
          }),
        ),
    );
  }
}
