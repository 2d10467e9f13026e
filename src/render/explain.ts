/**
 * `ask --explain`: how the question was processed and why each passage ranked
 * where it did (matched terms and each term's share of the score).
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import { originLabel } from '../core/parts.js';
import { isStopWord, normalizeWord, termsOfToken, tokenize } from '../core/text.js';
import type { Answer } from '../core/types.js';
import type { Style } from './terminal.js';

export interface Explanation {
  words: { word: string; terms: string[]; dropped?: string }[];
  terms: { term: string; weight: number; idf: number; df: number }[];
  passages: {
    label: string;
    score: number;
    matched: string[];
    parts: { term: string; score: number }[];
  }[];
  answered: boolean;
  coverage: number;
  reason?: string;
}

export function explainQuestion(index: CorpusIndex, question: string, answer: Answer): Explanation {
  const words = tokenize(question).map((t) => {
    const terms = termsOfToken(t.text);
    const w = normalizeWord(t.text);
    return terms.length
      ? { word: t.text, terms }
      : { word: t.text, terms, dropped: isStopWord(w) ? 'stop word' : 'too short' };
  });
  const analyzed = index.analyze(question);
  const terms = analyzed.map((t) => ({
    term: t.term,
    weight: t.weight,
    idf: Math.round(index.idf(t.term) * 100) / 100,
    df: index.docFreq(t.term),
  }));
  const passages = answer.passages.map((p) => ({
    label: originLabel(p.passage.origin),
    score: p.score,
    matched: p.matchedTerms,
    parts: index.scoreParts(question, p.passage.id),
  }));
  const out: Explanation = { words, terms, passages, answered: answer.answered, coverage: answer.coverage };
  if (answer.declineReason) out.reason = answer.declineReason;
  return out;
}

export function renderExplain(e: Explanation, style: Style): string {
  const lines: string[] = [style.bold('Question words → index terms')];
  for (const w of e.words)
    lines.push(`  ${w.word} → ${w.terms.length ? w.terms.join(', ') : style.dim(`(dropped: ${w.dropped})`)}`);
  lines.push(style.bold('Query terms (weight, passages containing, idf)'));
  for (const t of e.terms) lines.push(`  ${t.term}  weight ${t.weight}  df ${t.df}  idf ${t.idf}`);
  lines.push(
    style.bold(
      `Decision: ${e.answered ? 'answered' : 'declined'} (coverage ${Math.round(e.coverage * 100)}%)${e.reason ? ` — ${e.reason}` : ''}`,
    ),
  );
  e.passages.forEach((p, i) => {
    lines.push(`${i + 1}. ${p.label}  score ${p.score}`);
    lines.push(`   matched: ${p.matched.join(', ')}`);
    for (const part of p.parts) lines.push(`   ${part.term}: ${part.score}`);
  });
  return lines.join('\n');
}
