/**
 * The shared vocabulary of the corpus index: ranking options, hits, statistics, and the
 * searchable structures a snapshot is made of (see corpus-index.ts).
 */
import type MiniSearch from 'minisearch';
import type { HeadList } from './head-terms.js';
import type { UnitVectors } from './passage-units.js';
import { termsOfToken, tokenize } from './text.js';
import type { Passage } from './types.js';

/** Ranking options. Defaults are the measured best (see README "Answer quality"). */
export interface RankingOptions {
  /** Field boosts. */
  boost: { text: number; context: number; section: number; title: number };
  /** BM25 parameters. */
  bm25: { k: number; b: number; d: number };
  /** Weight of the parts of a compound query word ("open", "source" of "open-source"). */
  partWeight: number;
  /** Fuzzy matching: maximum edit distance as a fraction of the term's length, for terms of at least `fuzzyMinLength` characters. */
  fuzzy: number;
  fuzzyMinLength: number;
  /**
   * MiniSearch multiplies a passage's score by the number of query terms it matched.
   * The score is divided by that number to the power (1 − coordination): 0 gives
   * plain BM25, 1 keeps MiniSearch's multiplier.
   */
  coordination: number;
  /** Typo tolerance only for query words the corpus doesn't contain (a known word is not a typo). */
  fuzzyUnknownOnly: boolean;
  /**
   * Pseudo-relevance feedback (RM3-style, IDF-weighted): add the `terms` most characteristic
   * terms of the top `docs` passages to the query, weighted `weight` × their share relative to
   * the best one; null to turn off.
   */
  prf: PrfOptions | null;
}

/** Pseudo-relevance feedback settings (see RankingOptions.prf). */
export interface PrfOptions {
  docs: number;
  terms: number;
  weight: number;
  /** Weight each candidate term's mass by its IDF (favours rare, topical terms). */
  idf?: boolean;
}

/** Pseudo-relevance feedback as measured on Cranfield (PRF=on): 20 terms from the top 3 passages. */
export const PRF_SETTINGS = Object.freeze({ docs: 3, terms: 20, weight: 0.8 });

/** The default ranking options. */
export const DEFAULT_RANKING: Readonly<RankingOptions> = Object.freeze({
  boost: { text: 1, context: 0.3, section: 0.5, title: 0.3 },
  bm25: { k: 2, b: 0.75, d: 0.5 },
  partWeight: 0.5,
  fuzzy: 0.2,
  fuzzyMinLength: 4,
  coordination: 0,
  fuzzyUnknownOnly: true,
  prf: null,
});

/** One ranked candidate. */
export interface Hit {
  passage: Passage;
  score: number;
  /** Query terms (processed) this passage matched, exactly or fuzzily. */
  queryTerms: string[];
  /** Document terms that matched the question's own words (the words to highlight). */
  docTerms: string[];
}

/** A weighted query term. */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** What `CorpusIndex.search` returns and where it looks. */
export interface SearchOptions {
  /** How many hits to return (default 10). */
  limit?: number;
  /** Restrict to one article, by its file. */
  file?: string;
}

/** A passage as MiniSearch indexes it. */
export interface IndexedDoc {
  id: number;
  text: string;
  context: string;
  section: string;
  title: string;
}

/** How passages are indexed; loading a saved index needs the same options. */
export const MINISEARCH_OPTIONS = {
  fields: ['text', 'context', 'section', 'title'],
  storeFields: [] as string[],
  tokenize: (text: string, _field?: string) => tokenize(text).map((t) => t.text),
  processTerm: (term: string) => termsOfToken(term),
};

/**
 * Sentence vectors of every passage, from one named model: `vectors` holds each passage's own
 * text's vector; `units` adds its sentences' and heading's (see passage-units.ts). Given only
 * `vectors`, each passage has its own vector as its one unit.
 */
export interface PassageVectors {
  model: string;
  vectors: readonly Float32Array[];
  units?: UnitVectors;
}

/** Statistics of a snapshot. */
export interface IndexStats {
  articles: number;
  passages: number;
  terms: number;
  /** Terms common enough to be pruned from queries (see head-terms.ts). */
  headTerms: number;
  buildMs: number;
}

/** The searchable structures of a snapshot (shared by the snapshots made from one build). */
export interface IndexParts {
  ms: MiniSearch<IndexedDoc>;
  /** Distinct terms per passage and field (passage × fields, row-major), as MiniSearch counts them. */
  fieldLength: Uint32Array;
  df: Map<string, number>;
  surface: Map<string, string[]>;
  head: Map<string, HeadList>;
  headCounts: HeadCounts;
  textLen: Uint32Array;
  avgTextLen: number;
}

/** A passage's tokens: offsets in its text and each token's index terms (shared, read-only arrays). */
export interface PassageTokens {
  starts: Uint32Array;
  ends: Uint32Array;
  terms: readonly (readonly string[])[];
}

/** Per passage, how often each head term occurs in its text (for rescoring without re-reading the text). */
export interface HeadCounts {
  terms: string[];
  offsets: Uint32Array;
  termIds: Uint32Array;
  tfs: Uint16Array;
}
