/**
 * Building a snapshot's searchable structures from articles: split into passages, then one
 * tokenization pass that feeds MiniSearch's postings, document frequencies, text lengths,
 * written forms and the head-term tables.
 */
import { bm25, HEAD_TOP, type HeadList, headLimit, TopK } from './head-terms.js';
import {
  type HeadCounts,
  type IndexedDoc,
  type IndexParts,
  MINISEARCH_OPTIONS,
  type RankingOptions,
} from './index-types.js';
import { indexFromPostings, type Postings } from './minisearch-pack.js';
import { splitArticle } from './split.js';
import { termsOfToken, tokenTexts, visibleForm } from './text.js';
import type { ArticleMeta, Passage, SourceText } from './types.js';

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

/** What a build makes: the articles (ordered by file name), their passages, and the index over them. */
export interface BuiltIndex {
  articles: ArticleMeta[];
  passages: Passage[];
  parts: IndexParts;
}

/** Splits and indexes the given articles. Articles are ordered by file name. */
export function buildIndex(sources: readonly SourceText[], opts: RankingOptions): BuiltIndex {
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
  return {
    articles,
    passages,
    parts: { ms, fieldLength, df, surface, head, headCounts, textLen, avgTextLen },
  };
}
