/**
 * What `GET /healthz` says: live (the process answers), ready (a snapshot serves and citebot is not
 * shutting down), the snapshot's revision and age, the semantic stage, and the store. The store is
 * asked with one cheap call (its revision) under a short timeout, at most once per `cacheMs`, so a
 * health check under load never hammers the database; an unreachable store makes the status
 * `degraded` (answers go on from memory), not unready.
 */
import type { Library, SemanticCoverage } from '../corpus/library.js';
import type { Logger } from '../log.js';

/** A cheap round trip to the store (its revision), and where it lives. */
export interface StoreProbe {
  readonly description: string;
  ping(): Promise<unknown>;
}

/** The `/healthz` body. HTTP 200 when `ready`, 503 otherwise. */
export type HealthReport = {
  status: 'ok' | 'degraded' | 'starting' | 'stopping';
  live: true;
  ready: boolean;
  version?: string;
  snapshot: { revision: number; articles: number; passages: number; ageSeconds: number } | null;
  semantic: Pick<SemanticCoverage, 'state' | 'done' | 'total'> | null;
  /** Why the store is unreachable is logged (a warning when it changes), not shown here. */
  store: { state: 'ok' | 'unreachable' | 'none'; description: string };
};

/** Where the health comes from; each read when asked (the services may come later). */
export interface HealthSources {
  library?: () =>
    Pick<Library, 'ready' | 'index' | 'revision' | 'swappedAt' | 'semanticCoverage'> | undefined;
  store?: () => StoreProbe | undefined;
  stopping?: () => boolean;
  version?: string;
  /** Where a store that stops (or starts again) answering is told. */
  log?: Logger;
  /** How long a store answer is trusted (ms). Default 5 s. */
  cacheMs?: number;
  /** How long the store may take to answer (ms). Default 1 s. */
  timeoutMs?: number;
  /** The clock (ms since the epoch). */
  now?: () => number;
}

type StoreState = HealthReport['store'];

/** Answers `/healthz` from its sources; one store probe at a time, cached. */
export class Health {
  readonly #s: HealthSources;
  #cached: { at: number; probe: StoreProbe; state: StoreState } | undefined;
  #checking: Promise<StoreState> | undefined;

  constructor(sources: HealthSources) {
    this.#s = sources;
  }

  /** The report now (the store's state at most `cacheMs` old). */
  async report(): Promise<HealthReport> {
    const now = (this.#s.now ?? Date.now)();
    const library = this.#s.library?.();
    const serving = library?.ready === true;
    const stopping = this.#s.stopping?.() ?? false;
    const store = await this.#store(now);
    const ready = serving && !stopping;
    const status = stopping
      ? 'stopping'
      : !serving
        ? 'starting'
        : store.state === 'unreachable'
          ? 'degraded'
          : 'ok';
    const index = serving ? library.index : undefined;
    return {
      status,
      live: true,
      ready,
      ...(this.#s.version ? { version: this.#s.version } : {}),
      snapshot:
        library && index
          ? {
              revision: library.revision,
              articles: index.articles.length,
              passages: index.passages.length,
              ageSeconds:
                library.swappedAt > 0 ? Math.max(0, Math.round((now - library.swappedAt) / 1000)) : 0,
            }
          : null,
      semantic: serving
        ? (({ state, done, total }) => ({ state, done, total }))(library.semanticCoverage)
        : null,
      store,
    };
  }

  async #store(now: number): Promise<StoreState> {
    const probe = this.#s.store?.();
    if (!probe) return { state: 'none', description: 'no store' };
    const cached = this.#cached;
    if (cached && cached.probe === probe && now - cached.at < (this.#s.cacheMs ?? 5_000)) return cached.state;
    this.#checking ??= this.#check(probe).then(({ state, error }) => {
      if (state.state !== (cached?.state.state ?? 'ok')) {
        if (error)
          this.#s.log?.warn('health: the store does not answer', { store: probe.description, error });
        else this.#s.log?.info('health: the store answers again', { store: probe.description });
      }
      this.#cached = { at: (this.#s.now ?? Date.now)(), probe, state };
      this.#checking = undefined;
      return state;
    });
    return this.#checking;
  }

  async #check(probe: StoreProbe): Promise<{ state: StoreState; error?: string }> {
    const timeoutMs = this.#s.timeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([probe.ping(), timeout]);
      return { state: { state: 'ok', description: probe.description } };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { state: { state: 'unreachable', description: probe.description }, error };
    } finally {
      clearTimeout(timer);
    }
  }
}
