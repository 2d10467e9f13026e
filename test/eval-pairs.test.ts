/**
 * Checks the feedback pair set without ranking anything: the picks to teach
 * (test/eval/teach.jsonl) and their second wordings (test/eval/rewordings.json). Every line
 * parses, every quoted piece is verbatim in exactly one passage of its article (as the project's
 * splitter cuts it, whitespace-insensitive), the answer picks name distinct passages across every
 * section of both articles, each pick has one second wording that differs from it, and the
 * counts per split are met.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitArticle } from '../src/core/split.js';
import { normaliseText } from '../src/learning/anchor.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

interface TeachLine {
  question: string;
  verdict: string;
  by: string;
  file?: string;
  passage?: string;
}
interface Rewording {
  split: string;
  teach: number;
  question: string;
  verdict: string;
}

const teachText = read('test/eval/teach.jsonl');
const teachRows = teachText.replace(/\n$/u, '').split('\n');
const teach = teachRows.map((line) => JSON.parse(line) as TeachLine);
const reword = JSON.parse(read('test/eval/rewordings.json')) as { about?: unknown; items: Rewording[] };
const items = reword.items;

const files = readdirSync(path.join(root, 'corpus')).filter((f) => /\.(txt|md)$/u.test(f));
const articles = new Map(
  files.map((file) => {
    const text = read(path.join('corpus', file));
    const split = splitArticle({ file, text, hash: '' });
    return [file, { flat: normaliseText(text), split }] as const;
  }),
);

/** Indices of the passages of `file` holding `piece` (whitespace-insensitive). */
const passagesWith = (file: string, piece: string) => {
  const wanted = normaliseText(piece);
  return (articles.get(file)?.split.passages ?? []).flatMap((p, i) =>
    normaliseText(p.text).includes(wanted) ? [i] : [],
  );
};

const norm = (s: string) => normaliseText(s).toLowerCase();
const answerLines = teach.flatMap((t, i) => (t.verdict === 'answer' ? [i] : []));
const count = (split: string, verdict: string) =>
  items.filter((r) => r.split === split && r.verdict === verdict).length;

describe('feedback pair set', () => {
  it('has one JSON object per line of teach.jsonl, with a valid verdict and role', () => {
    expect(teachText.endsWith('\n')).toBe(true);
    expect(teachRows.every((row) => row.trim() !== '')).toBe(true);
    for (const [i, t] of teach.entries()) {
      const at = `teach line ${i}: ${JSON.stringify(t)}`;
      expect(typeof t.question, at).toBe('string');
      expect(t.question.trim(), at).not.toBe('');
      expect(['answer', 'none'], at).toContain(t.verdict);
      expect(['moderator', 'user'], at).toContain(t.by);
      const allowed = ['question', 'verdict', 'by', 'file', 'passage'];
      expect(
        Object.keys(t).filter((k) => !allowed.includes(k)),
        at,
      ).toEqual([]);
      if (t.verdict === 'answer') {
        expect(typeof t.file, at).toBe('string');
        expect(typeof t.passage, at).toBe('string');
      } else {
        // A none pick names the passage it was made on, or nothing (citebot had declined).
        expect(t.file === undefined, at).toBe(t.passage === undefined);
      }
    }
  });

  it('quotes each passage verbatim (6-20 words), in exactly one passage of a corpus file', () => {
    let quoted = 0;
    for (const [i, t] of teach.entries()) {
      if (t.passage === undefined || t.file === undefined) continue;
      quoted++;
      const at = `teach line ${i}: ${t.file} ${JSON.stringify(t.passage)}`;
      expect(files, at).toContain(t.file);
      const words = normaliseText(t.passage).split(' ').length;
      expect(words, at).toBeGreaterThanOrEqual(6);
      expect(words, at).toBeLessThanOrEqual(20);
      expect(articles.get(t.file)?.flat.includes(normaliseText(t.passage)), at).toBe(true);
      expect(passagesWith(t.file, t.passage), at).toHaveLength(1);
    }
    expect(quoted).toBeGreaterThanOrEqual(answerLines.length);
  });

  it('points the answer picks at distinct passages', () => {
    const seen = new Map<string, number>();
    for (const i of answerLines) {
      const t = teach[i] as TeachLine;
      const key = `${t.file ?? ''}#${passagesWith(t.file ?? '', t.passage ?? '').join(',')}`;
      expect(seen.get(key), `teach line ${i} repeats the passage of line ${seen.get(key)}`).toBeUndefined();
      seen.set(key, i);
    }
  });

  it('reaches every section of both articles with an answer pick', () => {
    for (const [file, { split }] of articles) {
      const reached = new Set(
        answerLines.flatMap((i) => {
          const t = teach[i] as TeachLine;
          if (t.file !== file) return [];
          return passagesWith(file, t.passage ?? '').map((k) => split.passages[k]?.origin.section ?? '');
        }),
      );
      // A section is reached through itself or one of its sub-sections ("Parent › 1. Child").
      const missing = split.meta.sections
        .map((s) => s.name)
        .filter(
          (name) => ![...reached].some((r) => r === name || (name !== '' && r.startsWith(`${name} › `))),
        );
      expect(missing, file).toEqual([]);
    }
  });

  it('gives every pick exactly one second wording, with the same verdict', () => {
    expect(typeof reword.about).toBe('string');
    expect(Array.isArray(items)).toBe(true);
    for (const r of items) {
      const at = JSON.stringify(r);
      expect(['dev', 'test'], at).toContain(r.split);
      expect(Number.isInteger(r.teach) && r.teach >= 0 && r.teach < teach.length, at).toBe(true);
      expect(r.verdict, at).toBe(teach[r.teach]?.verdict);
      expect(typeof r.question, at).toBe('string');
      expect(r.question.trim(), at).not.toBe('');
    }
    expect(items.map((r) => r.teach).sort((a, b) => a - b)).toEqual(teach.map((_, i) => i));
  });

  it('words no question twice: a second wording differs from its pick and from every other wording', () => {
    for (const r of items) {
      expect(norm(r.question), JSON.stringify(r)).not.toBe(norm(teach[r.teach]?.question ?? ''));
    }
    const all = [...teach.map((t) => t.question), ...items.map((r) => r.question)].map(norm);
    expect(all.filter((q, i) => all.indexOf(q) !== i)).toEqual([]);
  });

  it('meets the sizes per split', () => {
    expect(count('dev', 'answer')).toBeGreaterThanOrEqual(24);
    expect(count('test', 'answer')).toBeGreaterThanOrEqual(40);
    expect(count('dev', 'none')).toBeGreaterThanOrEqual(8);
    expect(count('test', 'none')).toBeGreaterThanOrEqual(12);
    expect(new Set(answerLines).size).toBeGreaterThanOrEqual(64);
  });
});
