/**
 * A snapshot as plain data, for saving and loading (see corpus/snapshot.ts): the layout
 * version, the conversion both ways, and the checks a loaded snapshot must pass.
 */
import type MiniSearch from 'minisearch';
import {
  DEFAULT_RANKING,
  type HeadCounts,
  type IndexedDoc,
  type IndexParts,
  MINISEARCH_OPTIONS,
  type PassageVectors,
  type RankingOptions,
} from './index-types.js';
import { type PackedIndex, packIndex, unpackSteps } from './minisearch-pack.js';
import { type PackedPassages, packPassages, unpackPassages } from './passage-pack.js';
import { type UnitVectors, vectorsFromUnits } from './passage-units.js';
import { drain } from './steps.js';
import type { ArticleMeta, Passage } from './types.js';

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

/** Rebuilds the document-frequency and written-form maps of a saved index. */
/** Terms read between two yields of the stepped read-back. */
const TERM_STEP = 10_000;

function* termMaps(
  data: IndexData,
): Generator<void, { df: Map<string, number>; surface: Map<string, string[]> }> {
  const terms = data.terms ? data.terms.split('\n') : [];
  const forms = data.surface ? data.surface.split('\n') : [];
  if (terms.length !== data.df.length || forms.length !== terms.length) {
    throw new Error('saved index: term tables disagree');
  }
  const df = new Map<string, number>();
  const surface = new Map<string, string[]>();
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i] as string;
    df.set(t, data.df[i] as number);
    const f = forms[i];
    if (f) surface.set(t, f.split('\u0001'));
    if (i % TERM_STEP === TERM_STEP - 1) yield;
  }
  return { df, surface };
}

/** Everything a snapshot is made of: what `toData` saves and `fromData` gives back. */
export interface SnapshotContents {
  articles: ArticleMeta[];
  passages: Passage[];
  parts: IndexParts;
  ranking: RankingOptions;
  buildMs: number;
  vectors?: PassageVectors | undefined;
}

/** A snapshot's contents as plain data. */
export function snapshotToData(
  s: Readonly<Omit<SnapshotContents, 'articles' | 'passages'>> & {
    readonly articles: readonly ArticleMeta[];
    readonly passages: readonly Passage[];
  },
): IndexData {
  const { parts } = s;
  return {
    version: INDEX_DATA_VERSION,
    articles: [...s.articles],
    passages: packPassages(s.passages),
    terms: [...parts.df.keys()].join('\n'),
    df: Uint32Array.from(parts.df.values()),
    surface: [...parts.df.keys()].map((t) => (parts.surface.get(t) ?? []).join('\u0001')).join('\n'),
    head: [...parts.head].map(([term, l]) => [term, l.ids, l.scores]),
    headCounts: parts.headCounts,
    textLen: parts.textLen,
    avgTextLen: parts.avgTextLen,
    minisearch: packIndex(parts.ms as MiniSearch<unknown>),
    ranking: { ...s.ranking },
    buildMs: s.buildMs,
    ...(s.vectors?.units ? { vectors: { model: s.vectors.model, units: s.vectors.units } } : {}),
  };
}

/** A snapshot's contents from `snapshotToData` output. Throws when the data is not a snapshot of this version. */
export function snapshotFromData(data: IndexData): SnapshotContents {
  return drain(snapshotFromDataSteps(data));
}

/** snapshotFromData, yielding every few thousand terms (unpacking a large snapshot takes most of a second). */
export function* snapshotFromDataSteps(data: IndexData): Generator<void, SnapshotContents> {
  if (!data || data.version !== INDEX_DATA_VERSION) {
    throw new Error(
      `saved index has layout version ${String(data?.version)}; expected ${INDEX_DATA_VERSION}`,
    );
  }
  if (!data.passages || !Array.isArray(data.articles) || !data.minisearch) {
    throw new Error('saved index is missing passages, articles or the search index');
  }
  const ms = yield* unpackSteps<IndexedDoc>(data.minisearch, MINISEARCH_OPTIONS);
  const passages = unpackPassages(data.passages);
  yield;
  const terms = yield* termMaps(data);
  if (ms.documentCount !== passages.length) {
    throw new Error(`saved index holds ${ms.documentCount} documents for ${passages.length} passages`);
  }
  return {
    articles: data.articles,
    passages,
    parts: {
      ms,
      fieldLength: data.minisearch.fieldLength,
      ...terms,
      head: new Map(data.head.map(([term, ids, scores]) => [term, { ids, scores }])),
      headCounts: data.headCounts,
      textLen: data.textLen,
      avgTextLen: data.avgTextLen,
    },
    ranking: { ...DEFAULT_RANKING, ...data.ranking },
    buildMs: data.buildMs,
    vectors: data.vectors
      ? vectorsFromUnits(data.vectors.model, data.vectors.units, passages.length)
      : undefined,
  };
}
