/**
 * The sentence-embedding models citebot can use (SEMANTIC_MODEL), each behind the Embedder
 * interface. Every model here runs offline from files inside an installed npm package.
 */
import { type Embedder, loadUseLite } from './embedder.js';

/** Model names as SEMANTIC_MODEL takes them, with their loaders. */
export const SEMANTIC_MODELS: Readonly<Record<string, () => Promise<Embedder>>> = Object.freeze({
  'use-lite': loadUseLite,
});

export const DEFAULT_SEMANTIC_MODEL = 'use-lite';

/** Loads the named model; an unknown name throws an error that lists the known ones. */
export async function loadSemanticModel(name: string): Promise<Embedder> {
  const load = SEMANTIC_MODELS[name];
  if (!load) {
    throw new Error(
      `SEMANTIC_MODEL must be one of ${Object.keys(SEMANTIC_MODELS).join(', ')}; got ${JSON.stringify(name)}`,
    );
  }
  return load();
}
