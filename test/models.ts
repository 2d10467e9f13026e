/** Test models for the semantic stage, put in and taken out of running services. */
import type { Services } from '../src/commands/commands.js';
import type { Embedder } from '../src/semantic/embedder.js';

/** Puts a model in as the semantic stage (the live snapshot claims vectors from it); returns the undo. */
export function useModel(services: Services, model: Embedder): () => void {
  const index = services.library.index as unknown as { vectors: unknown };
  const vectors = index.vectors;
  index.vectors = { model: model.model, vectors: [] };
  services.embedder = model;
  return () => {
    index.vectors = vectors;
    delete services.embedder;
  };
}

/** A deterministic 8-dimensional vector of a text (its character codes summed by position): a stand-in model's output. */
export function charVector(text: string): Float32Array {
  const v = new Float32Array(8);
  for (let i = 0; i < text.length; i++) v[i % 8] = (v[i % 8] as number) + text.charCodeAt(i) / 1000;
  return v;
}
