/**
 * A snapshot's sentence vectors: what core plans to embed for each passage (itself, its sentences
 * or word windows, its heading path), embedded shortest text first, reusing known vectors.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import { knownUnitTextSteps, paced, planSteps, unitVectorSteps, vectorsFromUnits } from '../core/passage-units.js';
import { type Embedder, embedPassages, type VectorLookup } from '../semantic/embedder.js';
import { nextTurn } from '../next-turn.js';

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
  // Planned and normalised in slices with pauses: at 48,000 passages each takes over a second.
  const plan = await paced(planSteps(index.passages), nextTurn);
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
  const units = await paced(unitVectorSteps(plan, vectors), nextTurn);
  return index.withVectors(vectorsFromUnits(embedder.model, units, index.passages.length));
}

/**
 * Every unit text of `old` (passage, sentence, heading) with its vector, when `model` embedded
 * it: what a re-embedding can reuse. Listed in slices with pauses (over a second at 48,000 passages).
 */
export function knownTextsOf(old: CorpusIndex | undefined, model: string): Promise<Map<string, Float32Array>> {
  if (old?.vectors?.model !== model || !old.vectors.units) return Promise.resolve(new Map());
  return paced(knownUnitTextSteps(old.passages, old.vectors.units), nextTurn);
}
