/**
 * The HTTP mode put together: the interaction server (server.ts) around the transport-neutral handler,
 * edits and follow-ups through the one REST client (timeout, redaction, at most one message create), and
 * the token redactor on every initial response. The server can listen before the corpus is loaded:
 * until `attach` hands it the services, interactions get a short "still indexing" reply and `/healthz`
 * says 503 (`starting`). `/metrics` is served here too unless METRICS_PORT gives it a server of its own
 * (ops-server.ts, started by the entry point with `health` and the metrics). `npm run start:http` (src/http-main.ts) is this plus the process around it; the tests and
 * the benchmark use it as it is.
 */
import type { KeyObject } from 'node:crypto';
import type { REST, RESTOptions } from '@discordjs/rest';
import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import type { Services } from '../../commands/commands.js';
import { type Config, configSecrets } from '../../config.js';
import type { CustomIdSigner } from '../../discord/custom-id.js';
import { EPHEMERAL } from '../../discord/limits.js';
import { Redactor } from '../../discord/redact.js';
import { createHandler } from '../../interactions/handler.js';
import { createRest } from '../../interactions/rest.js';
import {
  type AnswerStoreLike,
  createRuntime,
  type Runtime,
  settleRuntime,
} from '../../interactions/runtime.js';
import type { HandleInteraction } from '../../interactions/types.js';
import { webhookCalls } from '../../interactions/webhook.js';
import type { Logger } from '../../log.js';
import { Health } from '../../ops/health.js';
import type { Metrics } from '../../ops/metrics.js';
import { createInteractionServer, type InteractionServer, type InteractionServerOptions } from './server.js';

/** What the reply says while the corpus is still loading. */
export const STARTING_MESSAGE = 'The articles are still being indexed. Try again in a moment.';

/** What `createHttpApp` is made from. */
export interface HttpAppOptions {
  config: Config;
  log: Logger;
  /** The application's public key: 64 hex characters, or a KeyObject from `publicKeyFromHex`. */
  publicKey: string | KeyObject;
  /** The button signer (stable across restarts in production). */
  signer: CustomIdSigner;
  /** Default: an in-memory AnswerStore (see createRuntime). */
  store?: AnswerStoreLike;
  /** Shown by `/healthz`. */
  version?: string;
  /** Extra @discordjs/rest options (a shorter timeout in tests, ...). */
  rest?: Partial<RESTOptions>;
  /** Interactions, re-indexes and the store counted; `GET /metrics` on this server unless METRICS_PORT is set. */
  metrics?: Metrics;
  /** The server's own knobs (tests, the benchmark). */
  server?: Partial<Pick<InteractionServerOptions, 'safetyDeferMs' | 'maxBodyBytes' | 'now'>>;
}

/** The HTTP mode: a server, a REST client, and the handler once the services are attached. */
export interface HttpApp {
  readonly server: InteractionServer;
  readonly rest: REST;
  /** What `/healthz` says (the same on METRICS_PORT's server). */
  readonly health: Health;
  /** The handler's shared state, once `attach` was called. */
  readonly runtime: Runtime | undefined;
  /** Hands the loaded services to a handler; from then on interactions are answered for real. */
  attach(services: Services): Runtime;
  /**
   * Tells new interactions that citebot is restarting, stops accepting connections and waits up to
   * `graceMs` for the interactions in flight (their edits included).
   */
  close(graceMs?: number): Promise<void>;
}

/** Until the corpus is loaded: a short ephemeral reply, or no choices for autocomplete. */
const starting: HandleInteraction = async (raw, responder) => {
  await responder.respond(
    raw.type === InteractionType.ApplicationCommandAutocomplete
      ? { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } }
      : {
          type: InteractionResponseType.ChannelMessageWithSource,
          data: { content: STARTING_MESSAGE, flags: EPHEMERAL, allowed_mentions: { parse: [] } },
        },
  );
};

/** Builds the HTTP mode (not yet listening: `app.server.listen(port, host)`). */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { config, log } = options;
  const redactor = new Redactor(configSecrets(config));
  const rest = createRest({
    ...(config.apiBase ? { apiBase: config.apiBase } : {}),
    ...(config.token ? { token: config.token } : {}),
    redactor,
    ...(options.rest ? { rest: options.rest } : {}),
  });
  const live: { runtime?: Runtime; handle?: HandleInteraction } = {};
  const { metrics } = options;
  const health = new Health({
    library: () => (live.handle ? live.runtime?.services.library : undefined),
    store: () => live.runtime?.services.storeProbe,
    stopping: () => live.runtime?.stopping ?? false,
    log,
    ...(options.version ? { version: options.version } : {}),
  });
  const server = createInteractionServer({
    handle: (raw, responder, meta) => (live.handle ?? starting)(raw, responder, meta),
    publicKey: options.publicKey,
    webhook: (applicationId, token) => webhookCalls(rest, applicationId, token),
    ready: () => health.report(),
    ...(metrics && (config.metricsPort === undefined || config.metricsPort === config.port)
      ? { metrics: () => metrics.text() }
      : {}),
    log,
    redact: (value) => redactor.value(value),
    ...options.server,
  });
  return {
    server,
    rest,
    health,
    get runtime() {
      return live.runtime;
    },
    attach(services) {
      if (live.runtime) return live.runtime;
      const runtime = createRuntime({
        config,
        services,
        signer: options.signer,
        redactor,
        ...(options.store ? { store: options.store } : {}),
        ...(metrics ? { metrics } : {}),
      });
      live.runtime = runtime;
      live.handle = createHandler(runtime);
      return runtime;
    },
    async close(graceMs = 10_000) {
      if (live.runtime) live.runtime.stopping = true;
      await server.close(graceMs);
      if (live.runtime) await settleRuntime(live.runtime);
    },
  };
}
