/**
 * The one place that reads and writes MiniSearch's private fields.
 *
 * The scorer reads MiniSearch's vocabulary tree and average field lengths directly, and the
 * snapshot packer reads and fills every field of an index. Those fields are not MiniSearch's
 * API: they are checked against the layout of minisearch MINISEARCH_VERSION, which package.json
 * pins exactly, and test/minisearch-internals.test.ts builds a real index and checks each one.
 * An instance whose layout differs is refused with an error naming the version, never read wrong.
 */
import type MiniSearch from 'minisearch';

/** The minisearch version whose private layout this file reads (package.json pins it exactly). */
export const MINISEARCH_VERSION = '7.2.0';

/** One term's postings, as MiniSearch keeps them: field id → short document id → term frequency. */
export type PostingData = Map<number, Map<number, number>>;

/** MiniSearch's vocabulary tree (its radix tree of terms), as citebot reads and fills it. */
export interface PostingTree extends Iterable<[string, PostingData]> {
  /** The postings of one term, or undefined when the index has no such term. */
  get(term: string): PostingData | undefined;
  /** Every term within `distance` edits of `term`: term → [its postings, its edit distance]. */
  fuzzyGet(term: string, distance: number): Map<string, [PostingData, number]>;
  /** Sets a term's postings. */
  set(term: string, data: PostingData): unknown;
}

/** A typed view of one MiniSearch instance's private fields (each named after the field it reads). */
export interface MiniSearchInternals {
  /** `_index`: the vocabulary tree. */
  readonly index: PostingTree;
  /** `_documentIds`: short id → the document's own id. */
  readonly documentIds: Map<number, unknown>;
  /** `_idToShortId`: the document's own id → short id. */
  readonly idToShortId: Map<unknown, number>;
  /** `_fieldIds`: field name → field id. */
  readonly fieldIds: Readonly<Record<string, number>>;
  /** `_fieldLength`: short id → distinct terms per field (by field id). */
  readonly fieldLength: Map<number, number[]>;
  /** `_storedFields`: short id → the stored fields of the document. */
  readonly storedFields: Map<number, Record<string, unknown>>;
  /** `_documentCount`: documents in the index. */
  documentCount: number;
  /** `_nextId`: the short id the next document would get. */
  nextId: number;
  /** `_avgFieldLength`: average field length, by field id. */
  averageFieldLength: number[];
  /** `_dirtCount`: documents discarded but not yet vacuumed. */
  dirtCount: number;
}

/** The private fields, as minisearch MINISEARCH_VERSION lays them out. */
interface Layout {
  _index: PostingTree;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _storedFields: Map<number, Record<string, unknown>>;
  _documentCount: number;
  _nextId: number;
  _avgFieldLength: number[];
  _dirtCount: number;
}

/** Thrown when a MiniSearch instance's private fields are not laid out as this file expects. */
export class MiniSearchLayoutError extends Error {
  override readonly name = 'MiniSearchLayoutError';
}

/** What differs from the expected layout (empty when nothing does). Cheap: reads no term. */
function layoutProblems(ms: object): string[] {
  const raw = ms as Partial<Record<keyof Layout, unknown>>;
  const problems: string[] = [];
  const tree = raw._index as Partial<Record<'get' | 'set' | 'fuzzyGet' | typeof Symbol.iterator, unknown>>;
  if (typeof tree !== 'object' || tree === null) problems.push('_index is not an object');
  else {
    for (const fn of ['get', 'set', 'fuzzyGet'] as const) {
      if (typeof tree[fn] !== 'function') problems.push(`_index.${fn} is not a function`);
    }
    if (typeof tree[Symbol.iterator] !== 'function') problems.push('_index is not iterable');
  }
  for (const map of ['_documentIds', '_idToShortId', '_fieldLength', '_storedFields'] as const) {
    if (!(raw[map] instanceof Map)) problems.push(`${map} is not a Map`);
  }
  if (typeof raw._fieldIds !== 'object' || raw._fieldIds === null)
    problems.push('_fieldIds is not an object');
  for (const n of ['_documentCount', '_nextId', '_dirtCount'] as const) {
    if (typeof raw[n] !== 'number') problems.push(`${n} is not a number`);
  }
  if (!Array.isArray(raw._avgFieldLength)) problems.push('_avgFieldLength is not an array');
  // The public getter reads the private field: a renamed field shows here.
  if (problems.length === 0 && (ms as { documentCount?: unknown }).documentCount !== raw._documentCount) {
    problems.push('documentCount does not read _documentCount');
  }
  return problems;
}

/** The instance's private fields, after checking their layout. */
function layoutOf<T>(ms: MiniSearch<T>): Layout {
  const problems = layoutProblems(ms);
  if (problems.length > 0) {
    throw new MiniSearchLayoutError(
      `MiniSearch's private fields are not laid out as in minisearch ${MINISEARCH_VERSION}, ` +
        `the version citebot reads (${problems.join('; ')}): ` +
        `install minisearch ${MINISEARCH_VERSION} or update src/core/minisearch-internals.ts`,
    );
  }
  return ms as unknown as Layout;
}

/** A typed view of an index's private fields. Throws MiniSearchLayoutError when their layout differs. */
export function internalsOf<T>(ms: MiniSearch<T>): MiniSearchInternals {
  const raw = layoutOf(ms);
  return {
    get index() {
      return raw._index;
    },
    get documentIds() {
      return raw._documentIds;
    },
    get idToShortId() {
      return raw._idToShortId;
    },
    get fieldIds() {
      return raw._fieldIds;
    },
    get fieldLength() {
      return raw._fieldLength;
    },
    get storedFields() {
      return raw._storedFields;
    },
    get documentCount() {
      return raw._documentCount;
    },
    set documentCount(n: number) {
      raw._documentCount = n;
    },
    get nextId() {
      return raw._nextId;
    },
    set nextId(n: number) {
      raw._nextId = n;
    },
    get averageFieldLength() {
      return raw._avgFieldLength;
    },
    set averageFieldLength(values: number[]) {
      raw._avgFieldLength = values;
    },
    get dirtCount() {
      return raw._dirtCount;
    },
    set dirtCount(n: number) {
      raw._dirtCount = n;
    },
  };
}

/** An index's vocabulary tree (`_index`). Throws MiniSearchLayoutError when the layout differs. */
export function postingTree<T>(ms: MiniSearch<T>): PostingTree {
  return layoutOf(ms)._index;
}

/** An index's average field lengths by field id (`_avgFieldLength`). Throws like `postingTree`. */
export function averageFieldLengths<T>(ms: MiniSearch<T>): readonly number[] {
  return layoutOf(ms)._avgFieldLength;
}
