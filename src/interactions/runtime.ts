/**
 * What the handler's routes share, whichever transport an interaction came by (and the gateway's
 * plain DMs and mentions too): services, config, the button signer and the answer store (both
 * injected), the per-user limits, the work queue, and whether citebot is shutting down.
 */
import type { Services } from '../commands/commands.js';
import { type Config, configSecrets } from '../config.js';
import type { CustomIdSigner } from '../discord/custom-id.js';
import { LIMITS } from '../discord/limits.js';
import { WorkQueue } from '../discord/queue.js';
import { RateLimiter } from '../discord/rate-limit.js';
import { Redactor } from '../discord/redact.js';
import { AnswerStore, type StoredAnswer } from '../discord/store.js';
import type { Metrics } from '../ops/metrics.js';
import type { FleetStore } from '../store/fleet-types.js';
import { SharedAnswerStore } from './fleet.js';

/**
 * Answers behind the buttons (More results, Full passage, Post to channel): the in-memory
 * AnswerStore, or with a shared store the SharedAnswerStore (fleet.ts), whose `get` may read the
 * database (a click through another instance).
 */
export interface AnswerStoreLike {
  /** Keeps an answer for the token's lifetime; returns it with its id and time. */
  add(entry: Omit<StoredAnswer, 'id' | 'createdAt'>): StoredAnswer;
  /** The answer, or undefined when unknown or expired. */
  get(id: string): StoredAnswer | undefined | Promise<StoredAnswer | undefined>;
  /** Answers kept now. */
  readonly size: number;
}

/** What a handler is made from. */
export interface RuntimeDeps {
  config: Config;
  services: Services;
  signer: CustomIdSigner;
  /** Default: an in-memory AnswerStore kept for the interaction token's 15 minutes. */
  store?: AnswerStoreLike;
  /** Default: one made from the config's secrets. */
  redactor?: Redactor;
  /** Counts each interaction (and reads the work queue at scrape time); absent = nothing counted. */
  metrics?: Metrics;
  /**
   * The store, when several instances share it (`shared`; default: the services' `fleet`): the
   * answers behind buttons, the post claims and the cooldown then live there. Else all in memory.
   */
  fleet?: FleetStore;
}

/** The state every route uses (one per process, shared by the transports). */
export interface Runtime {
  readonly config: Config;
  readonly services: Services;
  readonly signer: CustomIdSigner;
  readonly store: AnswerStoreLike;
  /** Replaces secrets (the token) in user text. */
  readonly redactor: Redactor;
  /** Questions per user (COOLDOWN_QUESTIONS per COOLDOWN_SECONDS). */
  readonly questions: RateLimiter;
  /** Autocomplete requests per user (a looser limit of its own). */
  readonly autocomplete: RateLimiter;
  /** When each user was last told about the cooldown (told once per window where that is allowed). */
  readonly cooldownNoticeAt: Map<string, number>;
  /** Answers being computed (MAX_CONCURRENT) and waiting (MAX_QUEUE). */
  readonly queue: WorkQueue;
  /**
   * Answers already posted to the channel by this process: "Post to channel" works once per answer
   * (with a shared store, the claims are the store's instead: see `claimPost`).
   */
  readonly posted: WeakSet<StoredAnswer>;
  /** The store several instances share, when they do (see RuntimeDeps.fleet). */
  readonly fleet?: FleetStore;
  /**
   * Per moderator, the question they chose "Another passage…" for after a 👎: offered first in
   * `/feedback teach question:` (bounded: cleared past TEACH_HINTS).
   */
  readonly teachHints: Map<string, string>;
  /** Set when shutting down: new interactions are told citebot is restarting. */
  stopping: boolean;
  /** Where each interaction is counted, when metrics are on. */
  readonly metrics?: Metrics;
}

/** The runtime, with the defaults filled in. */
export function createRuntime(deps: RuntimeDeps): Runtime {
  const { config } = deps;
  const queue = new WorkQueue({ concurrency: config.maxConcurrent, maxQueue: config.maxQueue });
  deps.metrics?.watch({ queue });
  const fleet = deps.fleet ?? deps.services.fleet;
  const shared = fleet?.shared === true ? fleet : undefined;
  const ttlMs = LIMITS.interactionTokenMs;
  return {
    config,
    services: deps.services,
    signer: deps.signer,
    store:
      deps.store ??
      (shared
        ? new SharedAnswerStore({ store: shared, log: deps.services.log, ttlMs })
        : new AnswerStore({ ttlMs })),
    redactor: deps.redactor ?? new Redactor(configSecrets(config)),
    questions: new RateLimiter({ limit: config.cooldownQuestions, windowMs: config.cooldownSeconds * 1000 }),
    autocomplete: new RateLimiter({ limit: config.autocompletePer10s, windowMs: 10_000 }),
    cooldownNoticeAt: new Map(),
    queue,
    posted: new WeakSet(),
    teachHints: new Map(),
    stopping: false,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(shared ? { fleet: shared } : {}),
  };
}

/** Most moderators' teach hints kept at once. */
export const TEACH_HINTS = 1000;

/** Keeps the question a moderator wants to teach, for /feedback teach's autocomplete. */
export function hintTeach(rt: Runtime, userId: string, question: string): void {
  if (rt.teachHints.size >= TEACH_HINTS) rt.teachHints.clear();
  rt.teachHints.set(userId, question);
}

/** The outcome of the per-user question limit. */
export type Cooldown = { ok: true } | { ok: false; message: string; notify: boolean };

/**
 * Applies the per-user question limit; on refusal `notify` is true once per window (per process).
 * With a shared store the count is the store's (one short statement); when the store fails, this
 * process's own limiter decides (an answer is not refused because the database is away).
 */
export async function cooldown(rt: Runtime, userId: string): Promise<Cooldown> {
  const wait = await takeQuestion(rt, userId);
  if (wait === 0) return { ok: true };
  const seconds = Math.ceil(wait / 1000);
  const now = Date.now();
  const last = rt.cooldownNoticeAt.get(userId) ?? 0;
  const notify = now - last > wait;
  if (notify) rt.cooldownNoticeAt.set(userId, now);
  if (rt.cooldownNoticeAt.size > 10_000) rt.cooldownNoticeAt.clear();
  return {
    ok: false,
    notify,
    message: `You're asking quickly: the limit is ${rt.config.cooldownQuestions} per ${rt.config.cooldownSeconds} s. Try again in ${seconds} s.`,
  };
}

/** One question counted against the user's allowance: 0 when allowed, else the ms to wait. */
async function takeQuestion(rt: Runtime, userId: string): Promise<number> {
  const { fleet } = rt;
  if (!fleet) return rt.questions.take(userId);
  try {
    return await fleet.takeCooldown(userId, rt.questions.limit, rt.questions.windowMs);
  } catch (err) {
    rt.services.log.warn('could not count a question in the store; counted here only', {
      error: (err as Error).message,
    });
    return rt.questions.take(userId);
  }
}

/** Gives back the question `cooldown` just counted (refused for a reason not the user's, such as overload). */
export function refundQuestion(rt: Runtime, userId: string): void {
  const { fleet } = rt;
  if (!fleet) {
    rt.questions.refund(userId);
    return;
  }
  fleet.refundCooldown(userId, rt.questions.windowMs).catch((err: unknown) => {
    rt.services.log.warn('could not give a question back in the store', { error: (err as Error).message });
  });
}

/** Claims "Post to channel" for an answer: true once per answer (across instances with a shared store). */
export async function claimPost(rt: Runtime, stored: StoredAnswer): Promise<boolean> {
  if (rt.fleet) return rt.fleet.claimPost(stored.id);
  if (rt.posted.has(stored)) return false;
  rt.posted.add(stored);
  return true;
}

/** Gives the claim back (the post failed for sure): the answer can be posted again. */
export async function releasePost(rt: Runtime, stored: StoredAnswer): Promise<void> {
  if (rt.fleet) return rt.fleet.releasePost(stored.id);
  rt.posted.delete(stored);
}
