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
  /** Resolves once the writes started in the background are done (a shared store; at shutdown). */
  settled?(): Promise<void>;
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
  /** How long an answer waits at most for the store's cooldown count (default STORE_BUDGET_MS). */
  storeBudgetMs?: number;
}

/**
 * How long an answer waits at most, once computed, for the shared store's cooldown count (ms), for
 * a user far from the limit: 0, none. Measured on PostgreSQL (test/scale/fleet.scale.test.ts),
 * waiting for the count added about 2 ms to the median answer; not waiting adds about 0.2 ms. So
 * for most questions the local limiter decides and the store reconciles (a count that came back
 * before the answer was computed still counts). A user this process saw near the limit
 * (`nearLimit`) waits for the store's count instead, up to STORE_EXACT_MS: the limit then holds
 * across instances to the question.
 */
export const STORE_BUDGET_MS = 0;

/** How long a question of a user near the limit waits at most for the store's count (then allowed). */
export const STORE_EXACT_MS = 1000;

/**
 * Whether a user with `left` questions in the window (as the store last said here) is near the
 * limit: at most half the limit left. The store's count of their next question is then waited for.
 */
export function nearLimit(left: number, limit: number): boolean {
  return left <= Math.ceil(limit / 2);
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
  /** How long an answer waits at most for the store's cooldown count. */
  readonly storeBudgetMs: number;
  /** Users the store refused after this process allowed them (its count came late): until when. */
  readonly blockedUntil: Map<string, number>;
  /** Per user, the questions left in the window as the store last counted them here, and until when that holds. */
  readonly cooldownLeft: Map<string, { left: number; until: number }>;
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
    storeBudgetMs: deps.storeBudgetMs ?? STORE_BUDGET_MS,
    blockedUntil: new Map(),
    cooldownLeft: new Map(),
  };
}

/**
 * At shutdown, once `stopping` is set and the replies in flight are done: waits for what the runtime
 * writes behind the answers (the answers behind buttons, with a shared store), so a click on
 * another instance finds them after this one exited.
 */
export async function settleRuntime(rt: Runtime): Promise<void> {
  await rt.store.settled?.();
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

/** An allowed question. */
const ALLOWED: Cooldown = { ok: true };

/**
 * The per-user question limit in two steps: `local`, this process's own limiter, decided at once;
 * and with a shared store `shared`, the store's count across instances (one short statement). The
 * answer path computes the answer while the store counts, then waits for the count (see
 * `withinBudget`): up to `storeBudgetMs` in general, up to STORE_EXACT_MS when `exact` (the user was
 * near the limit when the store last counted them here). A question the store refused in time is
 * refused; one whose count came later was answered, and the refusal then holds the user here until
 * the store's wait is over (`blockedUntil`). When the store fails, the local decision stands.
 */
export function cooldownAhead(
  rt: Runtime,
  userId: string,
): { local: Cooldown; shared?: Promise<Cooldown>; exact?: boolean } {
  const now = Date.now();
  const blocked = (rt.blockedUntil.get(userId) ?? 0) - now;
  if (blocked > 0) return { local: refusal(rt, userId, blocked) };
  const wait = rt.questions.take(userId);
  if (wait > 0) return { local: refusal(rt, userId, wait) };
  const { fleet } = rt;
  if (!fleet) return { local: ALLOWED };
  const { limit, windowMs } = rt.questions;
  const known = rt.cooldownLeft.get(userId);
  const exact = known !== undefined && known.until > now && nearLimit(known.left, limit);
  const shared = fleet.takeCooldown(userId, limit, windowMs).then(
    ({ wait: w, used }) => {
      if (rt.cooldownLeft.size >= 10_000) rt.cooldownLeft.clear();
      rt.cooldownLeft.set(userId, { left: limit - used, until: Date.now() + windowMs });
      if (w === 0) return ALLOWED;
      // Not counted in the store: nor here, so this process's count stays within the store's.
      rt.questions.refund(userId);
      if (rt.blockedUntil.size >= 10_000) rt.blockedUntil.clear();
      rt.blockedUntil.set(userId, Date.now() + w);
      return refusal(rt, userId, w);
    },
    (err: unknown) => {
      rt.services.log.warn('could not count a question in the store; counted here only', {
        error: (err as Error).message,
      });
      return ALLOWED;
    },
  );
  return { local: ALLOWED, shared, exact };
}

/** Applies the per-user question limit (both steps of `cooldownAhead`); on refusal `notify` is true once per window. */
export async function cooldown(rt: Runtime, userId: string): Promise<Cooldown> {
  const { local, shared, exact } = cooldownAhead(rt, userId);
  return shared ? withinBudget(rt, shared, exact) : local;
}

/**
 * The store's verdict, or allowed when it takes longer than the budget (it reconciles later):
 * `storeBudgetMs`, or STORE_EXACT_MS when `exact`. With no budget, a verdict that already came back
 * (while the answer was computed) still counts.
 */
export async function withinBudget(
  rt: Runtime,
  verdict: Promise<Cooldown>,
  exact = false,
): Promise<Cooldown> {
  const budget = exact ? Math.max(rt.storeBudgetMs, STORE_EXACT_MS) : rt.storeBudgetMs;
  // A settled `verdict` wins the race: its reaction is queued before the already-resolved ALLOWED's.
  if (budget <= 0) return Promise.race([verdict, Promise.resolve(ALLOWED)]);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Cooldown>((resolve) => {
    timer = setTimeout(() => resolve(ALLOWED), budget);
  });
  try {
    return await Promise.race([verdict, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The refusal after `wait` ms; `notify` once per window per process. */
function refusal(rt: Runtime, userId: string, wait: number): Cooldown {
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

/** Gives back an allowed question (refused for a reason not the user's, such as overload): here and in the store. */
export function refundQuestion(rt: Runtime, userId: string): void {
  rt.questions.refund(userId);
  rt.fleet?.refundCooldown(userId, rt.questions.windowMs).catch((err: unknown) => {
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
