/**
 * Tokenising and term processing shared by indexing, searching and highlighting.
 *
 * A token is a run of letters and digits, possibly joined by an inner hyphen,
 * apostrophe (straight or curly), ampersand, dot or middle dot: "open-source",
 * "RISC-V", "GPT-2", "R&D", "OpenAI’s", "fast.ai". Each token yields its whole
 * form and its parts, so both "open-source" and "source" find it.
 */
import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/** A token of a text with its [start, end) range. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** Invisible characters that may sit inside a word (soft hyphen, zero-width space/joiners, word joiner, BOM). */
const INVISIBLE = '\\u00AD\\u200B-\\u200D\\u2060\\uFEFF';
const TOKEN_RE = new RegExp(
  `[\\p{L}\\p{N}](?:[${INVISIBLE}]*[\\p{L}\\p{N}])*(?:['’&.·\\-‐‑][${INVISIBLE}]*[\\p{L}\\p{N}](?:[${INVISIBLE}]*[\\p{L}\\p{N}])*)*`,
  'gu',
);
const INVISIBLE_RE = new RegExp(`[${INVISIBLE}]`, 'gu');
const JOINERS_RE = /['’&.·\-‐‑]/u;
const PART_SPLIT_RE = /['’&.·\-‐‑]+/u;
const COMBINING_RE = /\p{M}+/gu;
const POSSESSIVE_RE = /['’]s$/u;

const STOP_WORDS: ReadonlySet<string> = new Set([
  ...eng,
  // Question words and fillers that the stop list lacks but that never carry a topic.
  'whats',
  'does',
  'did',
  'doing',
  'can',
  'could',
  'would',
  'should',
  'tell',
  'please',
  'explain',
  'describe',
  'much',
  'many',
  'also',
  'us',
  'let',
  'lets',
  // Conversational filler of chat messages ("does anyone know what nanoGPT is?").
  'anyone',
  'anybody',
  'someone',
  'somebody',
  'know',
  'knows',
  'wonder',
  'wondering',
  'curious',
  'hey',
  'hi',
  'hello',
  'thanks',
  'thank',
  'guys',
  'folks',
  'actually',
  'really',
  'basically',
]);

/** Splits text into tokens with their positions. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  // exec on a private copy of the global regex: cheaper than matchAll's iterator.
  const re = TOKENIZE_RE;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}
const TOKENIZE_RE = new RegExp(TOKEN_RE.source, 'gu');

/** The tokens of a text as strings only (cheaper than `tokenize` when positions aren't needed). */
export function tokenTexts(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

/** Lower-cases, folds diacritics and curly apostrophes. */
export function normalizeWord(word: string): string {
  return word
    .replace(INVISIBLE_RE, '')
    .normalize('NFKD')
    .replace(COMBINING_RE, '')
    .toLowerCase()
    .replace(/’/gu, "'");
}

/** A token as a readable word: invisible characters removed, curly apostrophes straightened. */
export function visibleForm(token: string): string {
  return token.replace(INVISIBLE_RE, '').replace(/’/gu, "'");
}

/** True when the normalised word is an English stop word. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || STOP_WORDS.has(word.replace(/'/gu, ''));
}

/**
 * British → American spelling, by general suffix rules, so both spellings meet (indexing and
 * queries both pass through here). Rules, each a regular pattern of English spelling rather
 * than a list of words:
 * - -ise/-isation → -ize/-ization after the letter pairs that form -ize verbs (al, an, ar, at, en,
 *   ic, id, il, im, it, ol, om, on, or, ur, er, gn, as, rd: "organise", "standardise", "democratisation",
 *   "recognise", "emphasise"), not after others, so "precise", "revise", "exercise", "noise"
 *   and "rise" stay (their families, "precision", "revision", must keep meeting);
 * - -yse → -yze ("analyse", "paralysed"); -our → -or in words of six letters or more
 *   ("colour", "behaviours", "favourite", "neighbourhood"; "four", "hour", "flour" stay);
 * - -tre/-bre → -ter/-ber ("centre", "metres", "fibre", "centred" → "centered");
 * - -logue → -log ("catalogue", "dialogue"); -gramme → -gram ("programme");
 * - after stemming, -enc → -ens ("licence"/"license", "defence"/"defense": see stemWord).
 * Doubled -ll- ("modelling", "travelled") needs no rule: the Porter stemmer already meets them.
 */
export function americanSpelling(word: string): string {
  if (word.length < 5 || /[^a-z]/u.test(word)) return word;
  return word
    .replace(
      /^(.+(?:al|an|ar|at|en|ic|id|il|im|it|ol|om|on|or|ur|er|gn|as|rd))is(e|es|ed|ing|er|ers|ation|ations|ational)$/u,
      '$1iz$2',
    )
    .replace(/^(.*y)s(e|es|ed|ing|er|ers)$/u, '$1z$2')
    .replace(
      /^(.{2,}[^aeou])our(s|ed|ing|ful|fully|ite|ites|able|ably|er|ers|hood|hoods|less|ist|ists|ism)?$/u,
      '$1or$2',
    )
    .replace(/^(.{2,}[tb])re(s?)$/u, '$1er$2')
    .replace(/^(.{2,}[tb])r(ed|ing)$/u, '$1er$2')
    .replace(/^(.+)logue(s?)$/u, '$1log$2')
    .replace(/^(.+)gramme(s?)$/u, '$1gram$2');
}

/** Stems one normalised simple word (no joiners). Numbers and short words pass unchanged. */
export function stemWord(word: string): string {
  if (word.length < 3 || /\d/u.test(word)) return word;
  // "licenc" (licence) and "licens" (license, licensing) are one stem; likewise defence/defense.
  return stemmer(americanSpelling(word)).replace(/enc$/u, 'ens');
}

/** The terms one simple (joiner-free) word contributes, or none when it is a stop word. */
function simpleTerms(word: string): string[] {
  if (isStopWord(word)) return [];
  if (word.length < 2 && !/\d/u.test(word)) return [];
  return [stemWord(word)];
}

/**
 * The index terms of one token (memoised; do not modify the returned array): for a compound, its whole form (joiners kept,
 * possessive dropped), its joined form ("opensource") and the terms of its parts.
 */
export function termsOfToken(raw: string): string[] {
  const cached = memo.get(raw);
  if (cached) return cached;
  const terms = computeTerms(raw);
  // A bounded memo: the vocabulary is far smaller than the text, and stemming dominates indexing.
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(raw, terms);
  return terms;
}

const MEMO_LIMIT = 200_000;
/** Shared results: callers must not modify the arrays they get. */
const memo = new Map<string, string[]>();

function computeTerms(raw: string): string[] {
  const word = normalizeWord(raw).replace(POSSESSIVE_RE, '');
  if (!JOINERS_RE.test(word)) return simpleTerms(word);
  const parts = word.split(PART_SPLIT_RE).filter(Boolean);
  const terms = new Set<string>();
  const allStop = parts.every((p) => isStopWord(p));
  if (!allStop && !isStopWord(word)) {
    terms.add(word);
    terms.add(parts.join(''));
  }
  for (const p of parts) for (const t of simpleTerms(p)) terms.add(t);
  return [...terms];
}

/** The terms of a text, in order, with repeats (what the index stores). */
export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const tok of tokenize(text)) out.push(...termsOfToken(tok.text));
  return out;
}

/** Query terms with their origin token, in order of first appearance, without repeats. */
export interface QueryTerm {
  term: string;
  /** The word of the question it came from. */
  source: string;
  /** True for the whole form or a simple word; false for a part of a compound. */
  primary: boolean;
}

/** Processes a question into distinct query terms. */
export function queryTerms(question: string): QueryTerm[] {
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  for (const tok of tokenize(question)) {
    const word = normalizeWord(tok.text).replace(POSSESSIVE_RE, '');
    const compound = JOINERS_RE.test(word);
    const terms = termsOfToken(tok.text);
    for (const term of terms) {
      if (seen.has(term)) continue;
      seen.add(term);
      const primary = !compound || term === word || term === word.split(PART_SPLIT_RE).join('');
      out.push({ term, source: tok.text, primary });
    }
  }
  return out;
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
