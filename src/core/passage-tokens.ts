/**
 * A passage's tokens with their offsets and index terms, kept for the most recently used
 * passages: highlighting reads the same passages often.
 */
import type { PassageTokens } from './index-types.js';
import { termsOfToken, tokenTexts } from './text.js';

/** How many passages' tokens are kept (about 3 KB each). */
export const TOKEN_CACHE_SIZE = 4096;

/** The tokens of one text: start and end offsets and each token's index terms. */
export function tokensOfText(text: string): PassageTokens {
  const strings = tokenTexts(text);
  const starts = new Uint32Array(strings.length);
  const ends = new Uint32Array(strings.length);
  const terms: (readonly string[])[] = [];
  // Positions recovered in order: no match object per token.
  let pos = 0;
  strings.forEach((tok, k) => {
    const start = text.indexOf(tok, pos);
    starts[k] = start;
    ends[k] = pos = start + tok.length;
    terms.push(termsOfToken(tok));
  });
  return { starts, ends, terms };
}

/** A bounded, least-recently-used cache of passages' tokens, by passage id. */
export class TokenCache {
  readonly #cache = new Map<number, PassageTokens>();

  /** The tokens of passage `id` (whose text is `text`), from the cache or computed and kept. */
  get(id: number, text: string): PassageTokens {
    const cached = this.#cache.get(id);
    if (cached) {
      this.#cache.delete(id);
      this.#cache.set(id, cached);
      return cached;
    }
    const tokens = tokensOfText(text);
    if (this.#cache.size >= TOKEN_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(id, tokens);
    return tokens;
  }
}
