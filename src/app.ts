/**
 * Wiring shared by the entry points: build the services from a validated config.
 */
import type { Services } from './commands/commands.js';
import type { Config } from './config.js';
import { PRF_SETTINGS } from './core/corpus-index.js';
import { Library } from './corpus/library.js';
import type { Logger } from './log.js';
import { type Embedder, loadUseLite } from './semantic/embedder.js';

/** The corpus could not be loaded at start-up. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Loads the corpus and returns the services. Throws StartupError when the corpus folder is unusable. */
export async function createServices(config: Config, log: Logger): Promise<Services> {
  let embedder: Embedder | undefined;
  if (config.semantic) {
    try {
      embedder = await loadUseLite();
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
  });
  const report = await library.reindex();
  if (!report.ok || !library.ready) throw new StartupError(report.error ?? 'the corpus could not be indexed');
  log.info('corpus indexed', {
    articles: report.articles,
    passages: report.passages,
    skipped: report.skipped.length,
    from: report.source,
    snapshot: report.snapshot,
    ms: report.ms,
  });
  return { library, log, ...(embedder ? { embedder } : {}) };
}
