/**
 * A snapshot's sentence vectors: what core plans to embed for each passage (itself, its sentences
 * or word windows, its heading path), embedded shortest text first, reusing known vectors.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import { planUnits, unitVectors, vectorsFromUnits } from '../core/passage-units.js';
import { type Embedder, embedPassages, type VectorLookup } from '../semantic/embedder.js';

/** Hears how many of the passages that need a sentence vector have one (`done` of `total`). */
export type EmbedProgress = (done: number, total: number) => void;

/**
 * The snapshot with its passages' sentence vectors from `embedder` attached; texts found in
 * `known` (from a previous snapshot) reuse their vector instead of being embedded again.
 */
export async function embedIndex(
  index: CorpusIndex,
  embedder: Embedder,
  known?: VectorLookup,
  onProgress?: EmbedProgress,
): Promise<CorpusIndex> {
  // What to embed is decided in core: each passage, its sentences and its heading path,
  // every distinct text once. Texts are embedded shortest first, so a batch holds texts of
  // about one length (the model pads a batch to its longest text).
  const plan = planUnits(index.passages);
  const length = (i: number) => plan.texts[i]?.length ?? 0;
  const order = plan.texts.map((_, i) => i).sort((a, b) => length(a) - length(b));
  const sorted = await embedPassages(
    embedder,
    order.map((i) => plan.texts[i] as string),
    known,
    undefined,
    onProgress,
  );
  const vectors: Float32Array[] = new Array(plan.texts.length);
  order.forEach((i, k) => {
    vectors[i] = sorted[k] as Float32Array;
  });
  return index.withVectors(
    vectorsFromUnits(embedder.model, unitVectors(plan, vectors), index.passages.length),
  );
}

