/**
 * Grouping questions as the learning compares them (core/insights.ts), on the real index: identical
 * wordings merged, paraphrases of one need grouped by their vectors, unrelated ones kept apart,
 * a question joining its most similar group, the cap; and counting what answers quoted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CorpusIndex } from '../../src/core/corpus-index.js';
import {
  type AskedQuestion,
  countQuotes,
  type DistinctQuestion,
  distinctQuestions,
  groupQuestions,
} from '../../src/core/insights.js';
import { cosine } from '../../src/core/semantic-rank.js';
import { mixSimilarity, TEACHING, termSimilarity, weightedTerms } from '../../src/core/teaching.js';
import { direction, testIndex } from './fixtures.js';

let index: CorpusIndex;
beforeAll(async () => {
  index = await testIndex();
});

const q = (question: string, at = 0, answered = true): AskedQuestion => ({ question, at, answered });
const times = (n: number, question: string, at = 0, answered = true) =>
  Array.from({ length: n }, (_, i) => q(question, at + i, answered));
const byKey =
  (table: Record<string, Float32Array>) =>
  (d: DistinctQuestion): Float32Array | undefined =>
    table[d.key];

describe('distinct questions', () => {
  it('merges wordings that differ only in case, spaces and end punctuation, keeping the most written form', () => {
    const d = distinctQuestions([
      q('What is nanoGPT?', 1),
      q('what is   nanogpt', 2, false),
      q('What is nanoGPT?', 3),
      q('  WHAT IS NANOGPT?!', 9),
      q('?!', 4),
      q('Who maintains PyTorch?', 5),
    ]);
    expect(d).toEqual([
      { key: 'what is nanogpt', text: 'What is nanoGPT?', count: 4, answered: 3, latest: 9 },
      { key: 'who maintains pytorch', text: 'Who maintains PyTorch?', count: 1, answered: 1, latest: 5 },
    ]);
  });
});

describe('grouping', () => {
  const nano = 'what is nanogpt';
  const para = 'which tiny trainer did karpathy write';
  const paint = 'who painted the mona lisa';
  const vectors = { [nano]: direction(0), [para]: direction(0, 10), [paint]: direction(2) };
  const asked = [
    ...times(3, 'What is nanoGPT?'),
    ...times(2, 'Which tiny trainer did Karpathy write?', 10),
    q('Who painted the Mona Lisa?', 20, false),
  ];

  it('puts paraphrases of one need in one group by their vectors, and keeps an unrelated question apart', () => {
    const g = groupQuestions(index, asked, byKey(vectors));
    expect(g.distinct).toBe(3);
    expect(g.beyondCap).toBe(0);
    expect(g.groups).toEqual([
      {
        question: 'What is nanoGPT?',
        count: 5,
        answered: 5,
        latest: 11,
        others: ['Which tiny trainer did Karpathy write?'],
        wordings: 2,
      },
      { question: 'Who painted the Mona Lisa?', count: 1, answered: 0, latest: 20, others: [], wordings: 1 },
    ]);
  });

  it('without vectors, paraphrases sharing no words stay apart; wordings sharing most words are grouped', () => {
    const g = groupQuestions(index, [
      ...asked,
      q('What is nanoGPT used for?', 30),
      q('What is nanoGPT used for?', 31),
    ]);
    expect(g.groups.map((x) => [x.question, x.count, x.others])).toEqual([
      ['What is nanoGPT?', 5, ['What is nanoGPT used for?']],
      ['Which tiny trainer did Karpathy write?', 2, []],
      ['Who painted the Mona Lisa?', 1, []],
    ]);
  });

  it('a question joins the most similar group, not the first that passes', () => {
    // Seeds 35° apart (too far to group: 0.4 × cos 35° < 0.35); the question is 25° from the first, 10° from the second.
    const table = {
      'zebra quokka': direction(0),
      'marmot pangolin': direction(0, 35),
      'ocelot tapir': direction(0, 25),
    };
    expect(TEACHING.vectorWeight * Math.cos((35 * Math.PI) / 180)).toBeLessThan(
      TEACHING.minSimilarity.vectors,
    );
    expect(TEACHING.vectorWeight * Math.cos((25 * Math.PI) / 180)).toBeGreaterThan(
      TEACHING.minSimilarity.vectors,
    );
    const g = groupQuestions(
      index,
      [...times(3, 'zebra quokka'), ...times(2, 'marmot pangolin'), q('ocelot tapir')],
      byKey(table),
    );
    expect(g.groups.map((x) => [x.question, x.others])).toEqual([
      ['zebra quokka', []],
      ['marmot pangolin', ['ocelot tapir']],
    ]);
  });

  it('lists at most three other wordings, most asked first, and counts them all', () => {
    const table: Record<string, Float32Array> = { 'what is nanogpt': direction(0) };
    const wordings = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((w) => `nanoGPT ${w} question`);
    for (const w of wordings) table[w.toLowerCase()] = direction(0, 1);
    const g = groupQuestions(
      index,
      [...times(9, 'What is nanoGPT?'), ...wordings.flatMap((w, i) => times(5 - i, w))],
      byKey(table),
    );
    expect(g.groups).toHaveLength(1);
    expect(g.groups[0]).toMatchObject({ count: 24, wordings: 6, others: wordings.slice(0, 3) });
  });

  it('compares only the most recent distinct questions when capped; older ones group only when identical', () => {
    const table = {
      'what is nanogpt': direction(0),
      'which tiny trainer did karpathy write': direction(0, 5),
    };
    const old = [
      ...times(2, 'Which tiny trainer did Karpathy write?', 0),
      ...times(2, 'which tiny trainer did karpathy write', 2),
    ];
    const recent = [
      ...times(5, 'What is nanoGPT?', 100),
      ...Array.from({ length: 3 }, (_, i) => q(`Filler question ${i}`, 200 + i)),
    ];
    const capped = groupQuestions(index, [...old, ...recent], byKey(table), { cap: 4 });
    expect(capped.distinct).toBe(5);
    expect(capped.beyondCap).toBe(1);
    expect(capped.groups[0]).toMatchObject({ question: 'What is nanoGPT?', count: 5, others: [] });
    expect(capped.groups[1]).toMatchObject({ question: 'Which tiny trainer did Karpathy write?', count: 4 });
    const whole = groupQuestions(index, [...old, ...recent], byKey(table));
    expect(whole.groups[0]).toMatchObject({ count: 9, others: ['Which tiny trainer did Karpathy write?'] });
  });
});

describe('the similarity is the learning’s', () => {
  it('two questions are grouped exactly when the teaching mix reaches its threshold (by terms, and with vectors)', () => {
    const words = [
      'open',
      'source',
      'models',
      'licence',
      'training',
      'data',
      'nanoGPT',
      'community',
      'cost',
      'privacy',
    ];
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const sentence = () =>
      Array.from({ length: 2 + Math.floor(rand() * 4) }, () => words[Math.floor(rand() * words.length)]).join(
        ' ',
      );
    let grouped = 0;
    for (let i = 0; i < 200; i++) {
      const [a, b] = [sentence(), sentence()];
      if (a.toLowerCase() === b.toLowerCase()) continue;
      const withVectors = i % 2 === 0;
      const table = { [a.toLowerCase()]: direction(0), [b.toLowerCase()]: direction(0, rand() * 90) };
      const g = groupQuestions(index, [q(a), q(a), q(b)], withVectors ? byKey(table) : undefined);
      const terms = termSimilarity(
        weightedTerms(index, index.analyze(a)),
        weightedTerms(index, index.analyze(b)),
      );
      const cos = withVectors
        ? cosine(table[a.toLowerCase()] as Float32Array, table[b.toLowerCase()] as Float32Array)
        : undefined;
      const s = mixSimilarity(terms, cos, TEACHING);
      const expected = s >= TEACHING.minSimilarity[withVectors ? 'vectors' : 'terms'] && s > 0;
      expect(g.groups.length, `${a} / ${b}`).toBe(expected ? 1 : 2);
      if (expected) grouped++;
    }
    // Both outcomes occur.
    expect(grouped).toBeGreaterThan(10);
    expect(grouped).toBeLessThan(190);
  });
});

describe('counting quotes', () => {
  it('counts each article and section once per answer, skips declines, and lists what was never quoted', () => {
    const rise = 'the-rise-of-open-source-ai.txt';
    const counts = countQuotes(index, [
      {
        answered: true,
        quoted: [
          { file: rise, section: '' },
          { file: rise, section: '' },
          { file: rise, section: 'Security and Ethical Risks' },
        ],
      },
      {
        answered: true,
        quoted: [
          { file: rise, section: '' },
          { file: 'gone.md', section: 'Old' },
        ],
      },
      { answered: false, quoted: [{ file: 'guide.md', section: 'Front ends' }] },
    ]);
    const title = 'The Rise of Open-Source AI: A Brief Overview';
    expect(counts.sections).toEqual([
      { file: rise, title, section: '', count: 2 },
      { file: 'gone.md', title: 'gone.md', section: 'Old', count: 1 },
      { file: rise, title, section: 'Security and Ethical Risks', count: 1 },
    ]);
    expect(counts.articles).toEqual([
      { file: rise, title, count: 2, current: true },
      { file: 'gone.md', title: 'gone.md', count: 1, current: false },
    ]);
    expect(counts.neverArticles.map((a) => a.file)).toEqual([
      'guide.md',
      'why-open-source-AI-is-thriving.txt',
    ]);
    const riseSections = index.articles.find((a) => a.file === rise)?.sections.map((s) => s.name) ?? [];
    expect(counts.neverSections.map((s) => s.section)).toEqual(
      riseSections.filter((s) => s !== '' && s !== 'Security and Ethical Risks'),
    );
    expect(counts.neverSections.every((s) => s.file === rise && s.title === title)).toBe(true);
  });
});
