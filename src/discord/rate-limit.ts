/**
 * A per-key sliding-window limiter: at most `limit` events per `windowMs`. Keys whose events have all
 * left the window are forgotten, so memory follows the keys active within one window, not every key
 * ever seen (a bot meets a new user id with nearly every question).
 */
export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Most keys tracked; the least recently seen are forgotten beyond it. */
  maxKeys?: number;
}

export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #hits = new Map<string, number[]>();

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new Error(`limit must be a positive whole number; got ${options.limit}`);
    }
    if (!(options.windowMs > 0)) throw new Error(`windowMs must be positive; got ${options.windowMs}`);
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(this.#maxKeys) || this.#maxKeys < 1) {
      throw new Error(`maxKeys must be a positive whole number; got ${options.maxKeys}`);
    }
  }

  /** Keys tracked now (tests, metrics). */
  get size(): number {
    return this.#hits.size;
  }

  /** Records an event for `key` if allowed. Returns 0 when allowed, else the ms until the next is allowed. */
  take(key: string): number {
    const now = this.#now();
    this.#sweep(now);
    const hits = (this.#hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (hits.length >= this.limit) {
      this.#hits.set(key, hits);
      return Math.max(1, this.windowMs - (now - (hits[0] ?? now)));
    }
    hits.push(now);
    this.#hits.delete(key);
    this.#hits.set(key, hits);
    if (this.#hits.size > this.#maxKeys) {
      const oldest = this.#hits.keys().next().value;
      if (oldest !== undefined) this.#hits.delete(oldest);
    }
    return 0;
  }

  /**
   * Gives back the most recent event `take` recorded for `key` (the work it allowed was refused for a
   * reason that is not the user's, such as overload). Returns whether there was one to give back.
   */
  refund(key: string): boolean {
    const hits = this.#hits.get(key);
    if (!hits || hits.length === 0) return false;
    hits.pop();
    if (hits.length === 0) this.#hits.delete(key);
    return true;
  }

  /**
   * Forgets keys whose newest event has left the window. The map is in order of each key's last allowed
   * event (take moves a key to the end), so expired keys are at the front: the sweep stops at the first
   * live one, and costs one check per take plus one per key forgotten.
   */
  #sweep(now: number): void {
    for (const [key, hits] of this.#hits) {
      const newest = hits[hits.length - 1];
      if (newest !== undefined && now - newest < this.windowMs) break;
      this.#hits.delete(key);
    }
  }
}
