/**
 * What the semantic stage of a large snapshot needs, made ahead in slices so that attaching
 * vectors never stalls the answers being served: the vector search over the passages' own vectors
 * (above EXACT_SCAN_MAX_ROWS unit vectors; needed before the snapshot serves, or its first question builds
 * it), and every passage's TF-IDF term vector (neighbour smoothing reads them for its candidates;
 * made on first use otherwise, which at 50,000 passages puts several ms of first-time work on
 * many answers, so they are warmed after the swap). Pure: the caller passes the pause.
 */
import { EXACT_SCAN_MAX_ROWS, unitRows } from './semantic-rank.js';
import type { CorpusIndex } from './corpus-index.js';
import { builtVectorIndex, vectorIndexOf } from './vector-index.js';

/** Vectors encoded between two pauses (about 10 ms of work at 512 dimensions). */
export const PREPARE_SLICE = 1_000;
/** Term vectors made between two pauses (about 5–10 ms of work). */
export const TERM_VECTOR_SLICE = 100;

/**
 * Builds `index`'s vector search (large snapshots only); `pause` yields between slices. `mean` is
 * the search's mean saved with these very vectors (`vectorSearchMean`), if there is one.
 */
export async function prepareVectorSearch(
  index: CorpusIndex,
  pause: () => Promise<void>,
  mean?: Float32Array,
): Promise<void> {
  const vectors = index.vectors?.vectors;
  if (!vectors || unitRows(index) <= EXACT_SCAN_MAX_ROWS) return;
  await vectorIndexOf.inSlices(vectors, PREPARE_SLICE, pause, mean);
}

/** The mean of `index`'s vector search, if it has one built (to save beside its vectors). */
export function vectorSearchMean(index: CorpusIndex): Float32Array | undefined {
  const vectors = index.vectors?.vectors;
  return vectors ? builtVectorIndex(vectors)?.mean : undefined;
}

/** Makes every passage's term vector of a large snapshot ahead of its first use. */
export async function warmTermVectors(
  index: CorpusIndex,
  pause: () => Promise<void>,
  stillNeeded: () => boolean = () => true,
): Promise<void> {
  if (!index.vectors || unitRows(index) <= EXACT_SCAN_MAX_ROWS) return;
  for (let id = 0; id < index.passages.length; id++) {
    index.termVector(id);
    if (id % TERM_VECTOR_SLICE === TERM_VECTOR_SLICE - 1) {
      await pause();
      if (!stillNeeded()) return;
    }
  }
}
