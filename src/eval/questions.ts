/**
 * Runs a labelled question set against a snapshot and computes Hit@1, Hit@3 and
 * MRR by kind, plus how many unanswerable questions were declined and how many
 * answerable ones were wrongly declined, and how many answers the relevance cut-off
 * shortened. A hit counts only when the passage is shown (not cut off); MRR reads the
 * whole ranking (shown passages, then "more").
 */
import {
  type AnswerOptions,
  answerQuestion,
  DEFAULT_RESULTS,
  type SemanticSettings,
} from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Passage } from '../core/types.js';

export type QuestionKind = 'lexical' | 'paraphrase' | 'typo' | 'keyword' | 'unanswerable';

/** The question-set file format (test/eval/questions.json). */
export interface QuestionSet {
  files: Record<string, string>;
  questions: { kind: QuestionKind; q: string; expect?: Expected[]; topic?: 'on' | 'off' }[];
}

export interface KindFigures {
  kind: QuestionKind;
  n: number;
  hit1: number;
  hit3: number;
  mrr: number;
  /** Share declined (for unanswerable: the right outcome; otherwise: wrong). */
  declined: number;
}

export interface QuestionEval {
  byKind: KindFigures[];
  answerable: { n: number; wronglyDeclined: number };
  unanswerable: {
    n: number;
    declined: number;
    /** The same for unanswerable questions marked on-topic and off-topic (`topic`), when any are. */
    byTopic: { on: { n: number; declined: number }; off: { n: number; declined: number } };
  };
  misses: { kind: QuestionKind; q: string; rank: number | null; declined: boolean }[];
  /**
   * Answers (of the answered questions, DEFAULT_RESULTS asked for) that the relevance
   * cut-off shows fewer passages than were available, and how many it cut on average.
   */
  shrunk: { answers: number; of: number; meanCut: number };
}

/** An expected passage: [file key, a verbatim piece of its text]. */
export type Expected = [string, string];

/** Whether `passage` is one of `expect` (in the file its key names, holding the piece). */
export function isExpected(
  passage: Passage,
  expect: readonly Expected[] | undefined,
  files: Readonly<Record<string, string>>,
): boolean {
  return (expect ?? []).some(
    ([f, piece]) => passage.origin.file === files[f] && passage.text.includes(piece),
  );
}

/**
 * Checks what every labelled set has (an object with `files` and `questions`, each question's text,
 * the file keys it expects) and, through `check`, what a kind of set adds; throws an error naming
 * the bad entry (`check` gets "SOURCE: question N" to begin its messages with).
 */
export function checkLabelledSet<
  Q extends { q: unknown; expect?: readonly Expected[] },
  S extends { files: Record<string, string>; questions: Q[] },
>(json: unknown, source: string, check: (q: Q, at: string) => void): S {
  const d = json as S;
  if (!d || typeof d !== 'object' || !Array.isArray(d.questions) || typeof d.files !== 'object') {
    throw new Error(`${source}: expected an object with "files" and "questions"`);
  }
  d.questions.forEach((q, i) => {
    const at = `${source}: question ${i + 1}`;
    if (typeof q.q !== 'string' || !q.q.trim()) throw new Error(`${at} has no text`);
    check(q, at);
    for (const [f] of q.expect ?? []) {
      if (!(f in d.files)) throw new Error(`${at} names unknown file key ${JSON.stringify(f)}`);
    }
  });
  return d;
}

/** Validates the parsed question-set file; throws an error naming the bad entry. */
export function parseQuestionSet(json: unknown, source = 'question set'): QuestionSet {
  return checkLabelledSet<QuestionSet['questions'][number], QuestionSet>(json, source, (q, at) => {
    if (q.kind !== 'unanswerable' && (!Array.isArray(q.expect) || q.expect.length === 0)) {
      throw new Error(`${at} (${JSON.stringify(q.q)}) has no expected passage`);
    }
    if (q.topic !== undefined && q.topic !== 'on' && q.topic !== 'off') {
      throw new Error(`${at} has topic ${JSON.stringify(q.topic)} (expected "on" or "off")`);
    }
  });
}

const RANK_DEPTH = 10;

/**
 * Evaluates a question set. Hits are judged on the ranking; declines separately. `extra`: what was
 * taught (AnswerOptions.teaching), for every question.
 */
export function evaluateQuestions(
  index: CorpusIndex,
  set: QuestionSet,
  queryVectors?: ReadonlyMap<string, Float32Array>,
  semantic?: Partial<SemanticSettings>,
  extra: Pick<AnswerOptions, 'teaching'> = {},
): QuestionEval {
  const kinds: QuestionKind[] = ['lexical', 'paraphrase', 'typo', 'keyword', 'unanswerable'];
  const acc = new Map<
    QuestionKind,
    { n: number; hit1: number; hit3: number; rr: number; declined: number }
  >();
  for (const k of kinds) acc.set(k, { n: 0, hit1: 0, hit3: 0, rr: 0, declined: 0 });
  const misses: QuestionEval['misses'] = [];
  const topics = { on: { n: 0, declined: 0 }, off: { n: 0, declined: 0 } };
  let answered = 0;
  let shrunk = 0;
  let cut = 0;
  for (const item of set.questions) {
    const a = acc.get(item.kind);
    if (!a) continue;
    a.n++;
    const queryVector = queryVectors?.get(item.q);
    const v = { ...extra, ...(queryVector ? { queryVector, ...(semantic ? { semantic } : {}) } : {}) };
    const ranked = answerQuestion(index, item.q, { results: RANK_DEPTH, more: 0, decide: false, ...v });
    const normal = answerQuestion(index, item.q, { results: DEFAULT_RESULTS, more: 0, ...v });
    const declined = !normal.answered;
    if (declined) a.declined++;
    else {
      answered++;
      const available = Math.min(DEFAULT_RESULTS, normal.passages.length + normal.more.length);
      if (normal.passages.length < available) {
        shrunk++;
        cut += available - normal.passages.length;
      }
    }
    if (item.kind === 'unanswerable') {
      const t = item.topic === 'on' || item.topic === 'off' ? topics[item.topic] : undefined;
      if (t) {
        t.n++;
        if (declined) t.declined++;
      }
      if (!declined) misses.push({ kind: item.kind, q: item.q, rank: null, declined });
      continue;
    }
    const idx = [...ranked.passages, ...ranked.more].findIndex((ap) =>
      isExpected(ap.passage, item.expect, set.files),
    );
    const rank = idx >= 0 ? idx + 1 : null;
    const shown = idx >= 0 && idx < ranked.passages.length;
    if (shown && rank === 1) a.hit1++;
    if (shown && rank !== null && rank <= 3) a.hit3++;
    if (rank !== null) a.rr += 1 / rank;
    if (rank === null || rank > 3 || !shown || declined)
      misses.push({ kind: item.kind, q: item.q, rank, declined });
  }
  const byKind: KindFigures[] = kinds
    .map((kind) => {
      const a = acc.get(kind) ?? { n: 0, hit1: 0, hit3: 0, rr: 0, declined: 0 };
      const n = a.n || 1;
      return { kind, n: a.n, hit1: a.hit1 / n, hit3: a.hit3 / n, mrr: a.rr / n, declined: a.declined / n };
    })
    .filter((k) => k.n > 0);
  const answerableKinds = byKind.filter((k) => k.kind !== 'unanswerable');
  const answerableN = answerableKinds.reduce((s, k) => s + k.n, 0);
  const wrong = answerableKinds.reduce((s, k) => s + k.declined * k.n, 0);
  const un = byKind.find((k) => k.kind === 'unanswerable');
  return {
    byKind,
    answerable: { n: answerableN, wronglyDeclined: answerableN ? wrong / answerableN : 0 },
    unanswerable: {
      n: un?.n ?? 0,
      declined: un?.declined ?? 0,
      byTopic: {
        on: { n: topics.on.n, declined: topics.on.n ? topics.on.declined / topics.on.n : 0 },
        off: { n: topics.off.n, declined: topics.off.n ? topics.off.declined / topics.off.n : 0 },
      },
    },
    misses,
    shrunk: { answers: shrunk, of: answered, meanCut: shrunk ? cut / shrunk : 0 },
  };
}

/** Hit@3 over a group of kinds (e.g. lexical + keyword + typo, "questions that share key words"). */
export function hit3Of(result: QuestionEval, kinds: QuestionKind[]): number {
  const sel = result.byKind.filter((k) => kinds.includes(k.kind));
  const n = sel.reduce((s, k) => s + k.n, 0);
  return n ? sel.reduce((s, k) => s + k.hit3 * k.n, 0) / n : 0;
}

/** The headline figures of one split, as `npm run eval` prints them side by side. */
export interface SplitSummary {
  shared3: number;
  paraphrase3: number;
  paraphrase1: number;
  unanswerable: { n: number; declined: number };
  onTopic: { n: number; declined: number };
  offTopic: { n: number; declined: number };
  answerable: { n: number; wronglyDeclined: number };
}

/** The headline figures of an evaluation. */
export function summarize(r: QuestionEval): SplitSummary {
  const p = r.byKind.find((k) => k.kind === 'paraphrase');
  return {
    shared3: hit3Of(r, ['lexical', 'keyword', 'typo']),
    paraphrase3: p?.hit3 ?? 0,
    paraphrase1: p?.hit1 ?? 0,
    unanswerable: { ...r.unanswerable },
    onTopic: r.unanswerable.byTopic.on,
    offTopic: r.unanswerable.byTopic.off,
    answerable: r.answerable,
  };
}

/** The summaries of one or more splits as a table, one column per split. */
export function renderSummaries(columns: [string, SplitSummary][]): string {
  const f3 = (x: number) => x.toFixed(3);
  const count = (c: { n: number; declined: number }) =>
    c.n ? `${Math.round(c.declined * c.n)}/${c.n} (${f3(c.declined)})` : '—';
  const rows: [string, (s: SplitSummary) => string][] = [
    ['shared-word Hit@3 (lexical+keyword+typo)', (s) => f3(s.shared3)],
    ['paraphrase Hit@3', (s) => f3(s.paraphrase3)],
    ['paraphrase Hit@1', (s) => f3(s.paraphrase1)],
    ['unanswerable declined', (s) => count(s.unanswerable)],
    ['  on-topic declined', (s) => count(s.onTopic)],
    ['  off-topic declined', (s) => count(s.offTopic)],
    [
      'answerable wrongly declined',
      (s) => count({ n: s.answerable.n, declined: s.answerable.wronglyDeclined }),
    ],
  ];
  const width = 42;
  const col = 18;
  const lines = [`${'figure'.padEnd(width)}${columns.map(([name]) => name.padEnd(col)).join('')}`];
  for (const [label, get] of rows) {
    lines.push(`${label.padEnd(width)}${columns.map(([, s]) => get(s).padEnd(col)).join('')}`);
  }
  return lines.map((l) => l.trimEnd()).join('\n');
}
