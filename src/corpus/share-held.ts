/**
 * Shares through the store the vectors an instance already holds: those of its unit file, its
 * vector cache file or its previous snapshot, which it serves without asking the store. Without
 * this, a deployment moved onto a shared database would have every other instance embed again
 * what this one embedded before the move. Runs after a snapshot's vectors are served: the keys are
 * checked in chunks, and only the vectors the store lacks are written.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import { knownUnitTexts } from '../core/passage-units.js';
import type { SharedVectors } from '../store/vector-types.js';
import type { SemanticEvent } from './library-types.js';
import { vectorKey } from './vector-cache.js';

/** Texts whose keys are checked (and missing vectors written) at a time. */
export const SHARE_CHUNK = 2000;

/** What a pass did: distinct texts checked, vectors written, and how long it took (ms). */
export interface ShareReport {
  checked: number;
  written: number;
  ms: number;
}

/**
 * Writes to `store` the vectors of `index` (its unit texts, each once) that it does not hold yet,
 * pausing between chunks. Keys in `confirmed` are known to be stored and not asked about again;
 * every key checked is added to it (so a re-index asks only about its new texts). Stops early,
 * returning undefined, once `still()` says the snapshot is no longer served. A failing store rejects.
 */
export async function shareHeldVectors(
  index: CorpusIndex,
  store: SharedVectors,
  still: () => boolean,
  options: { confirmed?: Set<string>; pause?: () => Promise<void> } = {},
): Promise<ShareReport | undefined> {
  const t0 = performance.now();
  const vectors = index.vectors;
  if (!vectors?.units) return { checked: 0, written: 0, ms: 0 };
  const pause = options.pause ?? (() => new Promise<void>((r) => setImmediate(r)));
  const confirmed = options.confirmed ?? new Set<string>();
  const held = [...knownUnitTexts(index.passages, vectors.units)];
  let checked = 0;
  let written = 0;
  for (let at = 0; at < held.length; at += SHARE_CHUNK) {
    if (!still()) return undefined;
    const chunk = held
      .slice(at, at + SHARE_CHUNK)
      .map(([text, vector]) => ({ key: vectorKey(text), vector }))
      .filter((e) => !confirmed.has(e.key));
    if (chunk.length === 0) continue;
    const stored = await store.storedVectorKeys(vectors.model, chunk.map((e) => e.key));
    const missing = chunk.filter((e) => !stored.has(e.key));
    if (missing.length > 0) {
      if (!still()) return undefined;
      await store.putVectors(vectors.model, missing);
      written += missing.length;
    }
    for (const e of chunk) confirmed.add(e.key);
    checked += chunk.length;
    await pause();
  }
  return { checked, written, ms: Math.round(performance.now() - t0) };
}

/**
 * `shareHeldVectors`, told to `tell`: a `shared` event when it wrote vectors, a warning (never a
 * failure: answers do not depend on it) when the store failed.
 */
export async function shareHeldTelling(
  index: CorpusIndex,
  store: SharedVectors,
  still: () => boolean,
  tell: ((event: SemanticEvent) => void) | undefined,
  confirmed?: Set<string>,
): Promise<void> {
  try {
    const report = await shareHeldVectors(index, store, still, confirmed ? { confirmed } : {});
    if (report && report.written > 0) tell?.({ kind: 'shared', ...report });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    tell?.({
      kind: 'warning',
      message: `the vectors held here could not be shared through the store (${why}); other instances embed them again`,
    });
  }
}
