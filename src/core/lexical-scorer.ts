/**
 * The lexical ranking: MiniSearch's BM25+ scores computed straight from its postings (the
 * same scores, fuzzy weights and field boosts as `MiniSearch#search`, without its result
 * objects), with MiniSearch's own search for queries of more than 32 terms.
 */
import type MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import {
  type Hit,
  type IndexedDoc,
  MINISEARCH_OPTIONS,
  type RankingOptions,
  type SearchOptions,
  type WeightedTerm,
} from './index-types.js';
import {
  averageFieldLengths,
  type PostingData,
  type PostingTree,
  postingTree,
} from './minisearch-internals.js';
import { PackedDocs } from './packed-postings.js';
import type { Passage } from './types.js';

/** MiniSearch's default weight of fuzzy matches. */
const FUZZY_WEIGHT = 0.45;

/** Edit distance allowed for a term: one edit from `fuzzyMinLength` characters, two from 7. */
function fuzzyDistance(length: number, fraction: number): number {
  return Math.max(1, Math.min(2, Math.floor(length * fraction + 0.6)));
}

/** What the scorer reads of a snapshot. */
export interface ScorerSource {
  readonly passages: readonly Passage[];
  readonly ranking: Readonly<RankingOptions>;
  readonly ms: MiniSearch<IndexedDoc>;
  /** Distinct terms per passage and field (passage × fields, row-major), as MiniSearch counts them. */
  readonly fieldLength: Uint32Array;
  docFreq(term: string): number;
}

/** Ranks passages for weighted terms over one snapshot's index (one per snapshot: it keeps scratch arrays). */
export class LexicalScorer {
  readonly #source: ScorerSource;
  readonly #tree: PostingTree;
  readonly #avg: readonly number[];

  /** Throws MiniSearchLayoutError when the index's private layout is not the one the scorer reads. */
  constructor(source: ScorerSource) {
    this.#source = source;
    this.#tree = postingTree(source.ms);
    this.#avg = averageFieldLengths(source.ms);
  }

  /** Scratch accumulators for `#score` (searches are synchronous, so one set per snapshot suffices). */
  #scratch: { score: Float64Array; mask: Uint32Array; order: Int32Array } | undefined;

  /** The best `limit` passages for the terms: our scorer, or MiniSearch's own search past 32 terms. */
  rank(terms: WeightedTerm[], options: SearchOptions, limit: number, expansion?: ReadonlySet<string>): Hit[] {
    if (terms.length > 32) return this.#miniSearch(terms, options, limit, expansion);
    return this.#score(terms, options, limit, expansion);
  }

  /**
   * MiniSearch's BM25+ ranking computed directly from its postings, into reused typed
   * arrays: the same scores, fuzzy weights and field boosts as `MiniSearch#search`
   * (a test checks they agree), without its per-posting result objects.
   */
  #score(
    terms: WeightedTerm[],
    options: SearchOptions,
    limit: number,
    expansion?: ReadonlySet<string>,
  ): Hit[] {
    if (terms.length === 0) return [];
    const n = this.#source.passages.length;
    if (!this.#scratch || this.#scratch.score.length < n) {
      this.#scratch = { score: new Float64Array(n), mask: new Uint32Array(n), order: new Int32Array(n) };
    }
    const { score, mask, order } = this.#scratch;
    const { boost, bm25: params, fuzzy, fuzzyMinLength, fuzzyUnknownOnly } = this.#source.ranking;
    const fields = MINISEARCH_OPTIONS.fields;
    const nFields = fields.length;
    const boosts = fields.map((f) => boost[f as keyof RankingOptions['boost']] || 1);
    const avg = this.#avg;
    const total = this.#source.ms.documentCount;
    const lengths = this.#source.fieldLength;
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
        const post = (tf: number, doc: number) => {
          const len = lengths[doc * nFields + f] as number;
          const s =
            w *
            (params.d + (tf * (params.k + 1)) / (tf + params.k * (1 - params.b + (params.b * len) / avgLen)));
          if (mask[doc] === 0) order[touched++] = doc;
          score[doc] = (score[doc] as number) + s;
          mask[doc] = (mask[doc] as number) | bit;
        };
        // A loaded snapshot's lists are read from its arrays; forEach, not for…of, for the others.
        const packed = docs instanceof PackedDocs ? docs.packed : undefined;
        if (packed) {
          const { docs: ids, freqs, to } = packed;
          for (let p = packed.from; p < to; p++) post(freqs[p] as number, ids[p] as number);
        } else {
          docs.forEach(post);
        }
      }
    };
    terms.forEach((t, q) => {
      const data = this.#tree.get(t.term);
      if (data) {
        add(q, data, t.weight);
        matched.push({ q, term: t.term, data });
      }
      const fuzzyOk =
        t.term.length >= fuzzyMinLength &&
        !/\d/u.test(t.term) &&
        !expansion?.has(t.term) &&
        (!fuzzyUnknownOnly || this.#source.docFreq(t.term) === 0);
      if (!fuzzyOk) return;
      for (const [term, [fdata, distance]] of this.#tree.fuzzyGet(
        t.term,
        fuzzyDistance(t.term.length, fuzzy),
      )) {
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
      if (file !== undefined && this.#source.passages[doc]?.origin.file !== file) continue;
      raws[k] = raw;
      finals[k] = raw / Math.max(1, count) ** (1 - this.#source.ranking.coordination);
      kept.push(k);
    }
    kept.sort(
      (a, b) =>
        (finals[b] as number) - (finals[a] as number) || (raws[b] as number) - (raws[a] as number) || a - b,
    );
    for (const k of kept.slice(0, limit)) {
      const doc = order[k] as number;
      const passage = this.#source.passages[doc];
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
    const { fuzzy, fuzzyMinLength, fuzzyUnknownOnly } = this.#source.ranking;
    const results = this.#source.ms.search(terms.map((t) => t.term).join(' '), {
      tokenize: (s) => s.split(' '),
      processTerm: (t) => t,
      boost: { ...this.#source.ranking.boost },
      bm25: { ...this.#source.ranking.bm25 },
      boostTerm: (term) => weights.get(term) ?? 1,
      fuzzy: (term) =>
        term.length >= fuzzyMinLength &&
        !/\d/u.test(term) &&
        !expansion?.has(term) &&
        (!fuzzyUnknownOnly || this.#source.docFreq(term) === 0)
          ? fuzzyDistance(term.length, fuzzy)
          : false,
      prefix: false,
      combineWith: 'OR',
      ...(options.file !== undefined
        ? { filter: (r: SearchResult) => this.#source.passages[r.id as number]?.origin.file === options.file }
        : {}),
    });
    const hits: Hit[] = [];
    for (const r of results) {
      const passage = this.#source.passages[r.id as number];
      if (!passage) continue;
      const score =
        this.#source.ranking.coordination === 1
          ? r.score
          : r.score / Math.max(1, r.queryTerms.length) ** (1 - this.#source.ranking.coordination);
      const own = expansion ? r.queryTerms.filter((t) => !expansion.has(t)) : r.queryTerms;
      const docTerms = expansion ? r.terms.filter((t) => !expansion.has(t) || own.includes(t)) : r.terms;
      hits.push({ passage, score, queryTerms: own, docTerms });
    }
    if (this.#source.ranking.coordination !== 1) hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, limit);
  }
}
