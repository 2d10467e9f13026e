/**
 * The answer-type development set (test/eval/answer-type-dev.json) through evaluateAnswerTypes,
 * on the bundled corpus with the lexical stage: the figures `npm run eval` prints below the
 * splits, and the file checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { loadCorpus } from '../src/corpus/loader.js';
import {
  type AnswerTypeFigures,
  evaluateAnswerTypes,
  parseAnswerTypeSet,
  renderAnswerTypes,
} from '../src/eval/answer-types.js';

const root = path.resolve(import.meta.dirname, '..');
const file = path.join(root, 'test/eval/answer-type-dev.json');
const set = parseAnswerTypeSet(JSON.parse(readFileSync(file, 'utf8')), file);
let rows: AnswerTypeFigures[];

beforeAll(async () => {
  const index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
  rows = evaluateAnswerTypes(index, set);
});

describe('the answer-type development set', () => {
  it('has one row per type in the file, then all, whose counts add up', () => {
    const types = [...new Set(set.questions.map((q) => q.type))];
    expect(rows.map((r) => r.type)).toEqual([...types, 'all']);
    const all = rows.at(-1) as AnswerTypeFigures;
    const parts = rows.slice(0, -1);
    expect(all.unsaid.n).toBe(set.questions.filter((q) => !q.answerable).length);
    expect(all.answerable.n).toBe(set.questions.filter((q) => q.answerable).length);
    expect(all.unsaid.declined).toBe(parts.reduce((s, r) => s + r.unsaid.declined, 0));
    expect(all.answerable.hit3).toBe(parts.reduce((s, r) => s + r.answerable.hit3, 0));
  });

  it('declines at least 23 of the 24 questions the articles cannot answer, and answers all the others with their passage', () => {
    const all = rows.at(-1) as AnswerTypeFigures;
    expect(all.unsaid.declined).toBeGreaterThanOrEqual(23);
    expect(all.answerable.answered).toBe(all.answerable.n);
    expect(all.answerable.hit3).toBe(all.answerable.n);
  });

  it('renders a row per type', () => {
    const table = renderAnswerTypes(rows).split('\n');
    expect(table).toHaveLength(rows.length + 1);
    expect(table.at(-1)).toMatch(/^all\s+\d+\/24\s+12\/12\s+12\/12$/u);
  });
});

describe('reading an answer-type set', () => {
  const files = { R: 'r.txt' };
  it.each([
    [
      { files, questions: [{ type: 'date', answerable: true, q: 'When?' }] },
      /question 1 .*no expected passage/,
    ],
    [{ files, questions: [{ type: 'date', q: 'When?' }] }, /question 1 .*"answerable"/],
    [{ files, questions: [{ type: 'date', answerable: false, q: ' ' }] }, /question 1 has no text/],
    [
      { files, questions: [{ type: 'date', answerable: true, q: 'When?', expect: [['X', 'y']] }] },
      /unknown file key "X"/,
    ],
    [{ questions: [] }, /expected an object/],
  ])('rejects %j', (json, message) => {
    expect(() => parseAnswerTypeSet(json, 'set.json')).toThrow(message);
  });
});
