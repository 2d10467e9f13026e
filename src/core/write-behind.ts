/**
 * Writes started behind a reply (so the reply never waits on the database), and the two ways they
 * are waited for: a reader of the same key in this process awaits its write; a reader in another
 * process, which cannot, looks once more a moment later.
 */

/** The writes under way, by key. */
export class WriteBehind {
  readonly #pending = new Map<string, Promise<void>>();

  /** Tracks `write` (which must not reject) under `key` until it ends. */
  track(key: string, write: Promise<void>): void {
    this.#pending.set(key, write);
    void write.finally(() => {
      if (this.#pending.get(key) === write) this.#pending.delete(key);
    });
  }

  /** The write under way for `key`, if any. */
  pending(key: string): Promise<void> | undefined {
    return this.#pending.get(key);
  }

  /** Resolves once every write started so far has ended (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending.values()]);
  }
}

/**
 * Reads; when nothing is there, waits `ms` once and reads again: what another process wrote behind
 * its reply may land just after a fast reader.
 */
export async function readAgainOnce<T>(
  read: () => Promise<T | undefined>,
  ms: number,
): Promise<T | undefined> {
  const found = await read();
  if (found !== undefined) return found;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return read();
}
