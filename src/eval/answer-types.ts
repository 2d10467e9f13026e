/**
 * Runs the answer-type development set (test/eval/answer-type-dev.json) against a snapshot: per
 * answer type, how many questions asking for what the articles never give ("How much does nanoGPT
 * cost?") are declined, and how many of the same shape that the articles do answer are answered
 * with their passage in the top 3.
 */
import { answerQuestion, DEFAULT_RESULTS } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { AnswerType } from '../core/question-shape.js';
import { checkLabelledSet, type Expected, isExpected } from './questions.js';

/** The answer-type set's file format. */
export interface AnswerTypeSet {
  files: Record<string, string>;
  questions: { type: AnswerType; answerable: boolean; q: string; expect?: Expected[] }[];
}

/** The figures of one answer type (or of all of them). */
export interface AnswerTypeFigures {
  type: AnswerType | 'all';
  /** Questions the articles cannot answer: how many, how many declined. */
  unsaid: { n: number; declined: number };
  /** Questions they do answer: how many, how many answered, how many with the passage in the top 3. */
  answerable: { n: number; answered: number; hit3: number };
}

/** Validates the parsed file; throws an error naming the bad entry. */
export function parseAnswerTypeSet(json: unknown, source = 'answer-type set'): AnswerTypeSet {
  return checkLabelledSet<AnswerTypeSet['questions'][number], AnswerTypeSet>(json, source, (q, at) => {
    if (typeof q.type !== 'string') throw new Error(`${at} (${JSON.stringify(q.q)}) has no type`);
    if (typeof q.answerable !== 'boolean')
      throw new Error(`${at} (${JSON.stringify(q.q)}) has no "answerable" true or false`);
    if (q.answerable && (!Array.isArray(q.expect) || q.expect.length === 0))
      throw new Error(`${at} (${JSON.stringify(q.q)}) is answerable but has no expected passage`);
  });
}

/** Evaluates the set: one row per answer type in the file's order, then `all`. */
export function evaluateAnswerTypes(
  index: CorpusIndex,
  set: AnswerTypeSet,
  queryVectors?: ReadonlyMap<string, Float32Array>,
): AnswerTypeFigures[] {
  const rows = new Map<AnswerType | 'all', AnswerTypeFigures>();
  const row = (type: AnswerType | 'all') => {
    let r = rows.get(type);
    if (!r) {
      r = { type, unsaid: { n: 0, declined: 0 }, answerable: { n: 0, answered: 0, hit3: 0 } };
      rows.set(type, r);
    }
    return r;
  };
  for (const item of set.questions) {
    const queryVector = queryVectors?.get(item.q.trim());
    const a = answerQuestion(index, item.q, {
      results: DEFAULT_RESULTS,
      ...(queryVector ? { queryVector } : {}),
    });
    for (const r of [row(item.type), row('all')]) {
      if (!item.answerable) {
        r.unsaid.n++;
        if (!a.answered) r.unsaid.declined++;
        continue;
      }
      r.answerable.n++;
      if (!a.answered) continue;
      r.answerable.answered++;
      if (a.passages.some((p) => isExpected(p.passage, item.expect, set.files))) r.answerable.hit3++;
    }
  }
  const all = rows.get('all');
  rows.delete('all');
  return [...rows.values(), ...(all ? [all] : [])];
}

/** The figures as a table. */
export function renderAnswerTypes(rows: readonly AnswerTypeFigures[]): string {
  const lines = ['type        unsaid declined   answerable answered   answerable Hit@3'];
  for (const r of rows) {
    const u = r.unsaid.n ? `${r.unsaid.declined}/${r.unsaid.n}` : '—';
    const n = r.answerable.n;
    const answered = n ? `${r.answerable.answered}/${n}` : '—';
    const hit = n ? `${r.answerable.hit3}/${n}` : '—';
    lines.push(`${r.type.padEnd(12)}${u.padEnd(18)}${answered.padEnd(22)}${hit}`);
  }
  return lines.join('\n');
}
