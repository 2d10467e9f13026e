/**
 * The store's part of the corpus: articles added from Discord (indexed beside the folder's) and
 * the tombstones that hide folder articles. The index is built from the folder plus these minus
 * the hidden; the store's corpus revision goes into the snapshot's fingerprint, so a change made
 * from Discord (here or in another process) is a new snapshot.
 */
import type { SkippedFile, SourceText } from '../core/types.js';
import type { CorpusStore } from '../store/corpus-types.js';

/** Where articles added from Discord live in the index: `discord/<slug>.md`. */
export const STORE_PREFIX = 'discord/';

/** The store's articles and tombstones, as one re-index reads them. */
export interface StoreSources {
  /** Articles added from Discord, ready to split. */
  sources: SourceText[];
  /** Folder files hidden from Discord (left out of the index). */
  hidden: ReadonlySet<string>;
  /** The store's corpus revision when these were read. */
  revision: number;
}

/** Reads the store's part of the corpus (the revision first, so a change made meanwhile is seen next time). */
export async function readStoreSources(
  store: Pick<CorpusStore, 'articles' | 'tombstones' | 'corpusRevision'>,
): Promise<StoreSources> {
  const revision = await store.corpusRevision();
  const [articles, tombstones] = await Promise.all([store.articles(), store.tombstones()]);
  return {
    revision,
    sources: articles.map((a) => ({ file: a.file, text: a.text, hash: a.contentHash.slice(0, 16) })),
    hidden: new Set(tombstones.map((t) => t.file)),
  };
}

/**
 * The folder's sources with the store's merged in: hidden folder files left out, and a folder file
 * with the name of a Discord article skipped with a reason (the Discord article keeps the name).
 */
export function mergeSources(
  folder: readonly SourceText[],
  extra: StoreSources | undefined,
): { sources: SourceText[]; skipped: SkippedFile[] } {
  if (!extra) return { sources: [...folder], skipped: [] };
  const taken = new Set(extra.sources.map((s) => s.file));
  const skipped: SkippedFile[] = [];
  const kept = folder.filter((s) => {
    if (extra.hidden.has(s.file)) return false;
    if (!taken.has(s.file)) return true;
    skipped.push({ file: s.file, reason: 'an article added from Discord has this name; rename the file' });
    return false;
  });
  return { sources: [...kept, ...extra.sources], skipped };
}
