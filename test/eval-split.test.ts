/**
 * Checks the held-out splits (test/eval/test-split.json, and test/eval/third-split.json, written
 * blind) without ranking anything: their shape, their counts, that every expected substring pins
 * down exactly one line of its article, that no question repeats (within a split or from another
 * question set), and that the paraphrase questions reach every section of both articles.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuestionSet } from '../src/eval/questions.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

const SETS = ['test/eval/questions.json', 'test/eval/test-split.json', 'test/eval/third-split.json'];
type RawSet = {
  about?: unknown;
  questions: { kind: string; q: string; topic?: unknown; expect?: [string, string][] }[];
};
const lines = new Map<string, string[]>();
const linesOf = (file: string) => {
  let l = lines.get(file);
  if (!l) {
    l = read(path.join('corpus', file)).split(/\r?\n/);
    lines.set(file, l);
  }
  return l;
};

/** Section headings of each article, in order; a section runs to the next heading. */
const headings: Record<string, string[]> = {
  'the-rise-of-open-source-ai.txt': [
    'The Rise of Open-Source AI: A Brief Overview',
    'How Open-Source Models Lower Barriers to Innovation',
    'Real-World Applications Fueling Growth',
    'Community-Driven Development and Collaboration',
    'Challenges and Limitations of Open-Source AI',
    'Quality Control and Reliability Concerns',
    'Security and Ethical Risks',
    'Resource Intensiveness and Accessibility',
    'Governance, Maintenance, and Fragmentation',
    'Intellectual Property and Licensing Ambiguities',
    'The Role of Open-Source in Education and Skill Development',
  ],
  'why-open-source-AI-is-thriving.txt': [
    'What is Open Source in AI?',
    'The Key Components of Open-Source AI',
    'Why is Open Source AI Thriving?',
    '1. Breaking Down Cost Barriers',
    '2. Accelerating Innovation Through Collaboration',
    '3. Transparent and Ethical AI Development',
    '4. Trust and Security',
    'The Biggest Open-Source AI Projects Leading the Charge',
    '1. TensorFlow & PyTorch',
    '2. OpenAI’s GPT Models',
    '3. Stable Diffusion (by Stability AI)',
    '4. Hugging Face',
    '5. Meta’s LLaMA Models',
    'The Future of Open Source AI – What’s Next?',
    '1. Decentralized AI Models',
    '2. AI-Powered by Open-Source Hardware',
    '3. Federated Learning for Privacy-Focused AI',
    '4. AI Governance and Ethical Standards',
    'Final Thoughts',
  ],
};

/** The minimum counts of a held-out split. */
const MINIMA = {
  'test/eval/test-split.json': { paraphrase: 45, lexical: 20, unanswerable: 24, on: 12, off: 1 },
  'test/eval/third-split.json': { paraphrase: 60, lexical: 24, unanswerable: 30, on: 18, off: 12 },
};

describe.each(Object.entries(MINIMA))('held-out split %s', (rel, min) => {
  const raw = JSON.parse(read(rel)) as RawSet;
  const set = parseQuestionSet(raw, rel);
  const questions = raw.questions;
  /** 0-based indices of the lines of `key`'s file containing `s`. */
  const linesWith = (key: string, s: string) =>
    linesOf(set.files[key] ?? '').flatMap((line, i) => (line.includes(s) ? [i] : []));
  const ofKind = (kind: string) => questions.filter((q) => q.kind === kind);

  it('says what it is', () => {
    expect(typeof raw.about).toBe('string');
    expect(String(raw.about)).toMatch(/held-out/i);
    expect(String(raw.about)).toMatch(/never used to choose settings/i);
  });

  it('has enough questions of each kind', () => {
    expect(ofKind('paraphrase').length).toBeGreaterThanOrEqual(min.paraphrase);
    expect(ofKind('lexical').length).toBeGreaterThanOrEqual(min.lexical);
    const unanswerable = ofKind('unanswerable');
    expect(unanswerable.length).toBeGreaterThanOrEqual(min.unanswerable);
    expect(unanswerable.filter((q) => q.topic === 'on').length).toBeGreaterThanOrEqual(min.on);
    expect(unanswerable.filter((q) => q.topic === 'off').length).toBeGreaterThanOrEqual(min.off);
    expect(questions.every((q) => ['paraphrase', 'lexical', 'unanswerable'].includes(q.kind))).toBe(true);
  });

  it('marks every unanswerable question on- or off-topic, and only those', () => {
    for (const q of questions) {
      if (q.kind === 'unanswerable') {
        expect(['on', 'off'], q.q).toContain(q.topic);
        expect(q.expect, q.q).toBeUndefined();
      } else {
        expect(q.topic, q.q).toBeUndefined();
      }
    }
  });

  it('quotes each expected passage verbatim, in exactly one line of its file', () => {
    for (const q of questions) {
      for (const [key, s] of q.expect ?? []) {
        expect(s.length, `${q.q}: ${s}`).toBeGreaterThanOrEqual(12);
        expect(linesWith(key, s), `${q.q}: ${key} ${JSON.stringify(s)}`).toHaveLength(1);
      }
    }
  });

  it('repeats no question, within the split or from another question set', () => {
    const norm = (s: string) => s.trim().toLowerCase();
    const seen = new Set<string>();
    for (const q of questions) {
      expect(seen.has(norm(q.q)), q.q).toBe(false);
      seen.add(norm(q.q));
    }
    for (const other of SETS.filter((f) => f !== rel)) {
      const texts = new Set(parseQuestionSet(JSON.parse(read(other)), other).questions.map((q) => norm(q.q)));
      expect(
        questions.filter((q) => texts.has(norm(q.q))).map((q) => q.q),
        other,
      ).toEqual([]);
    }
  });

  it('asks a paraphrase question about every section of both articles', () => {
    for (const [key, file] of Object.entries(set.files)) {
      const text = linesOf(file);
      const names = headings[file] ?? [];
      expect(names.length, file).toBeGreaterThan(0);
      const starts = names.map((h) => {
        const at = text.flatMap((line, i) => (line.trim() === h ? [i] : []));
        expect(at, `${file}: heading ${h}`).toHaveLength(1);
        return at[0] ?? -1;
      });
      // Lines above the first heading (an introduction without its own heading) count as a section.
      const bounds = starts[0] === 0 ? starts : [0, ...starts];
      const hit = bounds.map(() => 0);
      for (const q of ofKind('paraphrase')) {
        for (const [k, s] of q.expect ?? []) {
          if (k !== key) continue;
          for (const line of linesWith(k, s)) {
            const section = bounds.filter((b) => b <= line).length - 1;
            hit[section] = (hit[section] ?? 0) + 1;
          }
        }
      }
      const missing = bounds.flatMap((b, i) => (hit[i] ? [] : [text[b] ?? String(b)]));
      expect(missing, file).toEqual([]);
    }
  });
});
