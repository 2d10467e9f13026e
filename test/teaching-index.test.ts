/**
 * The teaching index at scale: 10,000 synthetic taught questions (random 512-d vectors, words
 * drawn from a made-up vocabulary), above the size where the sign-bit index finds the vector
 * candidates. `nearest` must agree with scoring every taught question exactly.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import {
  EXACT_TAUGHT_VECTORS,
  mixSimilarity,
  type TaughtQuestion,
  TeachingIndex,
  type TeachingSettings,
  TEACHING,
  termSimilarity,
  weightedTerms,
} from '../src/core/teaching.js';
import { cosine } from '../src/core/semantic-rank.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { mulberry32 } from '../bench/generate.js';

const root = path.resolve(import.meta.dirname, '..');
const index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);

const rand = mulberry32(7);
const DIM = 512;
const gaussian = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
const randomVector = () => Float32Array.from({ length: DIM }, gaussian);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pu', 'dra', 'gle'];
const word = () => Array.from({ length: 3 }, () => syllables[Math.floor(rand() * syllables.length)]).join('');
const vocabulary = Array.from({ length: 3000 }, word);
const sentence = (n: number) =>
  Array.from({ length: n }, () => vocabulary[Math.floor(rand() * vocabulary.length)]).join(' ');

const N = 10_000;
const taught: TaughtQuestion[] = Array.from({ length: N }, (_, i) => {
  const question = sentence(6);
  return {
    pickIds: [i + 1],
    question,
    terms: index.analyze(question),
    vector: randomVector(),
    verdict: 'answer',
    passageIds: [i % index.passages.length],
    weight: 1,
  };
});
const settings: TeachingSettings = {
  ...TEACHING,
  vectorWeight: 0.6,
  minSimilarity: { vectors: 0.3, terms: 0.3 },
  declineSimilarity: { vectors: 0.3, terms: 0.3 },
};
const teaching = new TeachingIndex(index, taught, settings);

/** Every taught question scored exactly, best first, those at or above the floor. */
function exact(terms: TaughtQuestion['terms'], vector: Float32Array | undefined, k: number) {
  const q = weightedTerms(index, terms);
  return taught
    .map((t) => {
      const s = termSimilarity(q, weightedTerms(index, t.terms));
      const similarity = mixSimilarity(
        s,
        vector && t.vector ? cosine(vector, t.vector) : undefined,
        settings,
      );
      return { t, similarity };
    })
    .filter((x) => x.similarity >= teaching.floor(vector !== undefined) && x.similarity > 0)
    .sort((a, b) => b.similarity - a.similarity || taught.indexOf(a.t) - taught.indexOf(b.t))
    .slice(0, k);
}

/** A question near taught question `i`: its vector mixed with noise, some of its words kept. */
function near(
  i: number,
  keep: number,
  noise: number,
): { terms: TaughtQuestion['terms']; vector: Float32Array } {
  const t = taught[i] as TaughtQuestion;
  const words = t.question.split(' ').slice(0, keep).join(' ');
  const question = `${words} ${sentence(6 - keep)}`;
  const n = randomVector();
  const vector = (t.vector as Float32Array).map((x, j) => x + noise * (n[j] as number));
  return { terms: index.analyze(question), vector };
}

describe('nearest taught questions among 10,000', () => {
  it('uses the sign-bit index at this size', () => {
    expect(N).toBeGreaterThan(EXACT_TAUGHT_VECTORS);
  });

  it('finds the taught question a reworded one came from, as an exact scan does', () => {
    for (const [i, keep, noise] of [
      [17, 6, 0.1],
      [4242, 4, 0.5],
      [9999, 2, 0.8],
      [123, 0, 0.6],
      [5000, 3, 1],
    ] as const) {
      const q = near(i, keep, noise);
      const got = teaching.nearest(q.terms, q.vector, 5);
      const want = exact(q.terms, q.vector, 5);
      expect(got[0]?.taught).toBe(taught[i]);
      expect(got.map((g) => g.taught)).toEqual(want.map((w) => w.t));
      got.forEach((g, k) => expect(g.similarity).toBeCloseTo(want[k]?.similarity ?? -1, 5));
    }
  });

  it('by terms alone (no question vector), the same as an exact scan', () => {
    for (const [i, keep] of [
      [8, 6],
      [777, 4],
      [6543, 3],
    ] as const) {
      const q = near(i, keep, 0);
      const got = teaching.nearest(q.terms, undefined, 5);
      const want = exact(q.terms, undefined, 5);
      expect(got[0]?.taught).toBe(taught[i]);
      expect(got.map((g) => g.taught)).toEqual(want.map((w) => w.t));
      got.forEach((g, k) => expect(g.similarity).toBeCloseTo(want[k]?.similarity ?? -1, 9));
    }
  });

  it('finds nothing for a question unlike any taught one', () => {
    expect(teaching.nearest(index.analyze('zzqx wwvy'), randomVector(), 5)).toEqual([]);
  });
});
