/**
 * `npm run eval -- --store`: what the deployment answers now. The store every entry point uses
 * (DATABASE_URL, else DATA_DIR) gives its articles, added beside the corpus folder's, and its picks,
 * loaded into the learning as a running citebot loads them; nothing is written to it.
 */
import type { CorpusIndex } from '../../src/core/corpus-index.js';
import type { TeachingIndex } from '../../src/core/teaching.js';
import { mergeSources, readStoreSources } from '../../src/corpus/store-sources.js';
import type { SourceText } from '../../src/core/types.js';
import { openDataStore, startupConfig } from '../../src/entry.js';
import { Learning } from '../../src/learning/learning.js';
import type { Embedder } from '../../src/semantic/embedder.js';
import type { Store } from '../../src/store/corpus-types.js';

/** The configured store, opened for reading (one line and exit 1 when it can't be). */
export async function openEvalStore(): Promise<{ store: Store; where: string }> {
  const { config } = startupConfig({ quiet: true });
  const store = await openDataStore(config);
  return { store, where: config.databaseUrl === undefined ? config.dataDir : 'DATABASE_URL' };
}

/** The folder's sources plus the store's articles, minus what the store hides. */
export async function sourcesWithStore(store: Store, folder: readonly SourceText[]): Promise<SourceText[]> {
  return mergeSources(folder, await readStoreSources(store)).sources;
}

/** The store's active picks as a teaching index over `index`, and how many there were. */
export async function storeTeaching(
  store: Store,
  index: CorpusIndex,
  embedder: Embedder | undefined,
): Promise<{ picks: number; teaching: TeachingIndex | undefined }> {
  const picks = await store.activePicks();
  const learning = new Learning(embedder ? { embedder, model: embedder.model } : {});
  await learning.load(picks, embedder ? await store.pickVectors(embedder.model) : []);
  return { picks: picks.length, teaching: learning.teachingFor(index) };
}
