import { readFileSync } from 'node:fs';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import {
  averageFieldLengths,
  internalsOf,
  MINISEARCH_VERSION,
  MiniSearchLayoutError,
  type PostingData,
  postingTree,
} from '../src/core/minisearch-internals.js';

const root = path.resolve(import.meta.dirname, '..');
const json = (file: string) =>
  JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

interface Doc {
  id: number;
  title: string;
  text: string;
}

/** Three documents over two fields, split on spaces: every count below can be read off them. */
function build(): MiniSearch<Doc> {
  const ms = new MiniSearch<Doc>({
    fields: ['title', 'text'],
    storeFields: ['title'],
    tokenize: (s) => s.split(' ').filter(Boolean),
  });
  ms.addAll([
    { id: 10, title: 'alpha beta', text: 'alpha alpha gamma' },
    { id: 20, title: 'beta', text: 'delta' },
    { id: 30, title: 'x', text: 'alpha' },
  ]);
  return ms;
}

/** Postings as plain, sorted data: field id → [short id, term frequency][]. */
function plain(data: PostingData | undefined): Record<number, [number, number][]> | undefined {
  if (!data) return undefined;
  const out: Record<number, [number, number][]> = {};
  for (const [field, docs] of data) out[field] = [...docs].sort((a, b) => a[0] - b[0]);
  return out;
}

describe('MiniSearch internals', () => {
  it('are read for the minisearch version installed and pinned exactly', () => {
    expect(json('node_modules/minisearch/package.json').version).toBe(MINISEARCH_VERSION);
    expect((json('package.json').dependencies as Record<string, string>).minisearch).toBe(MINISEARCH_VERSION);
    const lock = json('package-lock.json') as {
      packages: Record<string, { dependencies?: Record<string, string> }>;
    };
    expect(lock.packages['']?.dependencies?.minisearch).toBe(MINISEARCH_VERSION);
  });

  it('give the documents, fields and their lengths of a real index', () => {
    const ms = build();
    const i = internalsOf(ms);
    expect(i.fieldIds).toEqual({ title: 0, text: 1 });
    expect([...i.documentIds]).toEqual([
      [0, 10],
      [1, 20],
      [2, 30],
    ]);
    expect([...i.idToShortId]).toEqual([
      [10, 0],
      [20, 1],
      [30, 2],
    ]);
    expect(i.documentCount).toBe(3);
    expect(i.nextId).toBe(3);
    // Distinct terms per field: "alpha beta" / "alpha alpha gamma" has 2 and 2.
    expect([...i.fieldLength]).toEqual([
      [0, [2, 2]],
      [1, [1, 1]],
      [2, [1, 1]],
    ]);
    expect(i.averageFieldLength).toEqual([4 / 3, 4 / 3]);
    expect(averageFieldLengths(ms)).toBe(i.averageFieldLength);
    expect([...i.storedFields]).toEqual([
      [0, { title: 'alpha beta' }],
      [1, { title: 'beta' }],
      [2, { title: 'x' }],
    ]);
    expect(i.dirtCount).toBe(0);
    ms.discard(20);
    expect(i.dirtCount).toBe(1);
    expect(ms.dirtCount).toBe(1);
    expect(i.documentCount).toBe(2);
    expect([...i.documentIds.keys()]).toEqual([0, 2]);
  });

  it('give the vocabulary tree: postings by field and document, fuzzy lookup, every term', () => {
    const ms = build();
    const tree = postingTree(ms);
    expect(internalsOf(ms).index).toBe(tree);
    expect(plain(tree.get('alpha'))).toEqual({
      0: [[0, 1]],
      1: [
        [0, 2],
        [2, 1],
      ],
    });
    expect(plain(tree.get('delta'))).toEqual({ 1: [[1, 1]] });
    expect(tree.get('omega')).toBeUndefined();
    const near = tree.fuzzyGet('alphq', 1);
    expect([...near.keys()]).toEqual(['alpha']);
    expect(near.get('alpha')?.[1]).toBe(1);
    expect(plain(near.get('alpha')?.[0])).toEqual(plain(tree.get('alpha')));
    expect([...tree].map(([term]) => term).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma', 'x']);
    expect(ms.termCount).toBe(5);
  });

  it('write what MiniSearch itself then reads', () => {
    const ms = build();
    const i = internalsOf(ms);
    // A term set in the tree is found by MiniSearch's own search.
    i.index.set('zeta', new Map([[1, new Map([[2, 1]])]]));
    expect(ms.search('zeta').map((r) => r.id)).toEqual([30]);
    // The average field lengths are the ones its BM25 divides by.
    const before = ms.search('alpha').find((r) => r.id === 10)?.score ?? NaN;
    i.averageFieldLength = [40, 40];
    expect(averageFieldLengths(ms)).toEqual([40, 40]);
    expect(ms.search('alpha').find((r) => r.id === 10)?.score).not.toBeCloseTo(before, 6);
    // The document count is the public one, and the next short id is the one the next document gets.
    i.documentCount = 7;
    expect(ms.documentCount).toBe(7);
    i.documentCount = 3;
    i.nextId = 9;
    ms.add({ id: 40, title: 'late', text: 'late' });
    expect(i.documentIds.get(9)).toBe(40);
    expect(i.idToShortId.get(40)).toBe(9);
    i.dirtCount = 2;
    expect(ms.dirtCount).toBe(2);
  });

  it('refuse an index whose layout differs, naming the version they were written for', () => {
    const renamed = build();
    Reflect.deleteProperty(renamed, '_index');
    expect(() => postingTree(renamed)).toThrow(MiniSearchLayoutError);
    expect(() => internalsOf(renamed)).toThrow(/minisearch 7\.2\.0.*_index is not an object/su);
    const retyped = build();
    Reflect.set(retyped, '_avgFieldLength', new Map());
    expect(() => averageFieldLengths(retyped)).toThrow(/_avgFieldLength is not an array/u);
    expect(() => internalsOf({} as MiniSearch<Doc>)).toThrow(MiniSearchLayoutError);
  });
});
