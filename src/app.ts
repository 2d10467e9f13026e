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

/** The corpus could not be loaded at start-up. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface ServiceOptions {
  /** Hears the start-up embedding of passage vectors (not later re-indexes). */
  onEmbedProgress?: EmbedProgress;
}

/** Loads the corpus and returns the services. Throws StartupError when the corpus folder is unusable. */
export async function createServices(
  config: Config,
  log: Logger,
  options: ServiceOptions = {},
): Promise<Services> {
  let progress = options.onEmbedProgress;
  let embedder: Embedder | undefined;
  if (config.semantic) {
    if (!(config.semanticModel in SEMANTIC_MODELS)) {
      throw new StartupError(
        `SEMANTIC_MODEL must be one of ${Object.keys(SEMANTIC_MODELS).join(', ')}; got ${JSON.stringify(config.semanticModel)}`,
      );
    }
    try {
      embedder = await loadSemanticModel(config.semanticModel);
    } catch (err) {
      log.warn('semantic model unavailable; answering lexically', { error: (err as Error).message });
    }
  }
  const library = new Library({
    ...(embedder ? { embedder } : {}),
    semanticMaxPassages: config.semanticMaxPassages,
    ...(config.prf ? { ranking: { prf: PRF_SETTINGS } } : {}),
    dir: config.corpusDir,
    maxFileBytes: config.maxFileBytes,
    cacheDir: config.cacheDir,
    onSkip: (s) => log.warn('skipped corpus file', { file: s.file, reason: s.reason }),
    onEmbedProgress: (done, total) => progress?.(done, total),
  });
  const report = await library.reindex().finally(() => {
    progress = undefined;
  });
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
  return { library, log, ...(embedder ? { embedder } : {}) };
}
