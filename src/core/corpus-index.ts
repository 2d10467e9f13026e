/**
 * An immutable, searchable snapshot of the corpus: the passages, their articles,
 * and a MiniSearch index over them. A new corpus means a new snapshot; a snapshot
 * never changes after it is built, so readers need no locks.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { bm25, HEAD_TOP, type HeadList, headLimit, RESCORE_CANDIDATES, TopK } from './head-terms.js';
import {
  indexFromPostings,
  type PackedIndex,
  type Postings,
  packIndex,
  unpackIndex,
} from './minisearch-pack.js';
import { type PackedPassages, packPassages, unpackPassages } from './passage-pack.js';
import { checkUnits, passageOnlyUnits, passageVectorsOf, type UnitVectors } from './passage-units.js';
import { type TermVector, termVector } from './smoothing.js';
import { splitArticle } from './split.js';
import {
  editDistance,
  normalizeWord,
  type QueryTerm,
  queryTerms,
  termsOf,
  termsOfToken,
  tokenTexts,
  tokenize,
  visibleForm,
} from './text.js';
import type { ArticleMeta, Passage, SourceText } from './types.js';

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

export interface SearchOptions {
  /** How many hits to return (default 10). */
  limit?: number;
  /** Restrict to one article, by its file. */
  file?: string;
}

interface IndexedDoc {
  id: number;
  text: string;
  context: string;
  section: string;
  title: string;
}

/** How passages are indexed; loading a saved index needs the same options. */
const MINISEARCH_OPTIONS = {
  fields: ['text', 'context', 'section', 'title'],
  storeFields: [] as string[],
  tokenize: (text: string, _field?: string) => tokenize(text).map((t) => t.text),
  processTerm: (term: string) => termsOfToken(term),
};

/** Version of the saved-index layout; bump when the pipeline or the data changes shape. */
export const INDEX_DATA_VERSION = 10;

/** A snapshot as plain data, for saving (structured-clone safe: no functions, no class instances). */
export interface IndexData {
  version: number;
  articles: ArticleMeta[];
  passages: PackedPassages;
  /** Every index term, joined by "\n", with its document frequency and written forms (joined by "\u0001"; terms by "\n"). */
  terms: string;
  df: Uint32Array;
  surface: string;
  head: [string, Int32Array, Float32Array][];
  headCounts: HeadCounts;
  textLen: Uint32Array;
  avgTextLen: number;
  minisearch: PackedIndex;
  ranking: RankingOptions;
  buildMs: number;
  vectors?: { model: string; units: UnitVectors };
}

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

/** Passage vectors rebuilt from saved units: each passage's own vector is a view of its row. */
function vectorsFromUnits(model: string, units: UnitVectors, passages: number): PassageVectors {
  checkUnits(units, passages);
  return { model, vectors: passageVectorsOf(units, passages), units };
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

/** The searchable structures of a snapshot. */
interface Internals {
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

/** Rebuilds the document-frequency and written-form maps of a saved index. */
function termMaps(data: IndexData): { df: Map<string, number>; surface: Map<string, string[]> } {
  const terms = data.terms ? data.terms.split('\n') : [];
  const forms = data.surface ? data.surface.split('\n') : [];
  if (terms.length !== data.df.length || forms.length !== terms.length) {
    throw new Error('saved index: term tables disagree');
  }
  const df = new Map<string, number>();
  const surface = new Map<string, string[]>();
  terms.forEach((t, i) => {
    df.set(t, data.df[i] as number);
    const f = forms[i];
    if (f) surface.set(t, f.split('\u0001'));
  });
  return { df, surface };
}

/** Each head term's best passages by its text-field BM25+ score. */
function headLists(
  textTerms: string[][],
  df: ReadonlyMap<string, number>,
  textLen: Uint32Array,
  avgTextLen: number,
  opts: RankingOptions,
): { head: Map<string, HeadList>; headCounts: HeadCounts } {
  const n = textTerms.length;
  const limit = headLimit(n);
  const tops = new Map<string, TopK>();
  const termIds = new Map<string, number>();
  for (const [term, f] of df) {
    if (f > limit) {
      termIds.set(term, termIds.size);
      tops.set(term, new TopK(HEAD_TOP));
    }
  }
  const offsets = new Uint32Array(n + 1);
  const ids: number[] = [];
  const tfs: number[] = [];
  textTerms.forEach((terms, id) => {
    const tf = new Map<string, number>();
    if (tops.size > 0) for (const t of terms) if (tops.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, count] of tf) {
      const score = bm25(count, df.get(t) ?? 1, n, textLen[id] ?? 0, avgTextLen, opts.bm25) * opts.boost.text;
      tops.get(t)?.push(id, score);
      ids.push(termIds.get(t) as number);
      tfs.push(Math.min(count, 65535));
    }
    offsets[id + 1] = ids.length;
  });
  return {
    head: new Map([...tops].map(([t, top]) => [t, top.toList()])),
    headCounts: {
      terms: [...termIds.keys()],
      offsets,
      termIds: Uint32Array.from(ids),
      tfs: Uint16Array.from(tfs),
    },
  };
}

/** A passage's tokens: offsets in its text and each token's index terms (shared, read-only arrays). */
export interface PassageTokens {
  starts: Uint32Array;
  ends: Uint32Array;
  terms: readonly (readonly string[])[];
}

/** How many passages' tokens are kept (about 3 KB each). */
const TOKEN_CACHE_SIZE = 4096;

/** What the build gathers about one term. */
interface TermEntry {
  /** Passages containing it (any field). */
  df: number;
  /** The last passage counted in df. */
  lastDoc: number;
  /** Occurrences in the field being read. */
  count: number;
  /** Up to three written forms, first seen first. */
  forms: string[];
  /** Per field id: passage → term frequency. */
  postings: (Map<number, number> | undefined)[];
}

/** Per passage, how often each head term occurs in its text (for rescoring without re-reading the text). */
interface HeadCounts {
  terms: string[];
  offsets: Uint32Array;
  termIds: Uint32Array;
  tfs: Uint16Array;
}

/** MiniSearch's posting data of one term: field id → passage → term frequency. */
type PostingData = Map<number, Map<number, number>>;

/** The parts of MiniSearch's vocabulary tree the scorer reads. */
interface PostingTree {
  get(term: string): PostingData | undefined;
  fuzzyGet(term: string, distance: number): Map<string, [PostingData, number]>;
}

/** MiniSearch's default weight of fuzzy matches. */
const FUZZY_WEIGHT = 0.45;

/** Edit distance allowed for a term: one edit from `fuzzyMinLength` characters, two from 7. */
function fuzzyDistance(length: number, fraction: number): number {
  return Math.max(1, Math.min(2, Math.floor(length * fraction + 0.6)));
}

/** An immutable searchable snapshot of a corpus. */
export class CorpusIndex {
  readonly articles: readonly ArticleMeta[];
  readonly passages: readonly Passage[];
  readonly stats: IndexStats;
  readonly ranking: Readonly<RankingOptions>;
  /** Sentence vectors of the passages (same order), when a semantic model embedded them. */
  readonly vectors: PassageVectors | undefined;
  readonly #ms: MiniSearch<IndexedDoc>;
  /** Document frequency of every index term. */
  readonly #df: Map<string, number>;
  /** Up to three written forms of every index term (first seen first), for readable suggestions. */
  readonly #surface: Map<string, string[]>;

  readonly #head: Map<string, HeadList>;
  /** Number of terms in each passage's text field, and their average (for BM25 rescoring). */
  readonly #textLen: Uint32Array;
  readonly #avgTextLen: number;

  private constructor(
    articles: ArticleMeta[],
    passages: Passage[],
    internals: Internals,
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
    this.#ms = internals.ms;
    this.#df = internals.df;
    this.#surface = internals.surface;
    this.#head = internals.head;
    this.#textLen = internals.textLen;
    this.#avgTextLen = internals.avgTextLen;
    this.#internals = internals;
    this.ranking = Object.freeze(ranking);
    this.stats = Object.freeze({
      articles: articles.length,
      passages: passages.length,
      terms: internals.df.size,
      headTerms: internals.head.size,
      buildMs,
    });
  }

  readonly #internals: Internals;

  /** Splits and indexes the given articles. Articles are ordered by file name. */
  static build(sources: readonly SourceText[], ranking: Partial<RankingOptions> = {}): CorpusIndex {
    const t0 = performance.now();
    const opts: RankingOptions = { ...DEFAULT_RANKING, ...ranking };
    const articles: ArticleMeta[] = [];
    const passages: Passage[] = [];
    const sorted = [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    for (const src of sorted) {
      const { meta, passages: drafts } = splitArticle(src);
      articles.push(meta);
      for (const d of drafts) passages.push({ id: passages.length, ...d });
    }

    // One tokenization pass: each field's terms feed the postings of the MiniSearch index,
    // document frequencies, text lengths and the surface forms used for readable suggestions.
    const fields = MINISEARCH_OPTIONS.fields;
    const nFields = fields.length;
    const entries = new Map<string, TermEntry>();
    const fieldLength = new Uint32Array(passages.length * nFields);
    const textLen = new Uint32Array(passages.length);
    const textTerms: string[][] = [];
    const touched: TermEntry[] = [];
    for (const p of passages) {
      const values = [p.text, p.context ?? '', p.origin.section, p.origin.title];
      for (let f = 0; f < nFields; f++) {
        const value = values[f] as string;
        const fieldTerms: string[] = [];
        touched.length = 0;
        for (const tok of value ? tokenTexts(value) : []) {
          for (const term of termsOfToken(tok)) {
            fieldTerms.push(term);
            let e = entries.get(term);
            if (!e) {
              e = { df: 0, lastDoc: -1, count: 0, forms: [visibleForm(tok)], postings: [] };
              entries.set(term, e);
            } else if (e.forms.length < 3) {
              const form = visibleForm(tok);
              if (!e.forms.includes(form)) e.forms.push(form);
            }
            if (e.count === 0) touched.push(e);
            e.count++;
          }
        }
        fieldLength[p.id * nFields + f] = touched.length;
        for (const e of touched) {
          let docs = e.postings[f];
          if (!docs) {
            docs = new Map();
            e.postings[f] = docs;
          }
          docs.set(p.id, e.count);
          e.count = 0;
          if (e.lastDoc !== p.id) {
            e.lastDoc = p.id;
            e.df++;
          }
        }
        if (f === 0) {
          textLen[p.id] = fieldTerms.length;
          textTerms.push(fieldTerms);
        }
      }
    }
    const postings: Postings = new Map();
    const df = new Map<string, number>();
    const surface = new Map<string, string[]>();
    for (const [term, e] of entries) {
      const byField = new Map<number, Map<number, number>>();
      e.postings.forEach((docs, f) => {
        if (docs) byField.set(f, docs);
      });
      postings.set(term, byField);
      df.set(term, e.df);
      surface.set(term, e.forms);
    }
    const ms = indexFromPostings<IndexedDoc>(fields, fieldLength, postings, MINISEARCH_OPTIONS);
    const avgTextLen = textLen.reduce((a, b) => a + b, 0) / Math.max(1, passages.length) || 1;
    const { head, headCounts } = headLists(textTerms, df, textLen, avgTextLen, opts);
    return new CorpusIndex(
      articles,
      passages,
      { ms, fieldLength, df, surface, head, headCounts, textLen, avgTextLen },
      opts,
      performance.now() - t0,
    );
  }

  /** The snapshot as plain data (see `fromData`). */
  toData(): IndexData {
    return {
      version: INDEX_DATA_VERSION,
      articles: [...this.articles],
      passages: packPassages(this.passages),
      terms: [...this.#df.keys()].join('\n'),
      df: Uint32Array.from(this.#df.values()),
      surface: [...this.#df.keys()].map((t) => (this.#surface.get(t) ?? []).join('\u0001')).join('\n'),
      head: [...this.#head].map(([term, l]) => [term, l.ids, l.scores]),
      headCounts: this.#internals.headCounts,
      textLen: this.#textLen,
      avgTextLen: this.#avgTextLen,
      minisearch: packIndex(this.#ms as MiniSearch<unknown>),
      ranking: { ...this.ranking },
      buildMs: this.stats.buildMs,
      ...(this.vectors?.units ? { vectors: { model: this.vectors.model, units: this.vectors.units } } : {}),
    };
  }

  /** The same snapshot with passage vectors attached (a new instance; this one is unchanged). */
  withVectors(vectors: PassageVectors): CorpusIndex {
    return new CorpusIndex(
      [...this.articles],
      [...this.passages],
      this.#internals,
      { ...this.ranking },
      this.stats.buildMs,
      vectors,
    );
  }

  /** Rebuilds a snapshot from `toData()` output. Throws when the data is not a snapshot of this version. */
  static fromData(data: IndexData): CorpusIndex {
    if (!data || data.version !== INDEX_DATA_VERSION) {
      throw new Error(
        `saved index has layout version ${String(data?.version)}; expected ${INDEX_DATA_VERSION}`,
      );
    }
    if (!data.passages || !Array.isArray(data.articles) || !data.minisearch) {
      throw new Error('saved index is missing passages, articles or the search index');
    }
    const ms = unpackIndex<IndexedDoc>(data.minisearch, MINISEARCH_OPTIONS);
    const passages = unpackPassages(data.passages);
    if (ms.documentCount !== passages.length) {
      throw new Error(`saved index holds ${ms.documentCount} documents for ${passages.length} passages`);
    }
    return new CorpusIndex(
      data.articles,
      passages,
      {
        ms,
        fieldLength: data.minisearch.fieldLength,
        ...termMaps(data),
        head: new Map(data.head.map(([term, ids, scores]) => [term, { ids, scores }])),
        headCounts: data.headCounts,
        textLen: data.textLen,
        avgTextLen: data.avgTextLen,
      },
      { ...DEFAULT_RANKING, ...data.ranking },
      data.buildMs,
      data.vectors ? vectorsFromUnits(data.vectors.model, data.vectors.units, passages.length) : undefined,
    );
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
  readonly #tokenCache = new Map<number, PassageTokens>();

  /**
   * A passage's tokens: start and end offsets in its text and each token's index terms.
   * Kept for the most recently used passages (at most TOKEN_CACHE_SIZE).
   */
  tokensOf(id: number): PassageTokens {
    const cached = this.#tokenCache.get(id);
    if (cached) {
      this.#tokenCache.delete(id);
      this.#tokenCache.set(id, cached);
      return cached;
    }
    const text = this.passages[id]?.text ?? '';
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
    const tokens = { starts, ends, terms };
    if (this.#tokenCache.size >= TOKEN_CACHE_SIZE) {
      const oldest = this.#tokenCache.keys().next().value;
      if (oldest !== undefined) this.#tokenCache.delete(oldest);
    }
    this.#tokenCache.set(id, tokens);
    return tokens;
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
    if (heads.length === 0) return this.#lexical(terms, options, limit, expansion);
    const rare = terms.filter((t) => !this.#head.has(t.term));
    let base: Hit[];
    if (rare.length > 0) {
      base = this.#lexical(rare, options, Math.max(limit, RESCORE_CANDIDATES), expansion);
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
      if (base.length === 0) return this.#lexical(terms, options, limit, expansion);
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

  /** Scratch accumulators for `#score` (searches are synchronous, so one set per snapshot suffices). */
  #scratch: { score: Float64Array; mask: Uint32Array; order: Int32Array } | undefined;

  /** The lexical ranking: our scorer over MiniSearch's postings, or MiniSearch's own search as a fallback. */
  #lexical(
    terms: WeightedTerm[],
    options: SearchOptions,
    limit: number,
    expansion?: ReadonlySet<string>,
  ): Hit[] {
    const tree = (this.#ms as unknown as { _index?: PostingTree })._index;
    if (terms.length > 32 || typeof tree?.get !== 'function' || typeof tree.fuzzyGet !== 'function') {
      return this.#miniSearch(terms, options, limit, expansion);
    }
    return this.#score(tree, terms, options, limit, expansion);
  }

  /**
   * MiniSearch's BM25+ ranking computed directly from its postings, into reused typed
   * arrays: the same scores, fuzzy weights and field boosts as `MiniSearch#search`
   * (a test checks they agree), without its per-posting result objects.
   */
  #score(
    tree: PostingTree,
    terms: WeightedTerm[],
    options: SearchOptions,
    limit: number,
    expansion?: ReadonlySet<string>,
  ): Hit[] {
    if (terms.length === 0) return [];
    const n = this.passages.length;
    if (!this.#scratch || this.#scratch.score.length < n) {
      this.#scratch = { score: new Float64Array(n), mask: new Uint32Array(n), order: new Int32Array(n) };
    }
    const { score, mask, order } = this.#scratch;
    const { boost, bm25: params, fuzzy, fuzzyMinLength, fuzzyUnknownOnly } = this.ranking;
    const fields = MINISEARCH_OPTIONS.fields;
    const nFields = fields.length;
    const boosts = fields.map((f) => boost[f as keyof RankingOptions['boost']] || 1);
    const avg = (this.#ms as unknown as { _avgFieldLength: number[] })._avgFieldLength;
    const total = this.#ms.documentCount;
    const lengths = this.#internals.fieldLength;
    let touched = 0;
    /** Every posting list a query term matched (exact or fuzzy), to name the matched document terms. */
    const matched: { q: number; term: string; data: PostingData }[] = [];
    const add = (q: number, data: PostingData, weight: number) => {
      const bit = 1 << q;
      for (let f = 0; f < nFields; f++) {
        const docs = data.get(f);
        if (!docs) continue;
        const df = docs.size;
        const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
        const w = weight * (boosts[f] as number) * idf;
        const avgLen = avg[f] || 1;
        // forEach, not for…of: no [key, value] array per posting.
        docs.forEach((tf, doc) => {
          const len = lengths[doc * nFields + f] as number;
          const s =
            w *
            (params.d + (tf * (params.k + 1)) / (tf + params.k * (1 - params.b + (params.b * len) / avgLen)));
          if (mask[doc] === 0) order[touched++] = doc;
          score[doc] = (score[doc] as number) + s;
          mask[doc] = (mask[doc] as number) | bit;
        });
      }
    };
    terms.forEach((t, q) => {
      const data = tree.get(t.term);
      if (data) {
        add(q, data, t.weight);
        matched.push({ q, term: t.term, data });
      }
      const fuzzyOk =
        t.term.length >= fuzzyMinLength &&
        !/\d/u.test(t.term) &&
        !expansion?.has(t.term) &&
        (!fuzzyUnknownOnly || this.docFreq(t.term) === 0);
      if (!fuzzyOk) return;
      for (const [term, [fdata, distance]] of tree.fuzzyGet(t.term, fuzzyDistance(t.term.length, fuzzy))) {
        if (!distance) continue;
        add(q, fdata, t.weight * FUZZY_WEIGHT * (term.length / (term.length + distance)));
        matched.push({ q, term, data: fdata });
      }
    });
    const hits: Hit[] = [];
    const file = options.file;
    // Final scores, ordered as MiniSearch orders ties (raw score × terms matched, then first
    // seen); a candidate is its position in `order`. Reading a passage clears its scratch slots.
    const finals = new Float64Array(touched);
    const raws = new Float64Array(touched);
    const kept: number[] = [];
    for (let k = 0; k < touched; k++) {
      const doc = order[k] as number;
      const m = mask[doc] as number;
      let count = 0;
      for (let bits = m; bits !== 0; bits &= bits - 1) count++;
      const raw = (score[doc] as number) * count;
      score[doc] = 0;
      mask[doc] = 0;
      if (file !== undefined && this.passages[doc]?.origin.file !== file) continue;
      raws[k] = raw;
      finals[k] = raw / Math.max(1, count) ** (1 - this.ranking.coordination);
      kept.push(k);
    }
    kept.sort(
      (a, b) =>
        (finals[b] as number) - (finals[a] as number) || (raws[b] as number) - (raws[a] as number) || a - b,
    );
    for (const k of kept.slice(0, limit)) {
      const doc = order[k] as number;
      const passage = this.passages[doc];
      if (!passage) continue;
      const queryTerms: string[] = [];
      const docTerms: string[] = [];
      const found = matched.filter((m) => {
        for (const docs of m.data.values()) if (docs.has(doc)) return true;
        return false;
      });
      for (const m of found) {
        const source = (terms[m.q] as WeightedTerm).term;
        if (!expansion?.has(source) && !queryTerms.includes(source)) queryTerms.push(source);
      }
      // The document terms that matched, without feedback terms (unless the question has them too).
      for (const m of found) {
        if ((!expansion?.has(m.term) || queryTerms.includes(m.term)) && !docTerms.includes(m.term)) {
          docTerms.push(m.term);
        }
      }
      hits.push({ passage, score: finals[k] as number, queryTerms, docTerms });
    }
    return hits;
  }

  /** MiniSearch's ranking for weighted terms (every posting of every term is scored). */
  #miniSearch(
    terms: WeightedTerm[],
    options: SearchOptions,
    limit: number,
    expansion?: ReadonlySet<string>,
  ): Hit[] {
    if (terms.length === 0) return [];
    const weights = new Map(terms.map((t) => [t.term, t.weight]));
    const { fuzzy, fuzzyMinLength, fuzzyUnknownOnly } = this.ranking;
    const results = this.#ms.search(terms.map((t) => t.term).join(' '), {
      tokenize: (s) => s.split(' '),
      processTerm: (t) => t,
      boost: { ...this.ranking.boost },
      bm25: { ...this.ranking.bm25 },
      boostTerm: (term) => weights.get(term) ?? 1,
      fuzzy: (term) =>
        term.length >= fuzzyMinLength &&
        !/\d/u.test(term) &&
        !expansion?.has(term) &&
        (!fuzzyUnknownOnly || this.docFreq(term) === 0)
          ? fuzzyDistance(term.length, fuzzy)
          : false,
      prefix: false,
      combineWith: 'OR',
      ...(options.file !== undefined
        ? { filter: (r: SearchResult) => this.passages[r.id as number]?.origin.file === options.file }
        : {}),
    });
    const hits: Hit[] = [];
    for (const r of results) {
      const passage = this.passages[r.id as number];
      if (!passage) continue;
      const score =
        this.ranking.coordination === 1
          ? r.score
          : r.score / Math.max(1, r.queryTerms.length) ** (1 - this.ranking.coordination);
      const own = expansion ? r.queryTerms.filter((t) => !expansion.has(t)) : r.queryTerms;
      const docTerms = expansion ? r.terms.filter((t) => !expansion.has(t) || own.includes(t)) : r.terms;
      hits.push({ passage, score, queryTerms: own, docTerms });
    }
    if (this.ranking.coordination !== 1) hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, limit);
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
    const q = question.trim();
    if (!q) return [];
    const out: string[] = [];
    const seen = new Set<string>();
    const push = (s: string) => {
      const key = s.toLowerCase();
      if (s && !seen.has(key) && key !== q.toLowerCase()) {
        seen.add(key);
        out.push(s);
      }
    };
    // 1. The question with its unknown words replaced by the nearest known ones.
    const corrected = this.correct(q);
    if (corrected) push(corrected);
    // 2. MiniSearch's own suggestions, in surface form: from the question's known words that
    //    are not head terms (typos are handled by step 1), the last one completed as a prefix.
    const words = [...new Set(termsOf(q))].filter((t) => !this.#head.has(t));
    const suggestions = words.length
      ? this.#ms.autoSuggest(words.join(' '), {
          tokenize: (s) => s.split(' '),
          processTerm: (t) => t,
          fuzzy: false,
          prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
        })
      : [];
    for (const s of suggestions.slice(0, limit * 2)) {
      // One written word can stand for several index terms ("RISC-V": risc-v, risc, v): say it once.
      const forms = s.terms.map((t) => this.surfaceOf(t)).filter((f, i, all) => f !== all[i - 1]);
      push(forms.join(' '));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  /** The question with each word unknown to the corpus replaced by its nearest known word, or undefined. */
  correct(question: string): string | undefined {
    let changed = false;
    const text = question.replace(/[\p{L}\p{N}]+(?:['’&.-][\p{L}\p{N}]+)*/gu, (word) => {
      const terms = termsOfToken(word);
      if (terms.length === 0 || terms.some((t) => this.docFreq(t) > 0)) return word;
      const term = terms[0] as string;
      if (term.length < 4) return word;
      const maxEdits = word.length >= 7 ? 2 : 1;
      const lower = normalizeWord(word);
      const candidates = this.#nearTerms(term, maxEdits)
        .map((t) => ({ form: this.surfaceOf(t, word), df: this.docFreq(t) }))
        .map((c) => ({ ...c, d: editDistance(normalizeWord(c.form), lower) }))
        .filter((c) => c.d <= maxEdits)
        .sort((a, b) => a.d - b.d || b.df - a.df);
      const form = candidates[0]?.form;
      // Follow the user's case unless the word has inner capitals ("nanoGPT", "PyTorch").
      const best = form && !/.\p{Lu}/u.test(form) && word === word.toLowerCase() ? form.toLowerCase() : form;
      if (!best) return word;
      changed = true;
      return best;
    });
    return changed ? text : undefined;
  }

  /**
   * Index terms within `distance` edits of `term`. Uses the index's vocabulary tree
   * directly (no scoring); falls back to MiniSearch's public autoSuggest.
   */
  #nearTerms(term: string, distance: number): string[] {
    const tree = (
      this.#ms as unknown as { _index?: { fuzzyGet?: (k: string, d: number) => Map<string, unknown> } }
    )._index;
    if (typeof tree?.fuzzyGet === 'function') return [...tree.fuzzyGet(term, distance).keys()];
    return this.#ms
      .autoSuggest(term, { tokenize: (s) => [s], processTerm: (t) => t, fuzzy: distance, prefix: false })
      .flatMap((s) => s.terms);
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
    return this.#rankArticles(query, limit).map((r) => r.a);
  }

  /**
   * What a typed article name resolves to: the best match, and every article that matches it
   * exactly as well when that is more than one and none is the exact name ("open" in two
   * titles): a caller should ask for more of the title rather than pick one silently.
   */
  matchArticle(query: string): { best?: ArticleMeta; tied: ArticleMeta[] } {
    const ranked = this.#rankArticles(query, this.articles.length);
    const first = ranked[0];
    if (!first) return { tied: [] };
    const tied = ranked.filter((r) => r.tier === first.tier && r.edits === first.edits);
    return { best: first.a, tied: first.tier <= 1 || tied.length < 2 ? [] : tied.map((r) => r.a) };
  }

  #rankArticles(query: string, limit: number): { a: ArticleMeta; tier: number; edits: number }[] {
    const q = normalizeName(query);
    if (!q || limit <= 0) return [];
    const typed = nameWords(q);
    const ranked: { a: ArticleMeta; tier: number; edits: number; order: number }[] = [];
    this.articles.forEach((a, order) => {
      const title = normalizeName(a.title);
      const file = normalizeName(a.file);
      const stem = file.replace(/\.[^./]+$/u, '');
      let tier = -1;
      let edits = 0;
      if (a.file === query.trim() || a.title === query.trim()) tier = 0;
      else if (q === title || q === file || q === stem) tier = 1;
      else if (title.startsWith(q) || file.startsWith(q)) tier = 2;
      else {
        // Past the prefix, the file's extension is no part of its name ("x" is not in "a.txt").
        const words = [...nameWords(title), ...nameWords(stem)];
        if (typed.length > 0 && typed.every((t) => words.some((w) => w.startsWith(t)))) tier = 3;
        else if (q.length >= MIN_SUBSTRING && (title.includes(q) || stem.includes(q))) tier = 4;
        else {
          const e = typoEdits(typed, words);
          if (e !== undefined) {
            tier = 5;
            edits = e;
          }
        }
      }
      if (tier >= 0) ranked.push({ a, tier, edits, order });
    });
    ranked.sort((x, y) => x.tier - y.tier || x.edits - y.edits || x.order - y.order);
    return ranked.slice(0, limit);
  }
  /** Passage by id. */
  passage(id: number): Passage | undefined {
    return this.passages[id];
  }
}

/** Shortest typed text matched inside an article's name (shorter ones must start a word). */
const MIN_SUBSTRING = 3;

/** Most edits a typed word of an article name may be off by: 1 from 4 letters, 2 from 8. */
export function articleTypos(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/** An article name or query as compared: normalised, spaces collapsed. */
function normalizeName(s: string): string {
  return normalizeWord(s).replace(/\s+/gu, ' ').trim();
}

/** The words of a name: runs of letters and digits. */
function nameWords(s: string): string[] {
  return s.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Total edits when every typed word is a small typo of a name word or (5+ letters) of a
 * name word's beginning (the typed length, ±1); undefined when some word is not. Words shorter than 4
 * letters must start a name word exactly, and at least one typed word must be 4+ letters.
 */
function typoEdits(typed: readonly string[], words: readonly string[]): number | undefined {
  if (!typed.some((t) => t.length >= 4)) return undefined;
  let total = 0;
  for (const t of typed) {
    const max = articleTypos(t.length);
    let best = Infinity;
    for (const w of words) {
      if (w.startsWith(t)) {
        best = 0;
        break;
      }
      if (max === 0) continue;
      const lengths = t.length >= 5 ? [w.length, t.length - 1, t.length, t.length + 1] : [w.length];
      for (const len of lengths) {
        if (len < 1 || len > w.length) continue;
        const d = typoDistance(t, w.slice(0, len));
        if (d < best) best = d;
      }
    }
    if (best > max) return undefined;
    total += best;
  }
  return total;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
export function typoDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (rows[i - 1]?.[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (rows[i - 1]?.[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
