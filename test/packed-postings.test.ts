import path from 'node:path';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { postingTree } from '../src/core/minisearch-internals.js';
import { packIndex, unpackIndex } from '../src/core/minisearch-pack.js';
import { PackedDocs, type PackedPostings, PackedTerm } from '../src/core/packed-postings.js';
import { loadCorpus } from '../src/corpus/loader.js';

const root = path.resolve(import.meta.dirname, '..');

/** Everything a reader can see of a Map, in its order. */
function seen(m: Map<number, number>) {
  const each: [number, number][] = [];
  m.forEach((v, k) => each.push([k, v]));
  return {
    size: m.size,
    entries: [...m.entries()],
    keys: [...m.keys()],
    values: [...m.values()],
    all: [...m],
    each,
  };
}

describe('a packed posting list', () => {
  const docs = Int32Array.from([9, 2, 5, 11, 40, 7]);
  const freqs = Uint16Array.from([1, 3, 1, 2, 6, 1]);
  // Postings 1..4 of the arrays: documents 2, 5, 11, 40.
  const plain = () =>
    new Map([
      [2, 3],
      [5, 1],
      [11, 2],
      [40, 6],
    ]);

  it('reads as the Map it stands for, without copying', () => {
    const packed = PackedDocs.from(docs, freqs, 1, 5);
    expect(packed).toBeDefined();
    if (!packed) return;
    expect(seen(packed)).toEqual(seen(plain()));
    for (const doc of [0, 2, 5, 6, 11, 39, 40, 41, 9, 7]) {
      expect([doc, packed.get(doc), packed.has(doc)]).toEqual([doc, plain().get(doc), plain().has(doc)]);
    }
    expect(packed.packed).toEqual({ docs, freqs, from: 1, to: 5 });
    expect(Object.prototype.toString.call(packed)).toBe('[object Map]');
  });

  it('becomes an ordinary Map on its first write, and the arrays stay as they were', () => {
    const ops: ((m: Map<number, number>) => unknown)[] = [
      (m) => m.set(5, 4),
      (m) => m.set(3, 1),
      (m) => m.delete(11),
      (m) => m.delete(12),
      (m) => m.clear(),
    ];
    for (const op of ops) {
      const packed = PackedDocs.from(docs, freqs, 1, 5);
      if (!packed) throw new Error('expected a packed list');
      const reference = plain();
      const ours = op(packed);
      const theirs = op(reference);
      // set returns the map itself; delete and clear return the same values as a Map's.
      expect(ours === packed ? 'self' : ours).toEqual(theirs === reference ? 'self' : theirs);
      expect(packed.packed).toBeUndefined();
      expect(seen(packed)).toEqual(seen(reference));
      expect([...docs]).toEqual([9, 2, 5, 11, 40, 7]);
    }
  });

  it('is refused where the document ids do not ascend', () => {
    expect(PackedDocs.from(docs, freqs, 0, 3)).toBeUndefined();
    expect(PackedDocs.from(Int32Array.from([1, 1]), Uint16Array.from([1, 1]), 0, 2)).toBeUndefined();
    expect(PackedDocs.from(docs, freqs, 2, 2)?.size).toBe(0);
  });

  it("holds a term's fields, made on first use; a list that does not ascend is copied", () => {
    const source: PackedPostings = {
      entryField: Uint8Array.from([0, 2]),
      entryStart: Uint32Array.from([0, 2, 6]),
      postingDoc: Int32Array.from([4, 8, 9, 2, 5, 11]),
      postingFreq: Uint16Array.from([1, 2, 3, 4, 5, 6]),
    };
    const term = new PackedTerm(source, 0, 2);
    expect(term.size).toBe(2);
    expect([...term.keys()]).toEqual([0, 2]);
    expect(term.get(0)).toBeInstanceOf(PackedDocs);
    expect([...(term.get(0) ?? [])]).toEqual([
      [4, 1],
      [8, 2],
    ]);
    expect(term.get(2)).not.toBeInstanceOf(PackedDocs);
    expect([...(term.get(2) ?? [])]).toEqual([
      [9, 3],
      [2, 4],
      [5, 5],
      [11, 6],
    ]);
    expect(term.get(1)).toBeUndefined();
    term.delete(0);
    expect([...term.keys()]).toEqual([2]);
    term.set(3, new Map([[1, 1]]));
    expect(term.size).toBe(2);
  });
});

describe('an index read back from its packed form', async () => {
  const passages = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources).passages;
  /** MiniSearch's own index of the passages, added one by one (ordinary Maps throughout). */
  const build = () => {
    const ms = new MiniSearch<Record<string, string | number>>({
      fields: ['text', 'context', 'section', 'title'],
    });
    for (const p of passages) {
      ms.add({
        id: p.id,
        text: p.text,
        context: p.context ?? '',
        section: p.origin.section,
        title: p.origin.title,
      });
    }
    return ms as MiniSearch<unknown>;
  };
  const reload = (ms: MiniSearch<unknown>) =>
    unpackIndex<unknown>(packIndex(ms), { fields: ['text', 'context', 'section', 'title'] });
  const built = build();
  const loaded = reload(built);
  const questions = [
    'who can use open source models',
    'risks of releasing weights',
    'transformr architecure',
    'data privacy regulation',
    'community contributions',
  ];
  const search = (ms: MiniSearch<unknown>, q: string) =>
    ms.search(q, { fuzzy: 0.2, prefix: true }).map((r) => [r.id, r.score, [...r.terms].sort()]);

  it("answers MiniSearch's own searches and suggestions as the built index does", () => {
    for (const q of questions) {
      expect(search(loaded, q).length).toBeGreaterThan(0);
      expect(search(loaded, q)).toEqual(search(built, q));
      expect(loaded.autoSuggest(q)).toEqual(built.autoSuggest(q));
    }
  });

  it('takes documents out and in again as the built index does', () => {
    const a = build();
    const b = reload(a);
    for (const id of [0, 3, 7]) {
      a.discard(id);
      b.discard(id);
    }
    for (const q of questions) expect(search(b, q)).toEqual(search(a, q));
    const doc = {
      id: 10_000,
      text: 'open source weights released to the community',
      context: '',
      section: 'New',
      title: 'Extra',
    };
    a.add(doc);
    b.add(doc);
    for (const q of questions) expect(search(b, q)).toEqual(search(a, q));
    // Every term's postings, field by field, as the built index holds them.
    const postings = (ms: MiniSearch<unknown>) =>
      new Map(
        [...postingTree(ms)].map(([term, fields]) => [term, [...fields].map(([f, docs]) => [f, [...docs]])]),
      );
    expect(postings(b)).toEqual(postings(a));
  });
});
