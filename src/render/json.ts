/**
 * The JSON form of an answer (`npm run ask -- --json`): one object per question.
 * Shape: {question, answered, passages: [{text, quote, file, title, section,
 * paragraph, lines, score, url?, ...}], suggestions, related?, reason?, error?}; `url` is
 * the article's source link, present only when its front matter has one. A question the
 * articles mention but don't answer in kind (a price, a date, a name…) has `answered: false`,
 * a `reason` ("The articles don't say what it costs.") and the passages that mention its
 * subject under `related` (never under `passages`), with `subject`.
 */
import type { AskResult, CommandError } from '../commands/commands.js';
import type { AnswerPassage } from '../core/types.js';

export interface JsonPassage {
  text: string;
  quote: string;
  file: string;
  title: string;
  section: string;
  paragraph: number;
  lines: [number, number];
  offsets: [number, number];
  score: number;
  highlights: [number, number][];
  matched: string[];
  context?: string;
  /** The article's source link (front matter `url`), only when it has one. */
  url?: string;
}

export interface JsonAnswer {
  question: string;
  answered: boolean;
  passages: JsonPassage[];
  suggestions: string[];
  coverage?: number;
  reason?: string;
  /** Passages that mention the subject but don't hold the kind of answer asked for (declined answers only). */
  related?: JsonPassage[];
  /** What the related passages mention ("nanoGPT"). */
  subject?: string;
  /** Declined within one article but answered by these (files), when asked of all articles. */
  elsewhere?: string[];
  error?: { code: string; message: string };
}

function passageJson(p: AnswerPassage): JsonPassage {
  const o = p.passage.origin;
  const out: JsonPassage = {
    text: p.passage.text,
    quote: p.quote,
    file: o.file,
    title: o.title,
    section: o.section,
    paragraph: o.paragraph,
    lines: [o.lines[0], o.lines[1]],
    offsets: [o.offsets[0], o.offsets[1]],
    score: p.score,
    highlights: p.quoteHighlights.map(([s, e]) => [s, e]),
    matched: p.matchedTerms,
  };
  if (p.passage.context) out.context = p.passage.context;
  if (o.url) out.url = o.url;
  return out;
}

/** The JSON object for one question's result. */
export function answerJson(question: string, result: AskResult | CommandError): JsonAnswer {
  if (result.kind === 'error') {
    return {
      question,
      answered: false,
      passages: [],
      suggestions: [],
      error: { code: result.code, message: result.message },
    };
  }
  const a = result.answer;
  const out: JsonAnswer = {
    question: a.question,
    answered: a.answered,
    passages: a.passages.map(passageJson),
    suggestions: a.suggestions,
    coverage: Math.round(a.coverage * 1000) / 1000,
  };
  if (a.declineReason) out.reason = a.declineReason;
  if (result.elsewhere?.length) out.elsewhere = result.elsewhere.map((art) => art.file);
  if (a.related.length) {
    out.related = a.related.map(passageJson);
    if (a.subject) out.subject = a.subject;
  }
  return out;
}
