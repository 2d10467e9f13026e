/**
 * The runtime's per-user and per-answer state when several instances share one database
 * (PostgreSQL, `FleetStore.shared`): the answers behind buttons are written to the store in the
 * background (no answer waits on it) and read back from it on a click this process did not answer;
 * "Post to channel" is claimed in the store; the question cooldown is counted in the store. With
 * one instance (SQLite, or no store) all of it stays in memory as before (runtime.ts).
 */
import { readAgainOnce, WriteBehind } from '../core/write-behind.js';
import type { StoredAnswer } from '../discord/store.js';
import { AnswerStore } from '../discord/store.js';
import type { Logger } from '../log.js';
import type { FleetStore } from '../store/fleet-types.js';
import type { AnswerStoreLike } from './runtime.js';

/** How long a click waits before looking in the store a second time (the write may still be landing). */
const RETRY_MS = 100;

/** A stored answer as the JSON the store keeps (every field is plain data: strings, numbers, arrays). */
export function encodeAnswer(stored: StoredAnswer): string {
  return JSON.stringify(stored);
}

/** The stored answer back from `encodeAnswer`'s JSON; undefined when it is not one. */
export function decodeAnswer(payload: string): StoredAnswer | undefined {
  try {
    const value = JSON.parse(payload) as Partial<StoredAnswer> | null;
    if (!value || typeof value.id !== 'string' || typeof value.userId !== 'string' || !value.answer) {
      return undefined;
    }
    return value as StoredAnswer;
  } catch {
    return undefined;
  }
}

/** What a SharedAnswerStore is made from. */
export interface SharedAnswerStoreOptions {
  store: FleetStore;
  log: Logger;
  /** How long an answer is kept (the interaction token's 15 minutes). */
  ttlMs: number;
  now?: () => number;
}

/**
 * The answers behind buttons, kept in this process's memory and in the shared store. `add` answers
 * at once (the id is made here) and writes in the background; `get` reads memory first, then the
 * store (a click that reaches another instance than the one that answered).
 */
export class SharedAnswerStore implements AnswerStoreLike {
  readonly #local: AnswerStore;
  readonly #o: SharedAnswerStoreOptions;
  readonly #now: () => number;
  readonly #writes = new WriteBehind();

  constructor(options: SharedAnswerStoreOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#local = new AnswerStore({ ttlMs: options.ttlMs, now: this.#now });
  }

  get size(): number {
    return this.#local.size;
  }

  add(entry: Omit<StoredAnswer, 'id' | 'createdAt'>): StoredAnswer {
    const stored = this.#local.add(entry);
    const write = this.#o.store
      .putButtonAnswer({
        id: stored.id,
        userId: stored.userId,
        payload: encodeAnswer(stored),
        createdAt: stored.createdAt,
        expiresAt: stored.createdAt + this.#o.ttlMs,
      })
      .catch((err: unknown) => {
        this.#o.log.warn('could not share an answer for its buttons (other instances will say expired)', {
          error: (err as Error).message,
        });
      });
    this.#writes.track(stored.id, write);
    return stored;
  }

  async get(id: string): Promise<StoredAnswer | undefined> {
    const mine = this.#local.get(id);
    if (mine) return mine;
    // Answered a moment ago by another instance: its background write may not have landed yet.
    return readAgainOnce(() => this.#read(id), RETRY_MS);
  }

  /** Resolves once the writes started so far are done (shutdown, tests). */
  settled(): Promise<void> {
    return this.#writes.settled();
  }

  async #read(id: string): Promise<StoredAnswer | undefined> {
    const row = await this.#o.store.getButtonAnswer(id, this.#now());
    return row && decodeAnswer(row.payload);
  }
}
