import path from 'node:path';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { type PackedIndex, packIndex, unpackIndex } from '../src/core/minisearch-pack.js';
import { termsOfToken, tokenTexts } from '../src/core/text.js';
import { loadCorpus } from '../src/corpus/loader.js';

const root = path.resolve(import.meta.dirname, '..');

/** Term → "field:doc:freq" entries, sorted: the index's content regardless of insertion order. */
function contents(p: PackedIndex): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const terms = p.terms.split('\n');
  let e = 0;
  let k = 0;
  terms.forEach((term, t) => {
    const entries: string[] = [];
    for (let f = 0; f < (p.termFields[t] as number); f++, e++) {
      for (let c = 0; c < (p.entryCount[e] as number); c++, k++) {
        entries.push(`${p.entryField[e]}:${p.postingDoc[k]}:${p.postingFreq[k]}`);
      }
    }
    out.set(term, entries.sort());
  });
  return out;
}

describe('the direct index build', () => {
  it('makes the same MiniSearch index as adding the passages one by one', async () => {
    const index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
    const fields = ['text', 'context', 'section', 'title'] as const;
    const termsOf = (text: string) => tokenTexts(text).flatMap((t) => termsOfToken(t));
    const reference = new MiniSearch<Record<string, string | number>>({
      fields: [...fields],
      tokenize: (text) => termsOf(text),
      processTerm: (t) => t,
    });
    for (const p of index.passages) {
      reference.add({
        id: p.id,
        text: p.text,
        context: p.context ?? '',
        section: p.origin.section,
        title: p.origin.title,
      });
    }
    const ours = index.toData().minisearch;
    const theirs = packIndex(reference as MiniSearch<unknown>);
    expect(ours.documentCount).toBe(theirs.documentCount);
    expect(ours.fieldIds).toEqual(theirs.fieldIds);
    expect([...ours.documentIds]).toEqual([...theirs.documentIds]);
    expect([...ours.fieldLength]).toEqual([...theirs.fieldLength]);
    ours.averageFieldLength.forEach((avg, f) =>
      expect(avg).toBeCloseTo(theirs.averageFieldLength[f] ?? NaN, 9),
    );
    expect(contents(ours)).toEqual(contents(theirs));
  });

  it('round-trips through pack and unpack unchanged', async () => {
    const index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
    const packed = index.toData().minisearch;
    const again = packIndex(unpackIndex(packed, { fields: ['text', 'context', 'section', 'title'] }));
    expect(contents(again)).toEqual(contents(packed));
    expect([...again.fieldLength]).toEqual([...packed.fieldLength]);
  });
});
