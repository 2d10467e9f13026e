/**
 * Wiring shared by the entry points: build the services from a validated config.
 */
import type { Services } from './commands/commands.js';
import type { Config } from './config.js';
import { PRF_SETTINGS } from './core/corpus-index.js';
import { type EmbedProgress, Library } from './corpus/library.js';
import type { Logger } from './log.js';
import type { Embedder } from './semantic/embedder.js';
import { loadSemanticModel, SEMANTIC_MODELS } from './semantic/models.js';
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
}

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
    const [main, worker] = await Promise.allSettled([
      loadSemanticModel(config.semanticModel),
      startWorkerEmbedder(config.semanticModel),
    ]);
    if (main.status === 'fulfilled') embedder = main.value;
    else
      log.warn('semantic model unavailable; answering lexically', { error: (main.reason as Error).message });
    if (worker.status === 'fulfilled') passageEmbedder = embedder ? worker.value : undefined;
    else if (embedder) {
      // No worker thread: embed on the main thread (slower answers while it runs).
      log.warn('embedding worker unavailable; embedding passages on the main thread', {
        error: (worker.reason as Error).message,
      });
      passageEmbedder = embedder;
    }
    if (worker.status === 'fulfilled' && !passageEmbedder) await worker.value.close();
    else if (worker.status === 'fulfilled') worker_ = worker.value;
  }
  const library = new Library({
    ...(passageEmbedder ? { embedder: passageEmbedder } : {}),
    semanticMaxPassages: config.semanticMaxPassages,
    ...(config.prf ? { ranking: { prf: PRF_SETTINGS } } : {}),
    dir: config.corpusDir,
    maxFileBytes: config.maxFileBytes,
    cacheDir: config.cacheDir,
    onSkip: (s) => log.warn('skipped corpus file', { file: s.file, reason: s.reason }),
    onEmbedProgress: (done, total) => progress?.(done, total),
    onSemantic: (e) => {
      if (e.kind === 'ready') {
        log.info('semantic stage on', {
          passages: e.passages,
          embedded: e.embedded,
          ms: e.ms,
          cache: e.cache,
        });
      } else if (e.kind === 'warning') {
        log.warn(e.message);
      } else {
        log.warn('semantic stage: embedding failed; answering lexically', { error: e.error });
      }
    },
  });
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
  return {
    library,
    log,
    ...(embedder && passageEmbedder ? { embedder } : {}),
    ...(embedder && worker_ ? { questionWorker: worker_ } : {}),
    close: async () => {
      await worker_?.close();
    },
  };
}
