/**
 * Answers behind buttons, kept for the interaction token's lifetime (15 minutes)
 * in a bounded store: the oldest entries go first when it is full.
 */
import { randomBytes } from 'node:crypto';
import type { Answer, ArticleMeta } from '../core/types.js';

export interface StoredAnswer {
  id: string;
  /** Who asked: only they may use the buttons. */
  userId: string;
  answer: Answer;
  /** The articles of the snapshot that answered (listed when the question was declined). */
  articles: readonly ArticleMeta[];
  /** Passages per page. */
  perPage: number;
  /** Was the first reply ephemeral? */
  private: boolean;
  /** `/ask for:`: the user the answer is addressed to (mentioned, the only ping allowed). */
  forUserId?: string;
  /**
   * Declined within one article (the article option) while these articles answer it: the decline
   * says where to look instead.
   */
  elsewhere?: readonly ArticleMeta[];
  /** The article the question was asked of (the article option), when the decline names it. */
  scopedTo?: ArticleMeta;
  /** A public answer in a server: it carries 🗑 Delete (for the asker and moderators). */
  deletable?: boolean;
  /** The feedback service's id of this answer (it carries 👍/👎 when set). */
  feedbackId?: string;
  createdAt: number;
}

export interface AnswerStoreOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class AnswerStore {
  readonly #entries = new Map<string, StoredAnswer>();
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly #now: () => number;

  constructor(options: AnswerStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 2000;
    this.#now = options.now ?? Date.now;
    if (!(this.ttlMs > 0)) throw new Error(`ttlMs must be positive; got ${this.ttlMs}`);
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new Error(`maxEntries must be a positive whole number; got ${this.maxEntries}`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  add(entry: Omit<StoredAnswer, 'id' | 'createdAt'>): StoredAnswer {
    this.#sweep();
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    const stored: StoredAnswer = {
      ...entry,
      id: randomBytes(9).toString('base64url').replace(/[-_]/gu, 'x'),
      createdAt: this.#now(),
    };
    this.#entries.set(stored.id, stored);
    return stored;
  }

  /** The entry, or undefined when unknown or expired. */
  get(id: string): StoredAnswer | undefined {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    if (this.#now() - e.createdAt > this.ttlMs) {
      this.#entries.delete(id);
      return undefined;
    }
    return e;
  }

  #sweep(): void {
    const now = this.#now();
    // Entries are in insertion order, so expired ones are at the front.
    for (const [id, e] of this.#entries) {
      if (now - e.createdAt <= this.ttlMs) break;
      this.#entries.delete(id);
    }
  }
}
