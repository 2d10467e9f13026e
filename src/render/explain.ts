/**
 * `ask --explain`: how the question was processed and why each passage ranked
 * where it did (matched terms and each term's share of the score).
 */
import { cosine, SEMANTIC, semanticEvidence } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import { originLabel } from '../core/parts.js';
import { passageSimilarity, rowSimilarities, unitsOf } from '../core/passage-units.js';
import { isStopWord, normalizeWord, termsOfToken, tokenize } from '../core/text.js';
import type { Answer, Span } from '../core/types.js';
import { renderQuote, type Style, terminalSafe } from './terminal.js';

export interface Explanation {
  words: { word: string; terms: string[]; dropped?: string }[];
  terms: { term: string; weight: number; idf: number; df: number }[];
  /** Pseudo-relevance-feedback terms added to the query, when that option is on. */
  expansion: { term: string; weight: number }[];
  passages: {
    label: string;
    /** The quote shown for the passage, and the ranges of it holding matched words. */
    quote: string;
    highlights: Span[];
    /** Where the passage is: file and line range. */
    file: string;
    lines: [number, number];
    score: number;
    matched: string[];
    parts: { term: string; score: number }[];
    /** Cosine similarity of the passage's own text to the question (semantic stage). */
    similarity?: number;
    /** The semantic stage's evidence: the mixed score, and the best sentence with its cosine and the heading's. */
    semantic?: { score: number; sentence: string; sentenceSimilarity: number; headingSimilarity: number };
    /** Taught questions that moved this passage (see core/learned-rank.ts). */
    learned?: TaughtMove[];
  }[];
  /** The taught `none` that declined the question, when one did. */
  declinedBy?: TaughtMove;
  semantic?: {
    lexicalWeight: number;
    unitWeights: { passage: number; sentence: number; heading: number };
    minSimilarity: number;
    minMargin: number;
    best: number;
    margin: number;
    smoothing: { candidates: number; neighbours: number; weight: number };
  };
  answered: boolean;
  coverage: number;
  reason?: string;
}

/** A taught question's effect, as explained. */
export interface TaughtMove {
  effect: 'lift' | 'lower' | 'decline';
  /** 0..1 */
  similarity: number;
  question: string;
  pickIds: number[];
}

export function explainQuestion(
  index: CorpusIndex,
  question: string,
  answer: Answer,
  queryVector?: Float32Array,
): Explanation {
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
  const vectors = queryVector ? index.vectors?.vectors : undefined;
  const units = index.vectors?.units;
  const evidence =
    queryVector && units ? semanticEvidence(index, queryVector, SEMANTIC, answer.article) : undefined;
  const sims = queryVector && units ? rowSimilarities(units, queryVector) : undefined;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const semanticOf = (id: number) => {
    if (!evidence || !units || !sims) return undefined;
    const e = passageSimilarity(units, sims, id);
    const passage = index.passages[id];
    const unit = passage ? unitsOf(passage)[e.bestUnit - (units.start[id] ?? 0)] : undefined;
    return {
      score: r3(evidence.scores[id] ?? 0),
      sentence: unit?.text ?? '',
      sentenceSimilarity: r3(e.sentence),
      headingSimilarity: r3(e.heading),
    };
  };
  const learned = new Map<number, TaughtMove[]>();
  for (const m of answer.learned?.moves ?? []) {
    const move: TaughtMove = {
      effect: m.effect,
      similarity: r3(m.similarity),
      question: m.question,
      pickIds: [...m.pickIds],
    };
    learned.set(m.passageId, [...(learned.get(m.passageId) ?? []), move]);
  }
  const declinedBy = answer.learned?.declinedBy;
  const passages = answer.passages.map((p) => {
    const v = vectors?.[p.passage.id];
    const sem = semanticOf(p.passage.id);
    return {
      label: originLabel(p.passage.origin),
      quote: p.quote,
      highlights: p.quoteHighlights,
      file: p.passage.origin.file,
      lines: p.passage.origin.lines,
      score: p.score,
      matched: p.matchedTerms,
      parts: index.scoreParts(question, p.passage.id),
      ...(v && queryVector ? { similarity: Math.round(cosine(queryVector, v) * 1000) / 1000 } : {}),
      ...(sem ? { semantic: sem } : {}),
      ...(learned.has(p.passage.id) ? { learned: learned.get(p.passage.id) } : {}),
    };
  });
  const first = index.ranking.prf ? index.search(question, { limit: index.ranking.prf.docs }) : [];
  const expansion = index
    .expansionTerms(analyzed, first)
    .map((e) => ({ term: e.term, weight: Math.round(e.weight * 1000) / 1000 }));
  const out: Explanation = {
    words,
    terms,
    expansion,
    passages,
    answered: answer.answered,
    coverage: answer.coverage,
    ...(answer.similarity !== undefined
      ? {
          semantic: {
            lexicalWeight: SEMANTIC.lexicalWeight,
            unitWeights: { ...SEMANTIC.unitWeights },
            minSimilarity: SEMANTIC.minSimilarity,
            minMargin: SEMANTIC.minMargin,
            best: answer.similarity,
            margin: r3(evidence?.margin ?? 0),
            smoothing: { ...SEMANTIC.smoothing },
          },
        }
      : {}),
  };
  if (answer.declineReason) out.reason = answer.declineReason;
  if (declinedBy) {
    out.declinedBy = {
      effect: 'decline',
      similarity: r3(declinedBy.similarity),
      question: declinedBy.question,
      pickIds: [...declinedBy.pickIds],
    };
  }
  return out;
}

export function renderExplain(e: Explanation, style: Style): string {
  const lines: string[] = [style.bold('Question words → index terms')];
  for (const w of e.words)
    lines.push(`  ${w.word} → ${w.terms.length ? w.terms.join(', ') : style.dim(`(dropped: ${w.dropped})`)}`);
  lines.push(style.bold('Query terms (weight, passages containing, idf)'));
  for (const t of e.terms) lines.push(`  ${t.term}  weight ${t.weight}  df ${t.df}  idf ${t.idf}`);
  if (e.expansion.length) {
    lines.push(style.bold('Feedback expansion (pseudo-relevance feedback, weight)'));
    lines.push(`  ${e.expansion.map((x) => `${x.term} ${x.weight}`).join(', ')}`);
  }
  if (e.semantic) {
    lines.push(
      style.bold(
        `Semantic stage: score = ${e.semantic.lexicalWeight} × lexical / best lexical + ${Math.round((1 - e.semantic.lexicalWeight) * 100) / 100} × semantic; closest passage ${Math.round(e.semantic.best * 100)}% similar (answers from ${Math.round(e.semantic.minSimilarity * 100)}%), ${Math.round(e.semantic.margin * 100)} points above the next ones${e.semantic.minMargin > 0 ? ` (answers from ${Math.round(e.semantic.minMargin * 100)})` : ''}`,
      ),
    );
    const w = e.semantic.unitWeights;
    lines.push(
      `  semantic = ${w.passage} × cosine of the passage + ${w.sentence} × of its best sentence + ${w.heading} × of its heading`,
    );
    const sm = e.semantic.smoothing;
    if (sm.weight > 0) {
      lines.push(
        `  then neighbour smoothing: each of the best ${sm.candidates} (at most) keeps ${Math.round((1 - sm.weight) * 100)}% of its score and takes ${Math.round(sm.weight * 100)}% from its ${sm.neighbours} most similar candidates (TF-IDF cosine)`,
      );
    }
  } else {
    lines.push(style.dim('Semantic stage: off (lexical ranking only)'));
  }
  lines.push(
    style.bold(
      `Decision: ${e.answered ? 'answered' : 'declined'} (key-word coverage ${Math.round(e.coverage * 100)}%)${e.reason ? ` — ${e.reason}` : ''}`,
    ),
  );
  if (e.declinedBy) lines.push(`  ${taughtLine(e.declinedBy)}`);
  e.passages.forEach((p, i) => {
    lines.push(
      `${i + 1}. ${terminalSafe(p.label)}  score ${p.score}${p.similarity !== undefined ? `  cosine ${p.similarity}` : ''}`,
    );
    lines.push(`   “${renderQuote(p.quote, p.highlights, style)}”`);
    lines.push(style.dim(`   ${terminalSafe(p.file)}, lines ${p.lines[0]}–${p.lines[1]}`));
    lines.push(
      `   matched: ${p.matched.length ? p.matched.join(', ') : '(no shared words: found by meaning)'}`,
    );
    if (p.semantic) {
      lines.push(
        `   semantic ${p.semantic.score}: best sentence ${p.semantic.sentenceSimilarity}, heading ${p.semantic.headingSimilarity}`,
      );
      lines.push(style.dim(`   closest sentence: “${terminalSafe(p.semantic.sentence)}”`));
    }
    for (const part of p.parts) lines.push(`   BM25 ${part.term}: ${part.score}`);
    for (const m of p.learned ?? []) lines.push(`   ${taughtLine(m)}`);
  });
  return lines.join('\n');
}

/** `lifted by a taught question (87% similar): "…", pick #12` */
function taughtLine(m: TaughtMove): string {
  const what = { lift: 'lifted by', lower: 'lowered by', decline: 'declined by' }[m.effect];
  const verdict = m.effect === 'lift' ? '' : ' marked as not answered';
  const picks = m.pickIds.map((id) => `#${id}`).join(', ');
  return `${what} a taught question${verdict} (${Math.round(m.similarity * 100)}% similar): “${terminalSafe(m.question)}”, ${m.pickIds.length > 1 ? 'picks' : 'pick'} ${picks}`;
}
