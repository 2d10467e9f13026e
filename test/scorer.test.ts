import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusIndex, DEFAULT_RANKING } from '../src/core/corpus-index.js';
import { unpackIndex } from '../src/core/minisearch-pack.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { parseQuestionSet } from '../src/eval/questions.js';

const root = path.resolve(import.meta.dirname, '..');
const set = parseQuestionSet(JSON.parse(readFileSync(path.join(root, 'test/eval/questions.json'), 'utf8')));

describe('the lexical scorer', async () => {
  const index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
  // MiniSearch itself, over the very same postings.
  const reference = unpackIndex<{ id: number }>(index.toData().minisearch, {
    fields: ['text', 'context', 'section', 'title'],
  });
  const dist = (len: number) => Math.max(1, Math.min(2, Math.floor(len * DEFAULT_RANKING.fuzzy + 0.6)));
  const theirs = (question: string) => {
    const terms = index.analyze(question);
    if (terms.length === 0) return [];
    const weights = new Map(terms.map((t) => [t.term, t.weight]));
    return reference
      .search(terms.map((t) => t.term).join(' '), {
        tokenize: (s) => s.split(' '),
        processTerm: (t) => t,
        boost: { ...DEFAULT_RANKING.boost },
        bm25: { ...DEFAULT_RANKING.bm25 },
        boostTerm: (t) => weights.get(t) ?? 1,
        fuzzy: (t) =>
          t.length >= DEFAULT_RANKING.fuzzyMinLength && !/\d/u.test(t) && index.docFreq(t) === 0
            ? dist(t.length)
            : false,
        prefix: false,
        combineWith: 'OR',
      })
      .map((r) => ({
        id: r.id as number,
        score: r.score / r.queryTerms.length,
        terms: r.terms,
        queryTerms: r.queryTerms,
      }))
      .sort((a, b) => b.score - a.score);
  };

  it('scores every passage exactly as MiniSearch does, for every question of the set and some typos', () => {
    const questions = [
      ...set.questions.map((q) => q.q),
      'opne-sorce modles',
      'comunity kitchen',
      'Hugging Face',
    ];
    let compared = 0;
    for (const q of questions) {
      const ours = index.search(q, { limit: 1000 });
      const ref = theirs(q);
      expect(ours.map((h) => h.passage.id)).toEqual(ref.map((r) => r.id));
      ours.forEach((h, i) => {
        expect(h.score).toBeCloseTo(ref[i]?.score ?? NaN, 9);
        expect([...h.queryTerms].sort()).toEqual([...(ref[i]?.queryTerms ?? [])].sort());
        expect([...h.docTerms].sort()).toEqual([...(ref[i]?.terms ?? [])].sort());
      });
      compared += ours.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('keeps to one article when asked, with the same scores', () => {
    const file = index.articles[0]?.file ?? '';
    const all = index.search('open source community', { limit: 1000 });
    const one = index.search('open source community', { limit: 1000, file });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((h) => h.passage.origin.file === file)).toBe(true);
    expect(one).toEqual(all.filter((h) => h.passage.origin.file === file));
  });
});
