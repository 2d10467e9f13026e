/**
 * Sentence vectors of corpus texts kept in the database, by model and text key, so that the
 * instances sharing one database embed a text once between them. A cache, not user data: what it
 * holds can always be embedded again, and retention leaves it alone.
 */

/** One text's vector, under its key (32 hex digits, see corpus/vector-cache.ts `vectorKey`). */
export interface SharedVector {
  key: string;
  vector: Float32Array;
}

/** The vectors shared through the store. */
export interface SharedVectors {
  /**
   * The stored vectors of `model` for `keys` (queried in chunks of at most 500 keys); a key with
   * no vector, or whose stored bytes do not fit its dimension, is absent from the map.
   */
  getVectors(model: string, keys: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Which of `keys` have a stored vector of `model` (queried in chunks; the vectors are not read). */
  storedVectorKeys(model: string, keys: readonly string[]): Promise<Set<string>>;
  /**
   * Keeps vectors of `model`, written `at` (ms). A key already stored keeps its first vector
   * (another instance may have written it meanwhile: not an error).
   */
  putVectors(model: string, entries: readonly SharedVector[], at?: number): Promise<void>;
}
