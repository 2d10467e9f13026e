/**
 * What kind of answer a question wants, and whether a passage can hold one.
 *
 * "How much does nanoGPT cost?" finds the passage that mentions nanoGPT, but that passage
 * names no price: quoting it as the answer would be wrong. So the question's answer type
 * (amount, date, count, person, place, steps, yes/no, definition, other) is read from its
 * shape, and the best passages are checked for something of that type: a currency amount
 * or cost figure, a date or year, a number, a name, a place, instructions. When none of
 * them has one, the question is declined with a reason, and the passages are shown as
 * what the articles do say about the subject.
 *
 * Pure rules of English question and text shape, no word of any article: a library
 * (compromise) was tried on the corpus and tagged "foster" as a person and "Hugging Face
 * Transformers library" as a place, and found none of Meta, Masakhane or DeepMind as an
 * organisation, so it would not have decided better than the capitalisation rules here.
 * Yes/no, definition and other questions are never declined here.
 */
import { type PassageText, passageHolds } from './answer-evidence.js';
import { questionShape, type QuestionShape, typeWords, unsaidReason } from './question-shape.js';
import { normalizeWord, termsOfToken, tokenize } from './text.js';
import type { AnswerPassage } from './types.js';

export { type PassageText, passageHolds } from './answer-evidence.js';
export {
  type AnswerType,
  type QuestionShape,
  questionShape,
  typeWords,
  unsaidReason,
} from './question-shape.js';

/** The check's verdict: the type, and the reason when none of the passages holds an answer of it. */
export interface AnswerTypeCheck {
  shape: QuestionShape;
  /** Set when the passages mention the subject but hold no answer of the type. */
  reason?: string;
}

/** Checks the best passages against the answer type of the question. */
export function checkAnswerType(question: string, passages: readonly PassageText[]): AnswerTypeCheck {
  const shape = questionShape(question);
  if (passages.length === 0 || passages.some((p) => passageHolds(shape, p, question))) return { shape };
  return { shape, reason: unsaidReason(shape) };
}

/**
 * The subject the passages mention: the names among the question's words they matched
 * (runs of capitalised words: "nanoGPT", "Hugging Face", "Stability AI"), else the matched
 * words as phrases in the question's order; at most three, possessives dropped.
 */
export function mentionedSubject(question: string, matchedTerms: Iterable<string>): string {
  const matched = new Set(matchedTerms);
  const phrases: string[][] = [];
  const names: string[][] = [];
  let phrase: string[] = [];
  let name: string[] = [];
  const flush = () => {
    if (phrase.length) phrases.push(phrase);
    if (name.length) names.push(name);
    phrase = [];
    name = [];
  };
  for (const t of tokenize(question)) {
    const word = t.text.replace(/['’]s$/u, '');
    if (!termsOfToken(t.text).some((term) => matched.has(term))) {
      flush();
      continue;
    }
    phrase.push(word);
    if (/\p{Lu}|\d/u.test(word)) name.push(word);
    else if (name.length) {
      names.push(name);
      name = [];
    }
  }
  flush();
  const chosen = (names.length ? names : phrases).slice(0, 3).map((p) => p.join(' '));
  return chosen.length <= 1 ? (chosen[0] ?? '') : `${chosen.slice(0, -1).join(', ')} and ${chosen.at(-1)}`;
}

/**
 * The hook for answerQuestion: given the passages about to be shown, the decline fields when
 * none of them holds an answer of the question's type, else undefined.
 */
export function answerTypeDecline(
  question: string,
  shown: readonly AnswerPassage[],
): { declineReason: string; related: AnswerPassage[]; subject: string } | undefined {
  const check = checkAnswerType(
    question,
    shown.map((p) => ({
      text: p.passage.text,
      section: p.passage.origin.section,
      ...(p.passage.context !== undefined ? { context: p.passage.context } : {}),
    })),
  );
  if (check.reason === undefined) return undefined;
  // Related passages are those that match a word of the subject, not only "cost" or "founded".
  const asks = typeWords(question);
  const subjectTerms = new Set(
    tokenize(question)
      .filter((t) => !asks.has(normalizeWord(t.text)))
      .flatMap((t) => termsOfToken(t.text)),
  );
  const about = shown.filter((p) => p.matchedTerms.some((t) => subjectTerms.has(t)));
  const related = about.length ? about : [...shown];
  return {
    declineReason: check.reason,
    related,
    subject: mentionedSubject(
      question,
      related.flatMap((p) => p.matchedTerms),
    ),
  };
}
