/**
 * citebot's Prometheus metrics (prom-client), on a registry of their own: never prom-client's global
 * default registry, so tests and several instances in one process never share a counter. What is
 * counted is told by the code that knows it (the handler, the library, the store watch); what is a
 * level (queue depth, snapshot revision and age, embedding coverage) is read at scrape time from the
 * sources given to `watch`.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Library, ReindexReport } from '../corpus/library.js';
import type { WorkQueue } from '../discord/queue.js';

/**
 * How an interaction ended: `answered` / `declined` (a question, with passages or without), `refused`
 * (a bad option, the cooldown, a permission), `busy` (overload), `error` (the error note), `expired`
 * (Discord dropped it first), `restarting` (shutting down), `ok` (any other command or button done).
 */
export type InteractionOutcome =
  'answered' | 'declined' | 'refused' | 'busy' | 'error' | 'expired' | 'restarting' | 'ok';

/** Buckets of the answer latency (seconds): 5 ms up to Discord's 3 s window. */
export const ANSWER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3];
/** Buckets of a re-index's duration (seconds): an unchanged snapshot up to a large rebuild. */
export const REINDEX_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 180];

/** What the gauges read at scrape time (each optional: one not given reads 0). */
export interface MetricSources {
  library?: Pick<Library, 'ready' | 'revision' | 'swappedAt' | 'semanticCoverage'>;
  queue?: Pick<WorkQueue, 'running' | 'waiting'>;
}

/** The collectors, all named `citebot_…`, plus prom-client's process metrics on the same registry. */
export class Metrics {
  /** The registry every collector here is on. */
  readonly registry = new Registry();
  readonly #sources: MetricSources = {};
  readonly #interactions: Counter<'type' | 'outcome'>;
  readonly #answerSeconds: Histogram;
  readonly #declines: Counter;
  readonly #reindexSeconds: Histogram;
  readonly #reindexes: Counter<'result'>;
  readonly #storeErrors: Counter<'operation'>;

  /** @param now the clock for the snapshot's age (ms since the epoch; tests move it) */
  constructor(readonly now: () => number = Date.now) {
    const registers = [this.registry];
    const sources = this.#sources;
    this.#interactions = new Counter({
      name: 'citebot_interactions_total',
      help: 'Interactions handled, by type (command, button, ...) and outcome (answered, declined, ...).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#answerSeconds = new Histogram({
      name: 'citebot_answer_seconds',
      help: 'Seconds from receiving a question to its answer (answered or declined) being sent.',
      buckets: ANSWER_BUCKETS,
      registers,
    });
    this.#declines = new Counter({
      name: 'citebot_declines_total',
      help: 'Questions declined: no passage answered them.',
      registers,
    });
    this.#reindexSeconds = new Histogram({
      name: 'citebot_reindex_seconds',
      help: 'Seconds each re-index took (failed ones included).',
      buckets: REINDEX_BUCKETS,
      registers,
    });
    this.#reindexes = new Counter({
      name: 'citebot_reindex_total',
      help: 'Re-indexes, by result (ok, failed: the old snapshot kept serving).',
      labelNames: ['result'],
      registers,
    });
    this.#storeErrors = new Counter({
      name: 'citebot_store_errors_total',
      help: 'Store calls that failed, by operation (the store method).',
      labelNames: ['operation'],
      registers,
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge(
      'citebot_queue_depth',
      'Answers waiting for a slot in the work queue.',
      () => sources.queue?.waiting ?? 0,
    );
    gauge('citebot_queue_running', 'Answers being computed now.', () => sources.queue?.running ?? 0);
    gauge('citebot_snapshot_revision', 'Snapshots swapped in since start (vectors included).', () =>
      sources.library?.ready ? sources.library.revision : 0,
    );
    gauge('citebot_snapshot_age_seconds', 'Seconds since the serving snapshot was swapped in.', () => {
      const at = sources.library?.ready ? sources.library.swappedAt : 0;
      return at > 0 ? Math.max(0, (this.now() - at) / 1000) : 0;
    });
    gauge('citebot_embedding_coverage', 'Share of passages with their sentence vectors (0 to 1).', () => {
      const c = sources.library?.ready ? sources.library.semanticCoverage : undefined;
      return c && c.total > 0 ? c.done / c.total : 0;
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Sets (or replaces) what the gauges read. */
  watch(sources: MetricSources): void {
    Object.assign(this.#sources, sources);
  }

  /**
   * Counts one interaction. A question's latency (answered or declined) goes into the answer histogram;
   * a declined one is also a decline.
   */
  interaction(type: string, outcome: InteractionOutcome, seconds: number): void {
    this.#interactions.inc({ type, outcome });
    if (outcome === 'answered' || outcome === 'declined') this.#answerSeconds.observe(seconds);
    if (outcome === 'declined') this.#declines.inc();
  }

  /** Counts one re-index and its duration. */
  reindexed(report: Pick<ReindexReport, 'ok' | 'ms'>): void {
    this.#reindexes.inc({ result: report.ok ? 'ok' : 'failed' });
    this.#reindexSeconds.observe(report.ms / 1000);
  }

  /** Counts one failed store call. */
  storeError(operation: string): void {
    this.#storeErrors.inc({ operation });
  }

  /** The exposition text (Prometheus' text format) and its content type. */
  async text(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
