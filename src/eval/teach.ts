/**
 * Measures learning from picks on a pair set: questions taught by a moderator (test/eval/teach.jsonl,
 * resolved to passages by the caller) and second wordings of them (test/eval/rewordings.json), split
 * into dev and test. For each split: how often a rewording's taught passage is shown first and in
 * the top 3 before and after teaching, how many rewordings of a taught `none` are declined before and
 * after, and what teaching does to the questions nobody taught (the labelled question sets).
 */
import { answerQuestion, DEFAULT_RESULTS } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import {
  type TaughtQuestion,
  TeachingIndex,
  type TeachingSettings,
  type TaughtVerdict,
} from '../core/teaching.js';
import { evaluateQuestions, hit3Of, type QuestionSet, summarize } from './questions.js';

/** One taught line, resolved to passages of the snapshot. */
export interface TeachLine {
  question: string;
  verdict: TaughtVerdict;
  /** `answer`: the passage that answers; `none`: the passages wrongly shown (may be empty). */
  passageIds: number[];
}

/** A second wording of a taught line (`teach`: its position in the taught lines). */
export interface Rewording {
  split: 'dev' | 'test';
  teach: number;
  question: string;
  verdict: TaughtVerdict;
}

/** What was measured on the questions nobody taught. */
export interface UntaughtFigures {
  /** Hit@3 over every answerable question. */
  hit3: number;
  paraphrase3: number;
  paraphrase1: number;
  unanswerableDeclined: number;
  wronglyDeclined: number;
}

/** The figures of one split. */
export interface SplitTeaching {
  /** Rewordings of taught answers: their passage first / in the top 3 of the answer (a decline misses). */
  answer: {
    n: number;
    before: { hit1: number; hit3: number; declined: number };
    after: { hit1: number; hit3: number; declined: number };
  };
  /** Rewordings of taught `none`: the share declined. */
  none: { n: number; before: number; after: number };
  untaught?: { without: UntaughtFigures; with: UntaughtFigures };
}

export type TeachingFigures = Record<'dev' | 'test', SplitTeaching>;

/** What `measureTeaching` needs (`vectors`: the questions' vectors by text, when the semantic stage is on). */
export interface TeachingMeasure {
  index: CorpusIndex;
  taught: readonly TeachLine[];
  rewordings: readonly Rewording[];
  untaught?: Partial<Record<'dev' | 'test', QuestionSet>>;
  settings?: Partial<TeachingSettings>;
  /**
   * What was taught, as the bot would hold it (src/learning/learning.ts, from a store); default:
   * `taught` as moderators' picks. `taught` still says which passage each rewording expects.
   */
  teaching?: TeachingIndex;
}

/** The taught lines as a moderator's picks would teach them (weight 1), with their vectors by text. */
export function teachingOf(
  index: CorpusIndex,
  lines: readonly TeachLine[],
  vectors?: ReadonlyMap<string, Float32Array>,
  settings?: Partial<TeachingSettings>,
): TeachingIndex {
  const taught: TaughtQuestion[] = lines.map((l, i) => {
    const vector = vectors?.get(l.question.trim());
    return {
      pickIds: [i + 1],
      question: l.question,
      terms: index.analyze(l.question),
      ...(vector ? { vector } : {}),
      verdict: l.verdict,
      passageIds: [...l.passageIds],
      weight: 1,
      moderator: true,
    };
  });
  return new TeachingIndex(index, taught, settings);
}

/** The figures of a question set nobody taught, asked with `teaching` or without it. */
export function untaughtFigures(
  index: CorpusIndex,
  set: QuestionSet,
  vectors: ReadonlyMap<string, Float32Array> | undefined,
  teaching?: TeachingIndex,
): UntaughtFigures {
  const r = evaluateQuestions(index, set, vectors, undefined, teaching ? { teaching } : {});
  const s = summarize(r);
  return {
    hit3: hit3Of(r, ['lexical', 'keyword', 'typo', 'paraphrase']),
    paraphrase3: s.paraphrase3,
    paraphrase1: s.paraphrase1,
    unanswerableDeclined: s.unanswerable.declined,
    wronglyDeclined: s.answerable.wronglyDeclined,
  };
}

/**
 * The figures with the question vectors already made (`vectors` by trimmed text; without them the
 * answers are lexical and taught questions are compared by their terms alone). Synchronous, for
 * calibration loops.
 */
export function measureTeachingWith(
  m: TeachingMeasure,
  vectors?: ReadonlyMap<string, Float32Array>,
  parts: {
    /** Measure the untaught question sets (default true). */
    untaught?: boolean;
    /** Splits to measure (default both; a split left out has zero figures). */
    splits?: readonly ('dev' | 'test')[];
    /** Figures of an earlier call on the same data: its "before" and "without" are reused. */
    baseline?: TeachingFigures;
  } = {},
): TeachingFigures {
  const { index } = m;
  const teaching = m.teaching ?? teachingOf(index, m.taught, vectors, m.settings);
  const ask = (q: string, withTeaching: boolean) => {
    const queryVector = vectors?.get(q.trim());
    return answerQuestion(index, q, {
      results: DEFAULT_RESULTS,
      ...(queryVector ? { queryVector } : {}),
      ...(withTeaching ? { teaching } : {}),
    });
  };
  const split = (name: 'dev' | 'test'): SplitTeaching => {
    const base = parts.baseline?.[name];
    const items = m.rewordings.filter((r) => r.split === name && m.taught[r.teach]);
    const answers = items.filter((r) => r.verdict === 'answer');
    const nones = items.filter((r) => r.verdict === 'none');
    const rate = (xs: readonly Rewording[], ok: (r: Rewording) => boolean) =>
      xs.length ? xs.filter(ok).length / xs.length : 0;
    const figures = (withTeaching: boolean) => {
      const outcomes = answers.map((r) => {
        const a = ask(r.question, withTeaching);
        const target = new Set((m.taught[r.teach] as TeachLine).passageIds);
        const at = a.passages.findIndex((p) => target.has(p.passage.id));
        return { declined: !a.answered, at };
      });
      const share = (ok: (o: (typeof outcomes)[number]) => boolean) =>
        outcomes.length ? outcomes.filter(ok).length / outcomes.length : 0;
      return {
        hit1: share((o) => o.at === 0),
        hit3: share((o) => o.at >= 0 && o.at < 3),
        declined: share((o) => o.declined),
      };
    };
    const out: SplitTeaching = {
      answer: { n: answers.length, before: base?.answer.before ?? figures(false), after: figures(true) },
      none: {
        n: nones.length,
        before: base?.none.before ?? rate(nones, (r) => !ask(r.question, false).answered),
        after: rate(nones, (r) => !ask(r.question, true).answered),
      },
    };
    const set = m.untaught?.[name];
    if (set && parts.untaught !== false) {
      out.untaught = {
        without: base?.untaught?.without ?? untaughtFigures(index, set, vectors),
        with: untaughtFigures(index, set, vectors, teaching),
      };
    }
    return out;
  };
  const splits = parts.splits ?? ['dev', 'test'];
  const empty = (): SplitTeaching => {
    const zero = { hit1: 0, hit3: 0, declined: 0 };
    return { answer: { n: 0, before: zero, after: zero }, none: { n: 0, before: 0, after: 0 } };
  };
  return {
    dev: splits.includes('dev') ? split('dev') : empty(),
    test: splits.includes('test') ? split('test') : empty(),
  };
}

/**
 * Measures teaching (see the file's comment). With `embed` and a snapshot holding passage vectors,
 * every question is embedded and the semantic stage runs; without, answers are lexical.
 */
export async function measureTeaching(
  m: TeachingMeasure & { embed?: (texts: string[]) => Promise<Float32Array[]> },
): Promise<TeachingFigures> {
  let vectors: Map<string, Float32Array> | undefined;
  if (m.embed && m.index.vectors) {
    const texts = new Set<string>();
    for (const l of m.taught) texts.add(l.question.trim());
    for (const r of m.rewordings) texts.add(r.question.trim());
    for (const set of Object.values(m.untaught ?? {})) for (const q of set.questions) texts.add(q.q.trim());
    const list = [...texts];
    const made = await m.embed(list);
    vectors = new Map(list.map((t, i) => [t, made[i] as Float32Array]));
  }
  return measureTeachingWith(m, vectors);
}
