/**
 * A small bounded work queue: at most `concurrency` jobs run at once and at most
 * `maxQueue` wait for a slot. Beyond that `add` rejects at once with
 * QueueFullError, so the caller can say "busy" instead of piling up work it can
 * never finish in time. A waiting job can be withdrawn with an AbortSignal (as in
 * p-queue); a job that already runs is not interrupted.
 */

export interface WorkQueueOptions {
  /** Most jobs running at once (a whole number, at least 1). */
  concurrency: number;
  /** Most jobs waiting for a slot (a whole number, 0 = none wait). */
  maxQueue: number;
}

export interface AddOptions {
  /** Aborting it while the job still waits removes the job; `add` then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The queue is full: `concurrency` jobs run and `maxQueue` wait. */
export class QueueFullError extends Error {
  constructor(
    readonly running: number,
    readonly waiting: number,
  ) {
    super(`the work queue is full (${running} running, ${waiting} waiting)`);
    this.name = 'QueueFullError';
  }
}

interface Waiting {
  start: () => void;
  detach: () => void;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return `${JSON.stringify(value)} (${typeof value})`;
  } catch {
    return `a value of type ${typeof value}`;
  }
}

function wholeNumber(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be a whole number from ${min} up; got ${describe(value)}`);
  }
  return value;
}

export class WorkQueue {
  readonly concurrency: number;
  readonly maxQueue: number;
  #running = 0;
  readonly #waiting: Waiting[] = [];
  #idle: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`WorkQueue options must be an object; got ${describe(options)}`);
    }
    this.concurrency = wholeNumber('concurrency', options.concurrency, 1);
    this.maxQueue = wholeNumber('maxQueue', options.maxQueue, 0);
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `fn` when a slot is free and settles with its result. Rejects at once with QueueFullError when
   * `maxQueue` jobs already wait, and with the signal's reason when it is aborted before `fn` starts.
   */
  add<T>(fn: () => T | Promise<T>, options: AddOptions = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const run = (): Promise<T> => {
      this.#running += 1;
      return (async () => fn())().finally(() => {
        this.#running -= 1;
        this.#next();
      });
    };
    if (this.#running < this.concurrency) return run();
    if (this.#waiting.length >= this.maxQueue) {
      return Promise.reject(new QueueFullError(this.#running, this.#waiting.length));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#waiting.indexOf(entry);
        if (i === -1) return;
        this.#waiting.splice(i, 1);
        reject(signal?.reason);
        this.#checkIdle();
      };
      const entry: Waiting = {
        start: () => {
          run().then(resolve, reject);
        },
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  /** Resolves when nothing runs or waits. */
  onIdle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #next(): void {
    while (this.#running < this.concurrency) {
      const entry = this.#waiting.shift();
      if (!entry) break;
      entry.detach();
      entry.start();
    }
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#running === 0 && this.#waiting.length === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }
}
