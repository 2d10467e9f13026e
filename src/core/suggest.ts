/**
 * Query suggestions in the corpus's own words: "did you mean" corrections of words the
 * corpus doesn't contain, and completions for autocomplete.
 */
import type MiniSearch from 'minisearch';
import type { HeadList } from './head-terms.js';
import type { IndexedDoc } from './index-types.js';
import { postingTree } from './minisearch-internals.js';
import { editDistance, normalizeWord, termsOf, termsOfToken } from './text.js';

/** What suggestions read of a snapshot. */
export interface SuggestSource {
  readonly ms: MiniSearch<IndexedDoc>;
  readonly head: ReadonlyMap<string, HeadList>;
  docFreq(term: string): number;
  surfaceOf(term: string, near?: string): string;
}

/**
 * Query suggestions for a partial question (autocomplete and "did you mean"),
 * written in the corpus's own words.
 */
export function suggestQueries(index: SuggestSource, question: string, limit = 5): string[] {
  const q = question.trim();
  if (!q) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (s: string) => {
    const key = s.toLowerCase();
    if (s && !seen.has(key) && key !== q.toLowerCase()) {
      seen.add(key);
      out.push(s);
    }
  };
  // 1. The question with its unknown words replaced by the nearest known ones.
  const corrected = correctQuestion(index, q);
  if (corrected) push(corrected);
  // 2. MiniSearch's own suggestions, in surface form: from the question's known words that
  //    are not head terms (typos are handled by step 1), the last one completed as a prefix.
  const words = [...new Set(termsOf(q))].filter((t) => !index.head.has(t));
  const suggestions = words.length
    ? index.ms.autoSuggest(words.join(' '), {
        tokenize: (s) => s.split(' '),
        processTerm: (t) => t,
        fuzzy: false,
        prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
      })
    : [];
  for (const s of suggestions.slice(0, limit * 2)) {
    // One written word can stand for several index terms ("RISC-V": risc-v, risc, v): say it once.
    const forms = s.terms.map((t) => index.surfaceOf(t)).filter((f, i, all) => f !== all[i - 1]);
    push(forms.join(' '));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

/** The question with each word unknown to the corpus replaced by its nearest known word, or undefined. */
export function correctQuestion(index: SuggestSource, question: string): string | undefined {
  let changed = false;
  const text = question.replace(/[\p{L}\p{N}]+(?:['’&.-][\p{L}\p{N}]+)*/gu, (word) => {
    const terms = termsOfToken(word);
    if (terms.length === 0 || terms.some((t) => index.docFreq(t) > 0)) return word;
    const term = terms[0] as string;
    if (term.length < 4) return word;
    const maxEdits = word.length >= 7 ? 2 : 1;
    const lower = normalizeWord(word);
    const candidates = nearTerms(index, term, maxEdits)
      .map((t) => ({ form: index.surfaceOf(t, word), df: index.docFreq(t) }))
      .map((c) => ({ ...c, d: editDistance(normalizeWord(c.form), lower) }))
      .filter((c) => c.d <= maxEdits)
      .sort((a, b) => a.d - b.d || b.df - a.df);
    const form = candidates[0]?.form;
    // Follow the user's case unless the word has inner capitals ("nanoGPT", "PyTorch").
    const best = form && !/.\p{Lu}/u.test(form) && word === word.toLowerCase() ? form.toLowerCase() : form;
    if (!best) return word;
    changed = true;
    return best;
  });
  return changed ? text : undefined;
}

/** Index terms within `distance` edits of `term`, from the index's vocabulary tree (no scoring). */
function nearTerms(index: SuggestSource, term: string, distance: number): string[] {
  return [...postingTree(index.ms).fuzzyGet(term, distance).keys()];
}
