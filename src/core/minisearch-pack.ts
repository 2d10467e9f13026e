/**
 * A compact, fast-loading form of a MiniSearch index for snapshots.
 *
 * MiniSearch's own `toJSON()` makes one object per term and per posting list; at 25 MB of
 * text that is millions of small objects, slow to serialise and slower to load (seconds).
 * Here the postings are flat typed arrays and the terms one string, which V8 serialises as
 * a few buffers; loading rebuilds MiniSearch's maps in one pass. This reads and writes
 * MiniSearch's internal fields through minisearch-internals.ts, which refuses an index whose
 * layout it doesn't recognise; `unpack` also validates what it rebuilds, so a change in
 * MiniSearch makes the snapshot fail to load (and be rebuilt), never load wrong.
 */
import MiniSearch, { type Options } from 'minisearch';
import { internalsOf, type MiniSearchInternals } from './minisearch-internals.js';
import { type PackedPostings, PackedTerm } from './packed-postings.js';
import { drain } from './steps.js';

/** The packed index. */
export interface PackedIndex {
  format: 'citebot-minisearch-1';
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  dirtCount: number;
  /** External document ids, by short id. */
  documentIds: Int32Array;
  /** Field lengths, `fields` per document, by short id. */
  fieldLength: Uint32Array;
  /** All terms, joined by "\n". */
  terms: string;
  /** Per term: how many (field, posting list) entries it has. */
  termFields: Uint8Array;
  /** Per entry: field id, and the number of postings. */
  entryField: Uint8Array;
  entryCount: Uint32Array;
  /** All postings: short document id and term frequency. */
  postingDoc: Int32Array;
  postingFreq: Uint16Array;
}

/** Packs an index built with numeric ids. */
export function packIndex(ms: MiniSearch<unknown>): PackedIndex {
  const i = internalsOf(ms);
  const nFields = Object.keys(i.fieldIds).length;
  const documentIds = new Int32Array(i.nextId).fill(-1);
  for (const [shortId, id] of i.documentIds) {
    if (typeof id !== 'number') throw new Error('only numeric document ids can be packed');
    documentIds[shortId] = id;
  }
  const fieldLength = new Uint32Array(i.nextId * nFields);
  for (const [shortId, lengths] of i.fieldLength) {
    lengths.forEach((len, f) => {
      fieldLength[shortId * nFields + f] = len ?? 0;
    });
  }
  const terms: string[] = [];
  const termFields: number[] = [];
  const entryField: number[] = [];
  const entryCount: number[] = [];
  let postings = 0;
  for (const [, fields] of i.index) for (const [, docs] of fields) postings += docs.size;
  const postingDoc = new Int32Array(postings);
  const postingFreq = new Uint16Array(postings);
  let p = 0;
  for (const [term, fields] of i.index) {
    if (term.includes('\n')) throw new Error('a term contains a line break');
    terms.push(term);
    termFields.push(fields.size);
    for (const [fieldId, docs] of fields) {
      entryField.push(fieldId);
      entryCount.push(docs.size);
      for (const [doc, freq] of docs) {
        postingDoc[p] = doc;
        postingFreq[p] = Math.min(freq, 65535);
        p++;
      }
    }
  }
  return {
    format: 'citebot-minisearch-1',
    documentCount: i.documentCount,
    nextId: i.nextId,
    fieldIds: { ...i.fieldIds },
    averageFieldLength: [...i.averageFieldLength],
    dirtCount: i.dirtCount,
    documentIds,
    fieldLength,
    terms: terms.join('\n'),
    termFields: Uint8Array.from(termFields),
    entryField: Uint8Array.from(entryField),
    entryCount: Uint32Array.from(entryCount),
    postingDoc,
    postingFreq,
  };
}

/** Term → field id → short document id → term frequency. */
export type Postings = Map<string, Map<number, Map<number, number>>>;

/** An empty index with the given fields, ready for `install`. */
function emptyIndex<T>(
  fieldIds: Record<string, number>,
  averageFieldLength: number[],
  dirtCount: number,
  options: Options<T>,
): MiniSearch<T> {
  return MiniSearch.loadJS<T>(
    {
      documentCount: 0,
      nextId: 0,
      documentIds: {},
      fieldIds,
      fieldLength: {},
      averageFieldLength,
      storedFields: {},
      dirtCount,
      index: [],
      serializationVersion: 2,
    },
    options,
  );
}

/** Registers the documents (ids by short id, -1 for a gap) and their field lengths. */
function installDocuments(
  i: MiniSearchInternals,
  documentIds: Int32Array,
  fieldLength: Uint32Array,
  nFields: number,
): void {
  let count = 0;
  for (let shortId = 0; shortId < documentIds.length; shortId++) {
    const id = documentIds[shortId] as number;
    if (id < 0) continue;
    count++;
    i.documentIds.set(shortId, id);
    i.idToShortId.set(id, shortId);
    i.storedFields.set(shortId, {});
    i.fieldLength.set(shortId, Array.from(fieldLength.subarray(shortId * nFields, (shortId + 1) * nFields)));
  }
  i.documentCount = count;
  i.nextId = documentIds.length;
}

/**
 * Makes the index that adding documents 0..n−1 one by one would make (document id =
 * short id), from postings gathered by the caller: one vocabulary-tree insertion per
 * distinct term instead of one lookup per term occurrence. `fieldLength` holds, per
 * document and field, the number of distinct terms (what MiniSearch's `add` counts).
 */
export function indexFromPostings<T>(
  fields: readonly string[],
  fieldLength: Uint32Array,
  postings: Postings,
  options: Options<T>,
): MiniSearch<T> {
  const nFields = fields.length;
  const n = Math.floor(fieldLength.length / Math.max(1, nFields));
  const fieldIds = Object.fromEntries(fields.map((f, id) => [f, id]));
  const average = fields.map((_, f) => {
    let sum = 0;
    for (let d = 0; d < n; d++) sum += fieldLength[d * nFields + f] as number;
    return n > 0 ? sum / n : 0;
  });
  const ms = emptyIndex<T>(fieldIds, average, 0, options);
  const i = internalsOf(ms);
  installDocuments(
    i,
    Int32Array.from({ length: n }, (_, d) => d),
    fieldLength,
    nFields,
  );
  for (const [term, byField] of postings) i.index.set(term, byField);
  return ms;
}

/** Rebuilds a MiniSearch index from `packIndex` output, with the options it was built with. */
export function unpackIndex<T>(packed: PackedIndex, options: Options<T>): MiniSearch<T> {
  return drain(unpackSteps(packed, options));
}

/** Terms installed between two yields of `unpackSteps` (a few ms of work). */
export const UNPACK_STEP = 5_000;

/** unpackIndex, yielding after the documents and after every `every` terms. */
export function* unpackSteps<T>(
  packed: PackedIndex,
  options: Options<T>,
  every = UNPACK_STEP,
): Generator<void, MiniSearch<T>> {
  if (packed?.format !== 'citebot-minisearch-1') throw new Error('not a packed citebot index');
  const empty = emptyIndex<T>(packed.fieldIds, packed.averageFieldLength, packed.dirtCount, options);
  const i = internalsOf(empty);
  const nFields = Object.keys(packed.fieldIds).length;
  installDocuments(i, packed.documentIds, packed.fieldLength, nFields);
  if (i.documentCount !== packed.documentCount) throw new Error('packed index: document count mismatch');
  yield;
  i.averageFieldLength = [...packed.averageFieldLength];
  const terms = packed.terms.length ? packed.terms.split('\n') : [];
  if (terms.length !== packed.termFields.length) throw new Error('packed index: term count mismatch');
  if (packed.postingFreq.length !== packed.postingDoc.length)
    throw new Error('packed index: postings mismatch');
  if (packed.entryCount.length !== packed.entryField.length)
    throw new Error('packed index: entry count mismatch');
  // Where each entry's postings start; the lists stay in the packed arrays (see packed-postings.ts).
  const entryStart = new Uint32Array(packed.entryCount.length + 1);
  for (let e = 0; e < packed.entryCount.length; e++) {
    entryStart[e + 1] = (entryStart[e] as number) + (packed.entryCount[e] as number);
  }
  if (entryStart[packed.entryCount.length] !== packed.postingDoc.length) {
    throw new Error('packed index: postings mismatch');
  }
  const source: PackedPostings = {
    entryField: packed.entryField,
    entryStart,
    postingDoc: packed.postingDoc,
    postingFreq: packed.postingFreq,
  };
  let e = 0;
  for (let t = 0; t < terms.length; t++) {
    const to = e + (packed.termFields[t] as number);
    if (to > packed.entryField.length) throw new Error('packed index: postings mismatch');
    i.index.set(terms[t] as string, new PackedTerm(source, e, to));
    e = to;
    if (t % every === every - 1) yield;
  }
  if (e !== packed.entryField.length) throw new Error('packed index: postings mismatch');
  return empty;
}
