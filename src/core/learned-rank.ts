/**
 * What was taught does to one answer: the taught questions nearest the question lift the passages
 * their picks named (inserting one the ranking did not hold), a taught `none` lowers the passages
 * that were wrongly shown, each by the pick's weight times the questions' similarity; and a close
 * enough taught `none` declines the question. Runs after the hybrid (or lexical) ranking and
 * before the decline rule. Pure.
 */
import { questionShape } from './question-shape.js';
import type { CorpusIndex, Hit } from './corpus-index.js';
import type { AnalysedTerm, NearTaught, TeachingIndex } from './teaching.js';
import type { LearnedEffects, LearnedMove } from './types.js';

/**
 * A lifted passage rises at most this fraction (times its strength) above the former best score: a
 * full lift puts it first, without pushing the others under the relevance cut-off.
 */
const ABOVE_BEST = 0.05;

/** What teaching did to a ranking. */
export interface LearnedRanking {
  /** The ranking, re-sorted. */
  hits: Hit[];
  /** What moved and why (undefined when nothing did). */
  learned?: LearnedEffects;
  /** Set when a taught `none` declines the question: the reason to show. */
  declineReason?: string;
  /** The first passage was lifted strongly enough to answer even where the decline rule would decline. */
  answers: boolean;
}

/** The question's terms found in a passage, for a passage the ranking did not hold (so its quote is highlighted). */
function matchedTerms(index: CorpusIndex, id: number, terms: readonly AnalysedTerm[]): string[] {
  const wanted = new Set(terms.map((t) => t.term));
  const found = new Set<string>();
  for (const list of index.tokensOf(id).terms) for (const t of list) if (wanted.has(t)) found.add(t);
  return [...found];
}

/**
 * The hits (copied, not changed) with each passage of `net` moved: by `net` × `lift` of the way to
 * just above the best score (a lift; a passage not among the hits joins them) or to 0 (a lowering).
 */
function moved(
  index: CorpusIndex,
  hits: readonly Hit[],
  net: ReadonlyMap<number, number>,
  terms: readonly AnalysedTerm[],
  lift: number,
): Hit[] {
  const out = hits.map((h) => ({ ...h }));
  const best = out.reduce((m, h) => Math.max(m, h.score), 0) || 1;
  const byId = new Map(out.map((h) => [h.passage.id, h]));
  for (const [id, amount] of net) {
    let hit = byId.get(id);
    if (!hit && amount > 0) {
      const matched = matchedTerms(index, id, terms);
      hit = {
        passage: index.passages[id] as Hit['passage'],
        score: 0,
        queryTerms: matched,
        docTerms: matched,
      };
      out.push(hit);
      byId.set(id, hit);
    }
    if (!hit) continue;
    const share = Math.min(1, Math.abs(amount) * lift);
    if (amount > 0) {
      // At most a little above the former best, so the relevance cut-off keeps what it kept.
      const ceiling = best * (1 + ABOVE_BEST * amount);
      if (hit.score < ceiling) hit.score += share * (ceiling - hit.score);
    } else if (amount < 0) hit.score -= share * Math.max(0, hit.score);
  }
  return out;
}

/**
 * The decline reason of a taught `none`, naming who taught it but not the taught question (another
 * person's words; `ask --explain` shows it).
 */
function declineReasonOf(near: NearTaught): string {
  const who = near.taught.moderator === false ? 'Users' : 'A moderator';
  return `${who} marked a question like this as not answered by the articles.`;
}

/**
 * Applies teaching to a ranking (`hits` is not changed; with nothing taught near, it is returned
 * as it is). `file`: the article filter (passages elsewhere are left alone); `decide`: whether a
 * taught `none` may decline.
 */
export function applyTeaching(
  index: CorpusIndex,
  hits: Hit[],
  teaching: TeachingIndex,
  question: { terms: readonly AnalysedTerm[]; vector?: Float32Array | undefined },
  options: { file?: string | undefined; decide?: boolean } = {},
): LearnedRanking {
  const s = teaching.settings;
  const near = teaching.nearest(question.terms, question.vector);
  const mode = (n: NearTaught) => (n.vectors ? 'vectors' : 'terms');
  const movers = near.filter((n) => n.taught.weight > 0 && n.similarity >= s.minSimilarity[mode(n)]);
  const inFilter = (id: number) =>
    options.file === undefined || index.passages[id]?.origin.file === options.file;
  // Per passage: the combined lift and lowering (1 − Π(1 − strength) each), and who moved it.
  const lift = new Map<number, number>();
  const lower = new Map<number, number>();
  const moves: LearnedMove[] = [];
  for (const n of movers) {
    // Closeness runs from 0 at the threshold to 1 for the same question.
    const min = s.minSimilarity[mode(n)];
    const closeness = min < 1 ? Math.min(1, (n.similarity - min) / (1 - min)) : 1;
    const strength = n.taught.weight * closeness;
    const effect = n.taught.verdict === 'answer' ? 'lift' : 'lower';
    const into = effect === 'lift' ? lift : lower;
    for (const id of new Set(n.taught.passageIds)) {
      if (!index.passages[id] || !inFilter(id)) continue;
      into.set(id, 1 - (1 - (into.get(id) ?? 0)) * (1 - strength));
      moves.push({
        passageId: id,
        pickIds: [...n.taught.pickIds],
        question: n.taught.question,
        similarity: n.similarity,
        effect,
      });
    }
  }
  if (moves.length === 0 && !near.some((n) => n.taught.verdict === 'none')) return { hits, answers: false };
  const net = new Map<number, number>();
  for (const id of new Set([...lift.keys(), ...lower.keys()]))
    net.set(id, (lift.get(id) ?? 0) - (lower.get(id) ?? 0));
  const out = moved(index, hits, net, question.terms, s.lift);
  const order = new Map(out.map((h, i) => [h, i]));
  out.sort((a, b) => b.score - a.score || (order.get(a) as number) - (order.get(b) as number));

  // A taught `none` declines when it is the closest taught question (no `answer` as close).
  const noneNear = near.find(
    (n) =>
      n.taught.verdict === 'none' &&
      n.taught.weight >= s.minDeclineWeight &&
      n.similarity >= s.declineSimilarity[mode(n)],
  );
  const answerNear = movers.find((n) => n.taught.verdict === 'answer');
  const declining =
    options.decide !== false &&
    noneNear !== undefined &&
    (answerNear === undefined || noneNear.similarity > answerNear.similarity);
  const first = out[0]?.passage.id;
  const answers = !declining && first !== undefined && (net.get(first) ?? 0) >= s.overrideLift;
  if (moves.length === 0 && !declining) return { hits: out, answers: false };
  const learned: LearnedEffects = { moves };
  let declineReason: string | undefined;
  if (declining && noneNear) {
    learned.declinedBy = {
      pickIds: [...noneNear.taught.pickIds],
      question: noneNear.taught.question,
      similarity: noneNear.similarity,
    };
    declineReason = declineReasonOf(noneNear);
  }
  return { hits: out, learned, ...(declineReason ? { declineReason } : {}), answers };
}

/**
 * Whether `first` was lifted by a taught question that wants the same kind of answer as `question`
 * (question-shape.ts): only then does the pick vouch for the kind of answer, and the answer-type
 * check is skipped. A passage taught for "what is nanoGPT?" still does not say what nanoGPT costs.
 */
export function liftedForSameType(question: string, first: Hit | undefined, taught: LearnedRanking): boolean {
  if (!first) return false;
  const type = questionShape(question).type;
  return (taught.learned?.moves ?? []).some(
    (m) => m.effect === 'lift' && m.passageId === first.passage.id && questionShape(m.question).type === type,
  );
}
