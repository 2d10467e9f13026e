/**
 * One deadline for a whole fetch (every DNS lookup, connection, redirect and byte read): when it
 * passes, the signal aborts with the `timeout` IngestError, and whatever was waiting fails with it.
 */
import { formatDuration } from './format.js';
import { IngestError } from './types.js';

/** A running deadline; `dispose` it when the fetch ends. */
export class Deadline {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;

  /** `subject`: "the page" or "the file", as the message says it. */
  constructor(ms: number, subject: string) {
    this.signal = this.#controller.signal;
    const error = new IngestError('timeout', `${subject} took longer than ${formatDuration(ms)} to arrive`);
    this.#timer = setTimeout(() => this.#controller.abort(error), ms);
  }

  /** Waits for `promise`, or fails with the timeout when the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.failure());
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(this.failure());
      this.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  /** The timeout error once the deadline passed; `err` itself before. */
  failure(err?: unknown): unknown {
    return this.signal.aborted ? (this.signal.reason as unknown) : err;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
