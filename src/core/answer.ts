/**
 * Turns ranked hits into an answer: quotes of whole sentences with the matched
 * words marked, a decision whether the corpus answers at all, and suggestions.
 */
import type { CorpusIndex, Hit } from './corpus-index.js';
import { type SmoothingSettings, smoothScores } from './smoothing.js';
import type { Answer, AnswerPassage, Passage, Span } from './types.js';
import { semanticCandidates } from './vector-index.js';

/** Limits on questions and answers. */
export const MAX_QUESTION_CHARS = 1000;
export const DEFAULT_RESULTS = 3;
export const MAX_RESULTS = 10;
/** A quote is whole sentences of at most about this many characters. */
export const QUOTE_CHARS = 350;
/**
 * The decline rule. A question is answered when the best passage matches at least
 * MIN_MATCHED_WORDS distinct words of the question and covers at least
 * DEFAULT_MIN_COVERAGE of the question's key words (weighted by rarity), or when it
 * covers at least FULL_COVERAGE of them (one-word questions, names).
 */
export const DEFAULT_MIN_COVERAGE = 0.1;
export const MIN_MATCHED_WORDS = 2;
export const FULL_COVERAGE = 0.75;
/**
 * The relevance cut-off: of the requested results, one scoring below this fraction of the
 * best one is not shown (it leads `more`, for "more results"); the best is always shown.
 * A fraction of the best only means something on one score scale, and the two stages have
 * different ones: the semantic stage's scores are compressed (every passage has some
 * cosine), BM25's are not. Chosen on the dev split (test/eval/questions.json, `npm run eval`
 * and `npm run eval -- --lexical`) as the largest round fraction, with a margin of about
 * 0.05, below the lowest score ratio (expected passage ÷ best) of any question whose
 * expected passage is in the top 3, so Hit@3 of every kind stays as it was: lowest ratios
 * 0.856 semantic, 0.342 lexical.
 */
export const RELEVANCE_CUTOFF: Readonly<{ semantic: number; lexical: number }> = Object.freeze({
  semantic: 0.8,
  lexical: 0.3,
});

export interface AnswerOptions {
  /** How many passages to return (1..10, default 3). */
  results?: number;
  /** Restrict to one article, by file. */
  file?: string;
  /** How many further candidates to keep for "more results" (default 10). */
  more?: number;
  minCoverage?: number;
  /** Decide whether to decline (default true); false ranks whatever matches (evaluation). */
  decide?: boolean;
  /** The question's sentence vector, from the same model as the index's passage vectors (semantic stage). */
  queryVector?: Float32Array;
  /** Semantic-stage settings (defaults: SEMANTIC). */
  semantic?: Partial<SemanticSettings>;
  /** Relevance cut-off as a fraction of the best score (default: RELEVANCE_CUTOFF of the stage that ran; 0 shows every requested result). */
  cutoff?: number;
}

/** How the semantic stage mixes with the lexical ranking. */
export interface SemanticSettings {
  /** Weight of the normalised lexical score; the cosine similarity gets 1 − this. */
  lexicalWeight: number;
  /** A question no passage resembles at least this much (cosine) is declined unless the lexical rule answers it. */
  minSimilarity: number;
  /** Lexical candidates considered. */
  candidates: number;
  /** Neighbour smoothing of the mixed scores (see smoothing.ts). */
  smoothing: SmoothingSettings;
}

export const SEMANTIC: Readonly<SemanticSettings> = Object.freeze({
  lexicalWeight: 0.35,
  minSimilarity: 0.45,
  candidates: 50,
  smoothing: Object.freeze({ candidates: 200, neighbours: 10, weight: 0.7 }),
});

/** Cosine similarity of two vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Mixes lexical hits with sentence-vector similarity: the lexical hits and the passages
 * nearest in meaning (of the article filter; core/vector-index.ts) are the candidates; score = w × lexical / best lexical + (1 − w) × cosine.
 * Neighbour smoothing then reorders them, except that a passage leading both the
 * lexical and the semantic ranking stays first (see smoothScores).
 */
function hybridRank(
  index: CorpusIndex,
  lexical: Hit[],
  queryVector: Float32Array,
  settings: SemanticSettings,
  file: string | undefined,
): { hits: Hit[]; similarity: number } {
  const vectors = index.vectors?.vectors ?? [];
  const byId = new Map(lexical.map((h) => [h.passage.id, h]));
  const best = lexical[0]?.score || 1;
  let similarity = 0;
  /** The passage closest in meaning (first of equals). */
  let semanticLeader = -1;
  const out: Hit[] = [];
  // Scored: the nearest passages in meaning (vector index, not a scan of all) and the lexical hits.
  const filter = file === undefined ? undefined : (id: number) => index.passages[id]?.origin.file === file;
  const near = settings.smoothing.candidates + settings.candidates;
  for (const { id, score: cos } of semanticCandidates(vectors, queryVector, near, byId.keys(), filter)) {
    const passage = index.passages[id] as Passage;
    if (cos > similarity || semanticLeader < 0) {
      similarity = Math.max(similarity, cos);
      semanticLeader = id;
    }
    const lex = byId.get(id);
    const score = settings.lexicalWeight * ((lex?.score ?? 0) / best) + (1 - settings.lexicalWeight) * cos;
    out.push({ passage, score, queryTerms: lex?.queryTerms ?? [], docTerms: lex?.docTerms ?? [] });
  }
  out.sort((a, b) => b.score - a.score || a.passage.id - b.passage.id);
  if (settings.smoothing.weight > 0) {
    // The lexical leader that is also the semantic leader: uncontested, kept first.
    const lexicalLeader = lexical[0]?.passage.id;
    const leader =
      lexicalLeader === semanticLeader ? out.findIndex((h) => h.passage.id === lexicalLeader) : -1;
    const smoothed = smoothScores(
      out.map((h) => h.score),
      (rank) => index.termVector((out[rank] as Hit).passage.id),
      settings.smoothing,
      leader >= 0 ? leader : undefined,
    );
    out.forEach((h, i) => {
      h.score = smoothed[i] as number;
    });
    const first = leader >= 0 ? out[leader] : undefined;
    out.sort((a, b) => b.score - a.score || (a === first ? -1 : b === first ? 1 : 0));
  }
  return { hits: out, similarity };
}

/** Why a question can't be asked at all. */
export interface QuestionError {
  code: 'empty' | 'too_long';
  message: string;
}

/** Checks a question before it reaches the engine. */
export function checkQuestion(question: string): QuestionError | undefined {
  const q = question.trim();
  if (!q)
    return { code: 'empty', message: 'The question is empty: type a few words about what you want to know.' };
  if (q.length > MAX_QUESTION_CHARS) {
    return {
      code: 'too_long',
      message: `The question is ${q.length} characters long; the limit is ${MAX_QUESTION_CHARS}. Ask about one thing at a time.`,
    };
  }
  return undefined;
}

/** Answers a question from a snapshot. */
export function answerQuestion(index: CorpusIndex, question: string, options: AnswerOptions = {}): Answer {
  const q = question.trim();
  const results = Math.min(Math.max(Math.trunc(options.results ?? DEFAULT_RESULTS), 1), MAX_RESULTS);
  const more = options.more ?? MAX_RESULTS;
  const settings: SemanticSettings = { ...SEMANTIC, ...options.semantic };
  const semantic = options.queryVector !== undefined && index.vectors !== undefined;
  const lexical = index.search(q, {
    limit: semantic ? Math.max(settings.candidates, results + more) : results + more,
    ...(options.file ? { file: options.file } : {}),
  });
  const analyzed = index.analyze(q);
  const { coverage, words } = lexical[0]
    ? coverageOf(index, analyzed, lexical[0])
    : { coverage: 0, words: 0 };
  const minCoverage = options.minCoverage ?? DEFAULT_MIN_COVERAGE;
  let hits = lexical;
  let similarity: number | undefined;
  if (semantic && options.queryVector) {
    const ranked = hybridRank(index, lexical, options.queryVector, settings, options.file);
    hits = ranked.hits.slice(0, results + more);
    similarity = ranked.similarity;
  }
  const base = {
    question: q,
    coverage,
    ...(similarity !== undefined ? { similarity } : {}),
    ...(options.file ? { article: options.file } : {}),
  };

  let declineReason: string | undefined;
  const lexicalWeak =
    coverage < minCoverage || (words < MIN_MATCHED_WORDS && coverage < Math.max(minCoverage, FULL_COVERAGE));
  const semanticStrong = similarity !== undefined && similarity >= settings.minSimilarity;
  if (options.decide === false) declineReason = hits.length ? undefined : 'Nothing matches.';
  else if (analyzed.length === 0 && !semanticStrong)
    declineReason = 'The question has no words the articles could match.';
  else if (hits.length === 0) declineReason = 'No passage shares a word with the question.';
  else if (lexical.length === 0 && !semanticStrong)
    declineReason = 'No passage shares a word with the question.';
  else if (lexicalWeak && !semanticStrong)
    declineReason = `The best passage matches ${words} of the question's words and covers ${Math.round(coverage * 100)}% of its key words${similarity !== undefined ? `; the closest in meaning is ${Math.round(similarity * 100)}% similar` : ''}.`;

  if (declineReason) {
    return {
      ...base,
      answered: false,
      passages: [],
      more: [],
      suggestions: index.suggest(q),
      declineReason,
    };
  }
  // The relevance cut-off: of the requested results, those scoring below a fraction of the
  // best are not shown; they lead "more results" instead, so the ranking stays whole.
  const cutoff =
    options.cutoff ?? (similarity !== undefined ? RELEVANCE_CUTOFF.semantic : RELEVANCE_CUTOFF.lexical);
  const bar = (hits[0]?.score ?? 0) * cutoff;
  let shown = Math.min(results, hits.length);
  while (shown > 1 && cutoff > 0 && (hits[shown - 1] as Hit).score < bar) shown--;
  const composed = hits.map((h) => composePassage(index, h));
  return {
    ...base,
    answered: true,
    passages: composed.slice(0, shown),
    more: composed.slice(shown),
    suggestions: [],
  };
}

/** Share of the question's key words (by IDF weight) that a hit matched, and how many distinct question words it matched. */
function coverageOf(
  index: CorpusIndex,
  analyzed: ReturnType<CorpusIndex['analyze']>,
  hit: Hit,
): { coverage: number; words: number } {
  const matched = new Set(hit.queryTerms);
  const words = new Set<string>();
  let total = 0;
  let got = 0;
  for (const t of analyzed) {
    const w = index.idf(t.term) * t.weight;
    total += w;
    if (matched.has(t.term)) {
      got += w;
      words.add(t.source.toLowerCase());
    }
  }
  return { coverage: total > 0 ? got / total : 0, words: words.size };
}

/** Builds the quote and highlights of one hit. */
export function composePassage(index: CorpusIndex, hit: Hit): AnswerPassage {
  const text = hit.passage.text;
  const docTerms = new Set(hit.docTerms);
  // The matched tokens, as parallel arrays (no object per token).
  const matched: MatchedTokens = { starts: [], ends: [], weights: [], terms: [] };
  const tokens = index.tokensOf(hit.passage.id);
  for (let k = 0; k < tokens.terms.length; k++) {
    let hitTerm: string | undefined;
    for (const t of tokens.terms[k] as readonly string[]) {
      if (docTerms.has(t)) {
        hitTerm = t;
        break;
      }
    }
    if (hitTerm !== undefined) {
      matched.starts.push(tokens.starts[k] as number);
      matched.ends.push(tokens.ends[k] as number);
      matched.weights.push(index.idf(hitTerm));
      matched.terms.push(hitTerm);
    }
  }
  const { quote, from, to, prefix } = makeQuote(text, matched);
  const quoteHighlights: Span[] = [];
  for (let k = 0; k < matched.starts.length; k++) {
    const s = matched.starts[k] as number;
    const e = matched.ends[k] as number;
    if (s >= from && e <= to) quoteHighlights.push([s - from + prefix, e - from + prefix]);
  }
  return {
    passage: hit.passage,
    quote,
    quoteHighlights,
    score: Math.round(hit.score * 1000) / 1000,
    matchedTerms: hit.queryTerms,
  };
}

/** Matched tokens of a passage, in text order: offsets, IDF weights and index terms. */
interface MatchedTokens {
  starts: number[];
  ends: number[];
  weights: number[];
  terms: string[];
}

interface Sentence {
  start: number;
  end: number;
}

const SENTENCE_END_RE = /[.!?…]+["”’)\]]*\s+(?=["“‘([]?[\p{Lu}\p{N}])/gu;

/** Splits text into sentences at . ! ? … followed by a space and a capital, digit or quote. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = SENTENCE_END_RE;
  re.lastIndex = 0;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const idx = m.index;
    const endPunct = idx + m[0].trimEnd().length;
    // Skip common abbreviations ("e.g. Google", "Dr. Smith").
    const before = text.slice(Math.max(0, idx - 4), idx + 1).toLowerCase();
    if (/(?:\be\.g|\bi\.e|\bdr|\bmr|\bmrs|\bvs|\bst)\.$/u.test(before)) continue;
    out.push({ start, end: endPunct });
    start = idx + m[0].length;
  }
  if (start < text.length) out.push({ start, end: text.length });
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Chooses whole sentences around the matched words within QUOTE_CHARS, marking cuts with "…". */
function makeQuote(
  text: string,
  tokens: MatchedTokens,
): { quote: string; from: number; to: number; prefix: number } {
  if (text.length <= QUOTE_CHARS) return { quote: text, from: 0, to: text.length, prefix: 0 };
  const sentences = sentencesOf(text);
  // Each sentence's matched tokens as a range [first, end) of token indices, in one pass
  // (tokens and sentences are both in order).
  const first = new Int32Array(sentences.length);
  const last = new Int32Array(sentences.length);
  let t = 0;
  for (let k = 0; k < sentences.length; k++) {
    const sk = sentences[k] as Sentence;
    while (t < tokens.starts.length && (tokens.starts[t] as number) < sk.start) t++;
    first[k] = t;
    while (t < tokens.ends.length && (tokens.ends[t] as number) <= sk.end) t++;
    last[k] = t;
  }
  let best = { i: 0, j: 0, w: -1 };
  const seen = new Set<string>();
  for (let i = 0; i < sentences.length; i++) {
    const si = sentences[i] as Sentence;
    seen.clear();
    let w = 0;
    for (let j = i; j < sentences.length; j++) {
      const sj = sentences[j] as Sentence;
      if (sj.end - si.start > QUOTE_CHARS && j > i) break;
      for (let m = first[j] as number; m < (last[j] as number); m++) {
        const term = tokens.terms[m] as string;
        if (!seen.has(term)) {
          seen.add(term);
          w += tokens.weights[m] as number;
        }
      }
      // Prefer more distinct matched weight, then fewer sentences.
      if (w > best.w + 1e-9) best = { i, j, w };
    }
  }
  let from = (sentences[best.i] as Sentence).start;
  let to = (sentences[best.j] as Sentence).end;
  if (to - from > QUOTE_CHARS) {
    // One long sentence: cut a window around the first matched word, at word boundaries.
    let anchor = from;
    for (let m = 0; m < tokens.starts.length; m++) {
      if ((tokens.starts[m] as number) >= from && (tokens.ends[m] as number) <= to) {
        anchor = tokens.starts[m] as number;
        break;
      }
    }
    let s = Math.max(from, anchor - Math.floor(QUOTE_CHARS / 3));
    let e = Math.min(to, s + QUOTE_CHARS);
    s = Math.max(from, e - QUOTE_CHARS);
    if (s > from) s = text.indexOf(' ', s) + 1 || s;
    if (e < to) {
      const sp = text.lastIndexOf(' ', e);
      if (sp > s) e = sp;
    }
    // Never cut inside a surrogate pair (an emoji at the edge stays whole or goes).
    if (s > from && isLowSurrogate(text.charCodeAt(s))) s++;
    if (e < to && isLowSurrogate(text.charCodeAt(e))) e--;
    from = s;
    to = e;
  }
  // "…" marks a cut: joined by a space where the cut falls between sentences.
  const prefix = from > 0 ? (/[.!?…]["”’)\]]*\s*$/u.test(text.slice(0, from)) ? '… ' : '…') : '';
  const body = text.slice(from, to).trimEnd();
  const suffix = to < text.length ? (/[.!?…]["”’)\]]*$/u.test(body) ? ' …' : '…') : '';
  return { quote: `${prefix}${body}${suffix}`, from, to: from + body.length, prefix: prefix.length };
}
