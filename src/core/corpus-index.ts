/**
 * An immutable, searchable snapshot of the corpus: the passages, their articles,
 * and a MiniSearch index over them. A new corpus means a new snapshot; a snapshot
 * never changes after it is built, so readers need no locks.
 *
 * The class holds the snapshot and answers for it; the work lives beside it: index-build.ts
 * (building), index-data.ts (saved form), lexical-scorer.ts (ranking), suggest.ts (spelling and
 * completions), article-match.ts (article names), passage-tokens.ts (token cache), with the
 * shared types in index-types.ts.
 */
import { rankArticles } from './article-match.js';
import { RESCORE_CANDIDATES, bm25, type HeadList } from './head-terms.js';
import { buildIndex } from './index-build.js';
import { type IndexData, snapshotFromData, snapshotFromDataSteps, snapshotToData } from './index-data.js';
import { paced } from './steps.js';
import {
  DEFAULT_RANKING,
  type Hit,
  type IndexParts,
  type IndexStats,
  type PassageTokens,
  type PassageVectors,
  type RankingOptions,
  type SearchOptions,
  type WeightedTerm,
} from './index-types.js';
import { LexicalScorer } from './lexical-scorer.js';
import { TokenCache } from './passage-tokens.js';
import { checkUnits, passageOnlyUnits } from './passage-units.js';
import { type TermVector, termVector } from './smoothing.js';
import { correctQuestion, type SuggestSource, suggestQueries } from './suggest.js';
import { editDistance, normalizeWord, type QueryTerm, queryTerms, termsOf } from './text.js';
import type { ArticleMeta, Passage, SourceText } from './types.js';

export { articleTypos, typoDistance } from './article-match.js';
export { INDEX_DATA_VERSION, type IndexData } from './index-data.js';
export {
  DEFAULT_RANKING,
  type Hit,
  type IndexStats,
  type PassageTokens,
  type PassageVectors,
  PRF_SETTINGS,
  type PrfOptions,
  type RankingOptions,
  type SearchOptions,
  type WeightedTerm,
} from './index-types.js';

/** An immutable searchable snapshot of a corpus. */
export class CorpusIndex {
  readonly articles: readonly ArticleMeta[];
  readonly passages: readonly Passage[];
  readonly stats: IndexStats;
  readonly ranking: Readonly<RankingOptions>;
  /** Sentence vectors of the passages (same order), when a semantic model embedded them. */
  readonly vectors: PassageVectors | undefined;
  /** Document frequency of every index term. */
  readonly #df: Map<string, number>;
  /** Up to three written forms of every index term (first seen first), for readable suggestions. */
  readonly #surface: Map<string, string[]>;

  readonly #head: Map<string, HeadList>;
  /** Number of terms in each passage's text field, and their average (for BM25 rescoring). */
  readonly #textLen: Uint32Array;
  readonly #avgTextLen: number;
  readonly #parts: IndexParts;
  readonly #scorer: LexicalScorer;
  readonly #suggestions: SuggestSource;

  private constructor(
    articles: ArticleMeta[],
    passages: Passage[],
    parts: IndexParts,
    ranking: RankingOptions,
    buildMs: number,
    vectors?: PassageVectors,
  ) {
    if (vectors && vectors.vectors.length !== passages.length) {
      throw new Error(`${vectors.vectors.length} passage vectors for ${passages.length} passages`);
    }
    if (vectors?.units) checkUnits(vectors.units, passages.length);
    this.vectors = vectors
      ? Object.freeze({
          model: vectors.model,
          vectors: Object.freeze([...vectors.vectors]),
          units: vectors.units ?? passageOnlyUnits(vectors.vectors),
        })
      : undefined;
    this.articles = Object.freeze(articles);
    this.passages = Object.freeze(passages);
    this.#df = parts.df;
    this.#surface = parts.surface;
    this.#head = parts.head;
    this.#textLen = parts.textLen;
    this.#avgTextLen = parts.avgTextLen;
    this.#parts = parts;
    this.ranking = Object.freeze(ranking);
    this.stats = Object.freeze({
      articles: articles.length,
      passages: passages.length,
      terms: parts.df.size,
      headTerms: parts.head.size,
      buildMs,
    });
    this.#scorer = new LexicalScorer({
      passages: this.passages,
      ranking: this.ranking,
      ms: parts.ms,
      fieldLength: parts.fieldLength,
      docFreq: (t) => this.docFreq(t),
    });
    this.#suggestions = {
      ms: parts.ms,
      head: parts.head,
      docFreq: (t) => this.docFreq(t),
      surfaceOf: (t, near) => this.surfaceOf(t, near),
    };
  }

  /** Splits and indexes the given articles. Articles are ordered by file name. */
  static build(sources: readonly SourceText[], ranking: Partial<RankingOptions> = {}): CorpusIndex {
    const t0 = performance.now();
    const opts: RankingOptions = { ...DEFAULT_RANKING, ...ranking };
    const { articles, passages, parts } = buildIndex(sources, opts);
    return new CorpusIndex(articles, passages, parts, opts, performance.now() - t0);
  }

  /** The snapshot as plain data (see `fromData`). */
  toData(): IndexData {
    return snapshotToData({
      articles: this.articles,
      passages: this.passages,
      parts: this.#parts,
      ranking: this.ranking,
      buildMs: this.stats.buildMs,
      vectors: this.vectors,
    });
  }

  /** The same snapshot with passage vectors attached (a new instance; this one is unchanged). */
  withVectors(vectors: PassageVectors): CorpusIndex {
    return new CorpusIndex(
      [...this.articles],
      [...this.passages],
      this.#parts,
      { ...this.ranking },
      this.stats.buildMs,
      vectors,
    );
  }

  /** Rebuilds a snapshot from `toData()` output. Throws when the data is not a snapshot of this version. */
  static fromData(data: IndexData): CorpusIndex {
    const s = snapshotFromData(data);
    return new CorpusIndex(s.articles, s.passages, s.parts, s.ranking, s.buildMs, s.vectors);
  }

  /** `fromData`, awaiting `pause` between slices of the read-back (a large snapshot's form). */
  static async fromDataPaced(data: IndexData, pause: () => Promise<void>): Promise<CorpusIndex> {
    const s = await paced(snapshotFromDataSteps(data), pause);
    return new CorpusIndex(s.articles, s.passages, s.parts, s.ranking, s.buildMs, s.vectors);
  }

  /** Lazily built: term → dense id, and each passage's TF-IDF vector (for neighbour smoothing). */
  #termIds: Map<string, number> | undefined;
  readonly #termVectors: (TermVector | undefined)[] = [];

  /** A passage's unit-length TF-IDF term vector (computed on first use, then kept). */
  termVector(id: number): TermVector {
    const cached = this.#termVectors[id];
    if (cached) return cached;
    if (!this.#termIds) this.#termIds = new Map([...this.#df.keys()].map((t, i) => [t, i]));
    const ids = this.#termIds;
    const v = termVector(
      termsOf(this.passages[id]?.text ?? ''),
      (t) => ids.get(t),
      (t) => this.idf(t),
    );
    this.#termVectors[id] = v;
    return v;
  }

  /** Recently used passages' tokens (a bounded cache: highlighting reads the same passages often). */
  readonly #tokens = new TokenCache();

  /**
   * A passage's tokens: start and end offsets in its text and each token's index terms.
   * Kept for the most recently used passages (at most TOKEN_CACHE_SIZE).
   */
  tokensOf(id: number): PassageTokens {
    return this.#tokens.get(id, this.passages[id]?.text ?? '');
  }

  /** Number of passages containing the term. */
  docFreq(term: string): number {
    return this.#df.get(term) ?? 0;
  }

  /** Inverse document frequency of a term (BM25 form); unknown terms get the highest value. */
  idf(term: string): number {
    const n = this.passages.length;
    const df = Math.min(this.docFreq(term), n);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** A written form of an index term: the first seen, or the one closest to `near`. */
  surfaceOf(term: string, near?: string): string {
    const forms = this.#surface.get(term);
    if (!forms || forms.length === 0) return term;
    if (near === undefined || forms.length === 1) return forms[0] as string;
    const target = normalizeWord(near);
    return forms.reduce((best, f) =>
      editDistance(normalizeWord(f), target) < editDistance(normalizeWord(best), target) ? f : best,
    );
  }

  /** Processes a question into weighted query terms. */
  analyze(question: string): (QueryTerm & { weight: number })[] {
    return queryTerms(question).map((q) => ({ ...q, weight: q.primary ? 1 : this.ranking.partWeight }));
  }

  /** Ranks passages for a question. */
  search(question: string, options: SearchOptions = {}): Hit[] {
    const terms = this.analyze(question);
    const prf = this.ranking.prf;
    if (!prf || terms.length === 0) return this.#searchTerms(terms, options);
    const first = this.#searchTerms(terms, { ...options, limit: Math.max(prf.docs, options.limit ?? 10) });
    const expansion = this.expansionTerms(terms, first.slice(0, prf.docs));
    if (expansion.length === 0) return first.slice(0, options.limit ?? 10);
    return this.#searchTerms([...terms, ...expansion], options, new Set(expansion.map((e) => e.term)));
  }

  /**
   * RM3-style feedback terms from the top passages: each term's probability in a
   * passage, weighted by the passage's share of the scores and by the term's IDF,
   * summed; the best `prf.terms` not already in the query, weighted relative to the best one.
   */
  expansionTerms(query: readonly WeightedTerm[], top: readonly Hit[]): WeightedTerm[] {
    const prf = this.ranking.prf;
    if (!prf || top.length < 2) return [];
    const inQuery = new Set(query.map((q) => q.term));
    const total = top.reduce((sum, h) => sum + h.score, 0) || 1;
    const mass = new Map<string, number>();
    for (const h of top) {
      const terms = termsOf(h.passage.text).filter((t) => !t.includes('-') && !/^\d+$/u.test(t));
      if (terms.length === 0) continue;
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      const w = h.score / total;
      for (const [t, n] of tf)
        if (!inQuery.has(t))
          mass.set(t, (mass.get(t) ?? 0) + ((w * n) / terms.length) * (prf.idf ? this.idf(t) : 1));
    }
    const best = [...mass.entries()]
      .filter(([t]) => this.docFreq(t) > 1 && t.length > 2)
      .sort((a, b) => b[1] - a[1])
      .slice(0, prf.terms);
    const top1 = best[0]?.[1] ?? 0;
    return top1 > 0 ? best.map(([term, m]) => ({ term, weight: (prf.weight * m) / top1 })) : [];
  }

  /** Ranks passages for weighted terms, pruning head terms (see head-terms.ts). */
  #searchTerms(terms: WeightedTerm[], options: SearchOptions, expansion?: ReadonlySet<string>): Hit[] {
    if (terms.length === 0) return [];
    const limit = options.limit ?? 10;
    const heads = terms.filter((t) => this.#head.has(t.term));
    if (heads.length === 0) return this.#scorer.rank(terms, options, limit, expansion);
    const rare = terms.filter((t) => !this.#head.has(t.term));
    let base: Hit[];
    if (rare.length > 0) {
      base = this.#scorer.rank(rare, options, Math.max(limit, RESCORE_CANDIDATES), expansion);
    } else {
      const ids = new Set<number>();
      for (const t of heads) for (const id of this.#head.get(t.term)?.ids ?? []) ids.add(id);
      base = [];
      for (const id of ids) {
        const passage = this.passages[id];
        if (passage && (options.file === undefined || passage.origin.file === options.file)) {
          base.push({ passage, score: 0, queryTerms: [], docTerms: [] });
        }
      }
      // An article filter can leave the table's passages out: then score the head terms in full.
      if (base.length === 0) return this.#scorer.rank(terms, options, limit, expansion);
    }
    const n = this.passages.length;
    const { bm25: params, boost } = this.ranking;
    for (const hit of base.slice(0, RESCORE_CANDIDATES)) {
      const counts = new Map<string, number>();
      for (const term of termsOf(hit.passage.text))
        if (this.#head.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const t of heads) {
        const tf = counts.get(t.term);
        if (!tf) continue;
        const len = this.#textLen[hit.passage.id] ?? 0;
        hit.score += bm25(tf, this.docFreq(t.term), n, len, this.#avgTextLen, params) * boost.text * t.weight;
        if (!expansion?.has(t.term)) {
          hit.queryTerms = [...hit.queryTerms, t.term];
          hit.docTerms = [...hit.docTerms, t.term];
        }
      }
    }
    return base.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /**
   * Each query term's share of a passage's score (for explanations): the score the
   * passage gets for that term alone, with the same options.
   */
  scoreParts(question: string, passageId: number): { term: string; score: number }[] {
    const parts: { term: string; score: number }[] = [];
    for (const t of this.analyze(question)) {
      const hit = this.#searchTerms([t], { limit: this.passages.length }).find(
        (h) => h.passage.id === passageId,
      );
      if (hit) parts.push({ term: t.term, score: Math.round(hit.score * 1000) / 1000 });
    }
    return parts;
  }

  /**
   * Query suggestions for a partial question (autocomplete and "did you mean"),
   * written in the corpus's own words.
   */
  suggest(question: string, limit = 5): string[] {
    return suggestQueries(this.#suggestions, question, limit);
  }

  /** The question with each word unknown to the corpus replaced by its nearest known word, or undefined. */
  correct(question: string): string | undefined {
    return correctQuestion(this.#suggestions, question);
  }

  /**
   * Finds the article a user named (`/sources NAME`, `--article NAME`): the best of
   * `searchArticles`, or undefined when nothing matches well enough.
   */
  findArticle(name: string): ArticleMeta | undefined {
    return this.searchArticles(name, 1)[0];
  }

  /**
   * Articles matching what a user typed, best first (for lookup and autocomplete). Tiers, in
   * order: the exact file or title (case-insensitive, the file also without its extension);
   * a prefix of the title or file; every typed word starting a word of the title or file
   * name (without extension); a substring of at least MIN_SUBSTRING characters; then small typos (every typed word within `articleTypos` edits of a
   * word of the title or file name, or of a word's beginning for typed words of 5+ letters;
   * a swap of two neighbouring letters is one edit).
   * Within a tier, fewer edits first, then the articles' own order (by file). Nonsense
   * matches nothing: an empty list, never an arbitrary article.
   */
  searchArticles(query: string, limit = 10): ArticleMeta[] {
    return rankArticles(this.articles, query, limit).map((r) => r.a);
  }

  /**
   * What a typed article name resolves to: the best match, and every article that matches it
   * exactly as well when that is more than one and none is the exact name ("open" in two
   * titles): a caller should ask for more of the title rather than pick one silently.
   */
  matchArticle(query: string): { best?: ArticleMeta; tied: ArticleMeta[] } {
    const ranked = rankArticles(this.articles, query, this.articles.length);
    const first = ranked[0];
    if (!first) return { tied: [] };
    const tied = ranked.filter((r) => r.tier === first.tier && r.edits === first.edits);
    return { best: first.a, tied: first.tier <= 1 || tied.length < 2 ? [] : tied.map((r) => r.a) };
  }

  /** Passage by id. */
  passage(id: number): Passage | undefined {
    return this.passages[id];
  }
}
