/**
 * Wiring shared by the entry points: build the services from a validated config.
 */
import { startStoreSync } from './app-sync.js';
import type { Services } from './commands/commands.js';
import type { Config } from './config.js';
import { PRF_SETTINGS } from './core/corpus-index.js';
import { type EmbedProgress, Library, type ReindexReport } from './corpus/library.js';
import { Feedback } from './learning/feedback.js';
import { Learning } from './learning/learning.js';
import type { Logger } from './log.js';
import { readStoreSources } from './corpus/store-sources.js';
import { createInsights } from './insights/insights.js';
import { CorpusAdmin } from './manage/admin.js';
import type { Store } from './store/corpus-types.js';
import type { Embedder } from './semantic/embedder.js';
import type { Metrics } from './ops/metrics.js';
import { watchStore } from './ops/store-watch.js';
import { loadSemanticModel, SEMANTIC_MODELS } from './semantic/models.js';
import { coalescing, QUESTION_BATCH } from './semantic/coalesce.js';
import { startWorkerEmbedder, type WorkerEmbedder } from './semantic/worker-embedder.js';

/** The corpus could not be loaded at start-up. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface ServiceOptions {
  /** Hears the start-up embedding of passage vectors (not later re-indexes). */
  onEmbedProgress?: EmbedProgress;
  /**
   * Wait for the passage vectors before returning (a one-shot question); by default the services
   * answer lexically at once and the semantic stage comes on when the background embedding ends.
   */
  waitForSemantic?: boolean;
  /**
   * The store of votes and picks (entry points open it from DATA_DIR). Without one (false or
   * unset) the services have no feedback: answers carry no 👍/👎 and nothing taught applies.
   */
  store?: Store | false;
  /** Counts the re-indexes and the store's failed calls, and reads the snapshot at scrape time. */
  metrics?: Metrics;
}

/**
 * How often a process looks for picks and articles another process changed (the store's
 * revisions); where the store pushes its changes (PostgreSQL), the fallback for one missed.
 */
export const FEEDBACK_SYNC_MS = 2_000;
const DAY_MS = 86_400_000;

/** Loads the corpus and returns the services. Throws StartupError when the corpus folder is unusable. */
export async function createServices(
  config: Config,
  log: Logger,
  options: ServiceOptions = {},
): Promise<Services> {
  let progress = options.onEmbedProgress;
  /** The question's vector: on the main thread (one short text; no wait behind passage batches). */
  let embedder: Embedder | undefined;
  /** The passages' vectors: in a worker thread, so embedding never holds up the answers. */
  let passageEmbedder: Embedder | undefined;
  /** The worker thread behind passageEmbedder, closed by the services' close(). */
  let worker_: WorkerEmbedder | undefined;
  if (config.semantic) {
    if (!(config.semanticModel in SEMANTIC_MODELS)) {
      throw new StartupError(
        `SEMANTIC_MODEL must be one of ${Object.keys(SEMANTIC_MODELS).join(', ')}; got ${JSON.stringify(config.semanticModel)}`,
      );
    }
    // A one-shot question waits for the passage vectors anyway: embedding them on the main thread
    // spares it a second copy of the model (about a second of start-up and its memory).
    const [main, worker] = await Promise.allSettled([
      loadSemanticModel(config.semanticModel),
      options.waitForSemantic
        ? Promise.reject(new Error('not needed for one question'))
        : startWorkerEmbedder(config.semanticModel),
    ]);
    if (main.status === 'fulfilled') embedder = main.value;
    else
      log.warn('semantic model unavailable; answering lexically', { error: (main.reason as Error).message });
    if (worker.status === 'fulfilled') passageEmbedder = embedder ? worker.value : undefined;
    else if (embedder) {
      // No worker thread: embed on the main thread (slower answers while it runs).
      if (!options.waitForSemantic) {
        log.warn('embedding worker unavailable; embedding passages on the main thread', {
          error: (worker.reason as Error).message,
        });
      }
      passageEmbedder = embedder;
    }
    if (worker.status === 'fulfilled' && !passageEmbedder) await worker.value.close();
    else if (worker.status === 'fulfilled') worker_ = worker.value;
  }
  const { metrics } = options;
  const opened = options.store || undefined;
  const store = opened && metrics ? watchStore(opened, (op) => metrics.storeError(op)) : opened;
  const library = new Library({
    ...(store ? { storeSources: () => readStoreSources(store) } : {}),
    ...(passageEmbedder ? { embedder: passageEmbedder } : {}),
    // On PostgreSQL the instances share their sentence vectors (a text is embedded once); with
    // SQLite, the vector cache file in the cache folder is all there is.
    ...(store?.shared ? { sharedVectors: store } : {}),
    semanticMaxPassages: config.semanticMaxPassages,
    ...(config.prf ? { ranking: { prf: PRF_SETTINGS } } : {}),
    dir: config.corpusDir,
    maxFileBytes: config.maxFileBytes,
    cacheDir: config.cacheDir,
    onSkip: (s) => log.warn('skipped corpus file', { file: s.file, reason: s.reason }),
    ...(metrics ? { onReindex: (r: ReindexReport) => metrics.reindexed(r) } : {}),
    onEmbedProgress: (done, total) => progress?.(done, total),
    onSemantic: (e) => {
      if (e.kind === 'ready') {
        log.info('semantic stage on', {
          passages: e.passages,
          embedded: e.embedded,
          ms: e.ms,
          cache: e.cache,
        });
      } else if (e.kind === 'shared') {
        log.info('vectors held here shared through the store', {
          written: e.written,
          checked: e.checked,
          ms: e.ms,
        });
      } else if (e.kind === 'warning') {
        log.warn(e.message);
      } else {
        log.warn('semantic stage: embedding failed; answering lexically', { error: e.error });
      }
    },
  });
  metrics?.watch({ library });
  const report = await library.reindex();
  if (options.waitForSemantic) await library.whenSemanticReady();
  progress = undefined;
  if (!report.ok || !library.ready) throw new StartupError(report.error ?? 'the corpus could not be indexed');
  log.info('corpus indexed', {
    articles: report.articles,
    passages: report.passages,
    skipped: report.skipped.length,
    from: report.source,
    snapshot: report.snapshot,
    ms: report.ms,
  });
  if (report.articles === 0) {
    log.warn(
      `the corpus folder ${config.corpusDir} has no articles; every question will be declined. Put .txt or .md files there.`,
    );
  }
  const feedback = store ? await startFeedback(config, log, library, store, embedder) : undefined;
  const admin = store
    ? new CorpusAdmin({
        store,
        library,
        log,
        fetch: { maxBytes: config.maxFileBytes, allowHosts: config.fetchAllowHosts },
      })
    : undefined;
  return {
    library,
    log,
    ...(embedder && passageEmbedder ? { embedder } : {}),
    // Questions asked while the worker is busy are embedded together, in one call.
    ...(embedder && worker_ ? { questionWorker: coalescing(worker_, QUESTION_BATCH) } : {}),
    ...(feedback ? { feedback: feedback.service, learning: feedback.learning } : {}),
    ...(admin ? { admin } : {}),
    // Shared by several instances (PostgreSQL): the runtime keeps its per-user state there too.
    ...(store?.shared ? { fleet: store } : {}),
    ...(store ? { storeProbe: { description: store.description, ping: () => store.revision() } } : {}),
    ...(store
      ? {
          insights: createInsights({
            store,
            library,
            log,
            ...(embedder && passageEmbedder ? { embedder } : {}),
          }),
        }
      : {}),
    close: async () => {
      await feedback?.stop();
      await feedback?.service.flush();
      await worker_?.close();
      if (options.store) await options.store.close();
    },
  };
}

/**
 * The feedback service on the store: what was taught is loaded now (question vectors made for
 * new picks), old rows are purged now and daily, and picks and articles changed by other
 * processes are picked up as the store announces them, and every FEEDBACK_SYNC_MS (app-sync.ts).
 */
async function startFeedback(
  config: Config,
  log: Logger,
  library: Library,
  store: Store,
  embedder: Embedder | undefined,
): Promise<{ service: Feedback; learning: Learning; stop: () => Promise<void> }> {
  const learning = new Learning(embedder ? { embedder, model: embedder.model } : {});
  const service = new Feedback({
    store,
    learning,
    library,
    log,
    retentionDays: config.feedbackRetentionDays,
    ...(embedder ? { model: embedder.model } : {}),
  });
  const purge = async () => {
    try {
      const r = await store.purge(Date.now() - config.feedbackRetentionDays * DAY_MS);
      const total = r.answers + r.votes + r.picks + r.questions + r.audit + r.proposals;
      if (total > 0) log.info('feedback: old rows deleted', { ...r });
    } catch (err) {
      log.warn('feedback: could not delete old rows', { error: (err as Error).message });
    }
  };
  await purge();
  try {
    await service.refresh();
  } catch (err) {
    log.warn('feedback: could not load what was taught; answering without it', {
      error: (err as Error).message,
    });
  }
  // Articles added or hidden by another process (a second instance, `npm run feedback`) re-index here.
  let corpusRevision = await store.corpusRevision().catch(() => undefined);
  const syncCorpus = async () => {
    try {
      const now = await store.corpusRevision();
      if (corpusRevision !== undefined && now !== corpusRevision) await library.reindex({ fresh: true });
      corpusRevision = now;
    } catch (err) {
      log.debug('corpus: could not read the store revision', { error: (err as Error).message });
    }
  };
  const sync = await startStoreSync({
    store,
    picks: () => service.sync(),
    corpus: syncCorpus,
    pollMs: FEEDBACK_SYNC_MS,
    log,
  });
  if (sync.watching) log.debug('store: listening for changes made by other instances');
  const daily = setInterval(() => void purge(), DAY_MS);
  daily.unref();
  return {
    service,
    learning,
    stop: async () => {
      clearInterval(daily);
      await sync.stop();
    },
  };
}
