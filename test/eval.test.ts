import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { evaluateQuestions, hit3Of, parseQuestionSet } from '../src/eval/questions.js';

const root = path.resolve(import.meta.dirname, '..');

describe('relevance on the labelled question set', async () => {
  const set = parseQuestionSet(JSON.parse(readFileSync(path.join(root, 'test/eval/questions.json'), 'utf8')));
  const index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
  const r = evaluateQuestions(index, set);
  const kind = (k: string) => r.byKind.find((x) => x.kind === k);

  it('has at least 80 questions, 35 of them paraphrases, of every kind', () => {
    expect(set.questions.length).toBeGreaterThanOrEqual(80);
    expect(kind('paraphrase')?.n).toBeGreaterThanOrEqual(35);
    for (const k of ['lexical', 'paraphrase', 'typo', 'keyword', 'unanswerable'])
      expect(kind(k)?.n).toBeGreaterThan(0);
  });

  it('finds the passage in the top 3 for ≥ 95% of questions that share key words with it', () => {
    expect(hit3Of(r, ['lexical', 'keyword', 'typo'])).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the passage in the top 3 for ≥ 45% of paraphrases', () => {
    expect(kind('paraphrase')?.hit3).toBeGreaterThanOrEqual(0.45);
  });

  it('declines ≥ 40% of unanswerable questions and ≤ 10% of answerable ones', () => {
    expect(r.unanswerable.declined).toBeGreaterThanOrEqual(0.4);
    expect(r.answerable.wronglyDeclined).toBeLessThanOrEqual(0.1);
  });
});
