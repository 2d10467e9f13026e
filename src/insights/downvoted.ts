/**
 * The answers voted down within a window, with the votes cast on them there and the picks made on
 * them (by role and status, never by who).
 */
import type { QuestionEntry } from '../store/corpus-types.js';
import type { PickRecord, VoteRecord } from '../store/types.js';
import type { InsightsDownvoted, InsightsPick, InsightsPickStatus } from './types.js';

/** A pick's status as far as the pick alone tells (see InsightsPick.status). */
export function pickStatus(p: Pick<PickRecord, 'undoneAt' | 'byRole' | 'confirmedBy'>): InsightsPickStatus {
  if (p.undoneAt !== undefined) return 'undone';
  return p.byRole === 'moderator' || p.confirmedBy !== undefined ? 'active' : 'pending';
}

function pickOut(p: PickRecord): InsightsPick {
  return {
    id: p.id,
    verdict: p.verdict,
    passage: p.verdict === 'answer' ? (p.anchors[0]?.label ?? '') : '',
    status: pickStatus(p),
    byRole: p.byRole,
    at: p.createdAt,
  };
}

/**
 * Every answer with at least one 👎 among `votes`: its tally there, its question (from the vote,
 * else the question log), and the `picks` made on it. Most 👎 first, then the worst balance, then
 * the most recently voted.
 */
export function downvotedAnswers(
  votes: readonly VoteRecord[],
  picks: readonly PickRecord[],
  questions: readonly QuestionEntry[],
): InsightsDownvoted[] {
  const byAnswer = new Map<string, InsightsDownvoted>();
  for (const v of votes) {
    let a = byAnswer.get(v.answerId);
    if (!a) {
      a = { answerId: v.answerId, question: '', up: 0, down: 0, latest: v.createdAt, picks: [] };
      byAnswer.set(v.answerId, a);
    }
    if (v.value === 1) a.up++;
    else a.down++;
    a.latest = Math.max(a.latest, v.createdAt);
    if (!a.question && v.question) a.question = v.question;
  }
  const asked = new Map<string, QuestionEntry>();
  for (const q of questions) if (q.answerId !== undefined) asked.set(q.answerId, q);
  const out = [...byAnswer.values()].filter((a) => a.down > 0);
  for (const a of out) {
    const q = asked.get(a.answerId);
    if (q) {
      a.answered = q.answered;
      if (!a.question) a.question = q.question;
    }
  }
  const picksOf = new Map<string, PickRecord[]>();
  for (const p of picks) {
    if (p.answerId === undefined || !byAnswer.has(p.answerId)) continue;
    const list = picksOf.get(p.answerId) ?? [];
    list.push(p);
    picksOf.set(p.answerId, list);
  }
  for (const a of out) {
    a.picks = (picksOf.get(a.answerId) ?? [])
      .sort((x, y) => x.createdAt - y.createdAt || x.id - y.id)
      .map(pickOut);
  }
  return out.sort(
    (a, b) =>
      b.down - a.down ||
      b.down - b.up - (a.down - a.up) ||
      b.latest - a.latest ||
      (a.answerId < b.answerId ? -1 : 1),
  );
}
