/**
 * The peer engines of the speed benchmark, and the helpers that `bench/run.ts` and `bench/e2e.ts`
 * share (latency summaries, memory samples, question sets).
 *
 * Every peer indexes the same documents (citebot's passages: id, article title, passage text)
 * and answers the same questions, returning the ids of its best `limit` documents:
 *
 * - `lunr`: Lunr 2.3.9 with its defaults (the helper in scripts/lib/peers.ts).
 * - `flexsearch`: a FlexSearch 0.8 `Document` index with its defaults, fields title and text;
 *   variant `default` searches with the defaults (AND of the query terms), variant `suggest`
 *   with `suggest: true` (passages matching only some of the terms come back too).
 * - `scan`: a brute-force scan: every passage's lower-cased title and text is searched for each
 *   query word (substring match, stop words dropped) and scored by the number of words found.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Document } from 'flexsearch';
import { buildLunr, type PeerDoc } from '../scripts/lib/peers.js';
import { isStopWord, normalizeWord } from '../src/core/text.js';
import { parseQuestionSet } from '../src/eval/questions.js';
import { type GeneratedFile, generateQuestions, mulberry32 } from './generate.js';

export type { PeerDoc };

/** The peer engines: names as they appear in the result rows. */
export type PeerName = 'lunr' | 'flexsearch' | 'scan';

/** One peer engine configuration of the benchmark. */
export interface PeerSpec {
  engine: PeerName;
  /** `default` or `suggest` for FlexSearch; null for the others. */
  variant: string | null;
}

/** The peer configurations measured, in table order. */
export const PEERS: readonly PeerSpec[] = Object.freeze([
  { engine: 'lunr', variant: null },
  { engine: 'flexsearch', variant: 'default' },
  { engine: 'flexsearch', variant: 'suggest' },
  { engine: 'scan', variant: null },
]);

/** A built peer index: question → ids of the best documents, best first. */
export type PeerSearch = (question: string, limit: number) => string[];

/**
 * Builds a peer engine over the documents. The returned function answers one question with at
 * most `limit` document ids.
 */
export function buildPeer(spec: PeerSpec, docs: readonly PeerDoc[]): PeerSearch {
  switch (spec.engine) {
    case 'lunr': {
      const search = buildLunr([...docs]);
      return (question, limit) => search(question, limit);
    }
    case 'flexsearch':
      return buildFlexSearch(docs, { suggest: spec.variant === 'suggest' });
    case 'scan':
      return buildScan(docs);
  }
}

/**
 * FlexSearch 0.8 `Document` index with its default options over fields title and text. A search
 * returns one ranked id list per field; they are merged in field order (text first, then title),
 * without repeats.
 */
export function buildFlexSearch(docs: readonly PeerDoc[], options: { suggest: boolean }): PeerSearch {
  const index = new Document({ document: { id: 'id', index: ['title', 'text'] } });
  for (const d of docs) index.add({ id: Number(d.id), title: d.title, text: d.text });
  return (question, limit) => {
    const perField = index.search(question, { limit, ...(options.suggest ? { suggest: true } : {}) });
    const out: string[] = [];
    const seen = new Set<string>();
    const byField = new Map(perField.map((f) => [f.field, f.result]));
    for (const field of ['text', 'title']) {
      for (const id of byField.get(field) ?? []) {
        const key = String(id);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(key);
        }
      }
    }
    return out.slice(0, limit);
  };
}

const WORD_RE = /[\p{L}\p{N}]+(?:['’&.-][\p{L}\p{N}]+)*/gu;

/** The distinct lower-cased words of a question that a scan looks for (no stop words, no single letters). */
export function scanTerms(question: string): string[] {
  const terms = new Set<string>();
  for (const m of question.matchAll(WORD_RE)) {
    const w = normalizeWord(m[0]);
    if (w.length >= 2 && !isStopWord(w)) terms.add(w);
  }
  return [...terms];
}

/**
 * A brute-force scan: for every passage, counts the query words that occur (as substrings) in its
 * lower-cased title and text; the passages with the most words found win (ties: lower id first).
 */
export function buildScan(docs: readonly PeerDoc[]): PeerSearch {
  const ids = docs.map((d) => d.id);
  const texts = docs.map((d) => normalizeWord(`${d.title}\n${d.text}`));
  return (question, limit) => {
    const terms = scanTerms(question);
    if (terms.length === 0 || limit <= 0) return [];
    // The best `limit` (score, index) pairs, kept sorted by score descending.
    const top: { score: number; i: number }[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] as string;
      let score = 0;
      for (const t of terms) if (text.includes(t)) score++;
      if (score === 0) continue;
      if (top.length === limit && score <= (top[limit - 1] as { score: number }).score) continue;
      let at = top.length;
      while (at > 0 && (top[at - 1] as { score: number }).score < score) at--;
      top.splice(at, 0, { score, i });
      if (top.length > limit) top.pop();
    }
    return top.map((t) => ids[t.i] as string);
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

/** Latency figures of a series of timings, in milliseconds. */
export interface LatencySummary {
  n: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  mean_ms: number;
  max_ms: number;
}

/** The nearest-rank percentile `p` (0 < p ≤ 1) of sorted values; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Rounds to `digits` decimals (figures in the results keep 3 by default). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** p50, p90, p99, mean and max of timings in ms (nearest-rank percentiles). */
export function summarize(timings: readonly number[]): LatencySummary {
  const sorted = [...timings].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50_ms: round(percentile(sorted, 0.5)),
    p90_ms: round(percentile(sorted, 0.9)),
    p99_ms: round(percentile(sorted, 0.99)),
    mean_ms: round(mean),
    max_ms: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Heap in use and resident set size, in MiB. */
export interface MemorySample {
  heapMb: number;
  rssMb: number;
  externalMb: number;
}

const MIB = 1024 * 1024;

/**
 * Collects garbage (when node runs with --expose-gc; a few full collections, with turns of the
 * event loop between them so finalisers and freed buffers go too), then samples the memory.
 */
export async function settledMemory(): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
  }
  const m = process.memoryUsage();
  return { heapMb: m.heapUsed / MIB, rssMb: m.rss / MIB, externalMb: m.external / MIB };
}

/** True when garbage collection can be forced (node --expose-gc). */
export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

// ---------------------------------------------------------------------------------------------
// Question sets

/** A benchmark question and its kind (`sentence`, `keyword`, `head` from the generator; `eval` from the labelled set). */
export interface BenchQuestionItem {
  q: string;
  kind: string;
}

/** The labelled question set over the bundled corpus. */
export const EVAL_QUESTIONS = fileURLToPath(new URL('../test/eval/questions.json', import.meta.url));

/** The distinct questions of the labelled set (test/eval/questions.json), kind `eval`, in file order. */
export async function evalQuestions(file = EVAL_QUESTIONS): Promise<BenchQuestionItem[]> {
  const set = parseQuestionSet(JSON.parse(await readFile(file, 'utf8')), file);
  const seen = new Set<string>();
  const out: BenchQuestionItem[] = [];
  for (const q of set.questions) {
    if (seen.has(q.q)) continue;
    seen.add(q.q);
    out.push({ q: q.q, kind: 'eval' });
  }
  return out;
}

/**
 * `count` distinct generated questions (`generateQuestions`), none of them in `exclude`. The
 * generator repeats a few questions (short head queries especially); the set is topped up from
 * further seeds derived from `seed`. Deterministic.
 */
export function distinctQuestions(
  files: readonly GeneratedFile[],
  count: number,
  seed: number,
  exclude: ReadonlySet<string> = new Set(),
): BenchQuestionItem[] {
  const out: BenchQuestionItem[] = [];
  const seen = new Set(exclude);
  for (let round = 0; round < 20 && out.length < count; round++) {
    const batch = generateQuestions({ files, count, seed: seed + round * 7919 });
    for (const q of batch) {
      if (out.length >= count) break;
      if (seen.has(q.q)) continue;
      seen.add(q.q);
      out.push({ q: q.q, kind: q.kind });
    }
  }
  return out;
}

/**
 * Warm-up questions that the index declines: the given questions with every word's letters
 * shuffled (seeded), so that typo tolerance, corrections and "did you mean" suggestions run
 * during warm-up as they do for the timed questions that are declined. Never timed.
 */
export function scrambledQuestions(
  questions: readonly BenchQuestionItem[],
  count: number,
  seed: number,
): BenchQuestionItem[] {
  const rng = mulberry32(seed);
  return questions.slice(0, count).map(({ q }) => ({
    q: q.replace(/\p{L}{4,}/gu, (word) => {
      const letters = [...word];
      for (let i = letters.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [letters[i], letters[j]] = [letters[j] as string, letters[i] as string];
      }
      return letters.join('');
    }),
    kind: 'scrambled',
  }));
}
