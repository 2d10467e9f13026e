/**
 * What several citebot instances behind a load balancer share so that they behave as one: the
 * answers behind buttons (any instance answers any click), the "Post to channel" claims (an answer
 * is posted once, whichever instances the clicks reach) and the per-user question cooldown.
 */

/** One answer kept for its buttons. */
export interface ButtonAnswerRecord {
  /** The id the buttons' signed custom_id carries. */
  id: string;
  /** Who asked (only they may use the buttons). */
  userId: string;
  /** What the buttons need, as JSON text (the caller's format; the store does not read it). */
  payload: string;
  createdAt: number;
  /** Past this (ms), the answer is gone: `getButtonAnswer` says undefined, `purgeFleet` deletes it. */
  expiresAt: number;
}

/** How many expired rows `purgeFleet` deleted, by table. */
export interface FleetPurgeReport {
  buttonAnswers: number;
  postClaims: number;
  cooldowns: number;
}

/** The per-process state moved to the database (every method is one short statement). */
export interface FleetStore {
  /**
   * True when the database is shared by several processes (PostgreSQL): the runtime then keeps this
   * state here. False for SQLite (one instance), where it stays in memory.
   */
  readonly shared: boolean;

  /** Keeps (or replaces) an answer for its buttons. */
  putButtonAnswer(record: ButtonAnswerRecord): Promise<void>;
  /** The answer, or undefined when unknown or expired at `now` (`now >= expiresAt`). */
  getButtonAnswer(id: string, now?: number): Promise<ButtonAnswerRecord | undefined>;

  /** Claims "Post to channel" for an answer: true for exactly one of any number of concurrent claims. */
  claimPost(answerId: string, at?: number): Promise<boolean>;
  /** Gives a claim back (the post failed for sure), so the answer can be posted again. */
  releasePost(answerId: string): Promise<void>;

  /**
   * Counts one question of `userId` if allowed: at most `limit` per `windowMs`. Returns `wait` 0
   * when allowed (and counted), else the ms to wait; and `used`, the user's questions in the window. The window is approximated by COOLDOWN_BUCKETS fixed
   * buckets of windowMs / COOLDOWN_BUCKETS: the count is the sum of the buckets that overlap the last
   * `windowMs`, so a question leaves the window up to one bucket later than an exact sliding window.
   * The increment is atomic (several instances at once never overshoot by more than their races for
   * the last place: the check and the increment are one statement, then a refused one is taken back).
   */
  takeCooldown(userId: string, limit: number, windowMs: number, now?: number): Promise<CooldownCount>;
  /** Takes back one question counted in the bucket of `now` (refused for a reason not the user's). */
  refundCooldown(userId: string, windowMs: number, now?: number): Promise<void>;

  /** Deletes expired button answers, claims older than `claimTtlMs` and cooldown buckets past use. */
  purgeFleet(now?: number, claimTtlMs?: number): Promise<FleetPurgeReport>;
}

/** What `takeCooldown` found. */
export interface CooldownCount {
  /** 0: allowed and counted; else the ms until the next question is allowed. */
  wait: number;
  /** The user's questions in the window, this one included when it was counted. */
  used: number;
}

/** Buckets per cooldown window (see `FleetStore.takeCooldown`). */
export const COOLDOWN_BUCKETS = 6;
