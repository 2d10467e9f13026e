/**
 * Keeping a process up to date with changes other processes make to the store (picks, articles,
 * tombstones): where the store pushes them (`watch`, PostgreSQL) the refresh runs at once, a burst
 * of changes making one run; the revisions are polled every `pollMs` as well, for a notification
 * missed (and as the only way on SQLite). Each refresh reads its revision and does nothing when it
 * has not moved, so hearing one's own change, or a change twice, costs one small read.
 */
import type { Logger } from './log.js';
import type { ChangeKind, Store } from './store/corpus-types.js';

/** How long a notification waits for others before its refresh runs, in ms. */
export const SYNC_DEBOUNCE_MS = 5;

/** Runs `work` on request, one run at a time: see `serialRunner`. */
export interface SerialRunner {
  /** Asks for a run: after `debounceMs`, or right after the run under way (which may have read too early). */
  request(): void;
  /** Resolves when no run is under way or waiting. */
  idle(): Promise<void>;
  /** No more runs; resolves when the one under way has ended. */
  stop(): Promise<void>;
}

/**
 * A runner of `work` that never overlaps it: requests within `debounceMs` make one run, and
 * requests during a run make exactly one more after it. A failure of `work` is its own to report.
 */
export function serialRunner(work: () => Promise<void>, debounceMs: number): SerialRunner {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const waiters: (() => void)[] = [];
  const settle = () => {
    if (timer === undefined && running === undefined) for (const w of waiters.splice(0)) w();
  };
  const run = () => {
    timer = undefined;
    running = work()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          request();
        }
        settle();
      });
  };
  const request = () => {
    if (stopped) return;
    if (running !== undefined) again = true;
    else if (timer === undefined) timer = setTimeout(run, debounceMs);
  };
  return {
    request,
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      }),
    async stop() {
      stopped = true;
      again = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running;
      settle();
    },
  };
}

/** What `startStoreSync` keeps up to date. */
export interface StoreSyncOptions {
  store: Store;
  /** Refreshes from the picks when the store's revision moved (Feedback.sync). */
  picks: () => Promise<void>;
  /** Re-indexes when the corpus revision moved. */
  corpus: () => Promise<void>;
  /** How often both are polled anyway, in ms. */
  pollMs: number;
  log: Logger;
}

/** A running sync. */
export interface StoreSync {
  /** Whether the store pushes its changes (else: polling only). */
  readonly watching: boolean;
  /** Stops listening and polling; resolves once a refresh under way has ended. */
  stop(): Promise<void>;
}

/** Starts refreshing on the store's notifications (when it has them) and every `pollMs`. */
export async function startStoreSync(options: StoreSyncOptions): Promise<StoreSync> {
  const runners: Record<ChangeKind, SerialRunner> = {
    picks: serialRunner(options.picks, SYNC_DEBOUNCE_MS),
    corpus: serialRunner(options.corpus, SYNC_DEBOUNCE_MS),
  };
  let unwatch: (() => Promise<void>) | undefined;
  if (options.store.watch) {
    try {
      unwatch = await options.store.watch((change) => runners[change.kind].request());
    } catch (err) {
      options.log.warn('store: could not listen for changes; polling only', {
        error: (err as Error).message,
      });
    }
  }
  const poll = setInterval(() => {
    runners.picks.request();
    runners.corpus.request();
  }, options.pollMs);
  poll.unref();
  return {
    watching: unwatch !== undefined,
    async stop() {
      clearInterval(poll);
      await unwatch?.().catch(() => undefined);
      await Promise.all([runners.picks.stop(), runners.corpus.stop()]);
    },
  };
}
