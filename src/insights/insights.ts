/**
 * The insights service: reads the window's questions, votes and picks from the store, groups the
 * questions (core/insights.ts) by sentence vectors when a model is given, else by terms, and
 * counts what answers quoted in the serving snapshot. Reports are kept a minute, so paging
 * through one does not compute it again.
 */
import { MAX_INSIGHTS_DAYS } from '../app/bounds.js';
import {
  countQuotes,
  type DistinctQuestion,
  distinctQuestions,
  GROUPING_CAP,
  type QuestionGroup,
  QuestionGrouper,
  groupingPlan,
} from '../core/insights.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Library } from '../corpus/library.js';
import type { Logger } from '../log.js';
import { type Embedder, embedPassages } from '../semantic/embedder.js';
import type { QuestionEntry, Store } from '../store/corpus-types.js';
import type { PickRecord, VoteRecord } from '../store/types.js';
import { downvotedAnswers } from './downvoted.js';
import type { InsightsGroup, InsightsReport, InsightsService } from './types.js';
import { nextTurn } from '../next-turn.js';

/** What the service reads of the store. */
export type QuestionLog = Pick<Store, 'questionsSince' | 'votesSince' | 'picksSince'>;

/** What the service reads. */
export interface InsightsDeps {
  store: QuestionLog;
  library: Pick<Library, 'index'>;
  /** Embeds the distinct questions (without one, or when it fails, questions are compared by terms). */
  embedder?: Embedder;
  log?: Logger;
  /** How long a report is reused for the same days when no `now` is given (default 60 s). */
  cacheMs?: number;
  /** The clock (default Date.now). */
  clock?: () => number;
}

/** At most this many questions are read for one report; a busier window is narrowed to its most recent part. */
export const MAX_REPORT_QUESTIONS = 20_000;
/** Halvings of the window tried before the most recent part fits MAX_REPORT_QUESTIONS. */
const NARROWINGS = 10;
/** Distinct questions grouped between two yields to the event loop. */
const SLICE = 50;
const DAY_MS = 86_400_000;

/** "2025-07-09 14:05 UTC". */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2,000". */
function figure(n: number): string {
  return n.toLocaleString('en-US');
}

/** The service over `deps` (see InsightsDeps). */
export function createInsights(deps: InsightsDeps): InsightsService {
  const cacheMs = deps.cacheMs ?? 60_000;
  const clock = deps.clock ?? Date.now;
  const cache = new Map<number, { at: number; report: Promise<InsightsReport> }>();
  return {
    report(days: number, now?: number, fresh = false): Promise<InsightsReport> {
      if (!Number.isInteger(days) || days < 1 || days > MAX_INSIGHTS_DAYS) {
        return Promise.reject(new RangeError(`days must be a whole number from 1 to ${MAX_INSIGHTS_DAYS}`));
      }
      if (now !== undefined) return build(deps, days, now);
      const at = clock();
      const kept = cache.get(days);
      if (!fresh && kept && at - kept.at < cacheMs) return kept.report;
      const report = build(deps, days, at);
      cache.set(days, { at, report });
      report.catch(() => {
        if (cache.get(days)?.report === report) cache.delete(days);
      });
      return report;
    },
  };
}

/**
 * The window's questions, oldest first; when there are more than MAX_REPORT_QUESTIONS, the window
 * is halved towards `until` until they fit (then `since` says where it starts).
 */
async function readQuestions(
  store: QuestionLog,
  since: number,
  until: number,
): Promise<{ entries: QuestionEntry[]; since: number; narrowed: boolean }> {
  let from = since;
  for (let i = 0; ; i++) {
    const got = (await store.questionsSince(from, MAX_REPORT_QUESTIONS + 1)).filter((q) => q.at <= until);
    if (got.length <= MAX_REPORT_QUESTIONS) return { entries: got, since: from, narrowed: from !== since };
    if (i === NARROWINGS) {
      const entries = got.slice(0, MAX_REPORT_QUESTIONS);
      return { entries, since: from, narrowed: true };
    }
    from += Math.ceil((until - from) / 2);
  }
}

/** Sentence vectors of the distinct wordings, by key; undefined (and a note) when the model fails. */
async function embedDistinct(
  deps: InsightsDeps,
  distinct: readonly DistinctQuestion[],
  notes: string[],
): Promise<Map<string, Float32Array> | undefined> {
  const { embedder } = deps;
  if (!embedder) return undefined;
  if (distinct.length === 0) return new Map();
  try {
    const vectors = await embedPassages(
      embedder,
      distinct.map((d) => d.text),
      undefined,
      16,
    );
    return new Map(distinct.map((d, i) => [d.key, vectors[i] ?? new Float32Array(0)]));
  } catch (err) {
    deps.log?.warn('insights: could not embed the questions; grouping by terms', {
      error: (err as Error).message,
    });
    notes.push('The sentence model failed, so questions were grouped by shared words only.');
    return undefined;
  }
}

/** Groups the distinct wordings, yielding to the event loop every SLICE of them. */
async function group(
  index: CorpusIndex,
  plan: ReturnType<typeof groupingPlan>,
  vectors: ReadonlyMap<string, Float32Array> | undefined,
): Promise<QuestionGroup[]> {
  const grouper = new QuestionGrouper(index);
  for (const [i, d] of plan.similar.entries()) {
    if (i > 0 && i % SLICE === 0) await nextTurn();
    grouper.add(d, vectors?.get(d.key));
  }
  for (const d of plan.exact) grouper.addAlone(d);
  return grouper.groups();
}

function groupOut(g: QuestionGroup): InsightsGroup {
  return { ...g, answeredShare: g.count > 0 ? g.answered / g.count : 0 };
}

async function build(deps: InsightsDeps, days: number, until: number): Promise<InsightsReport> {
  const index = deps.library.index;
  const read = await readQuestions(deps.store, until - days * DAY_MS, until);
  const { since, entries } = read;
  const inWindow = <T extends { createdAt: number }>(xs: T[]) =>
    xs.filter((x) => x.createdAt >= since && x.createdAt <= until);
  const [votes, picks]: [VoteRecord[], PickRecord[]] = await Promise.all([
    deps.store.votesSince(since).then(inWindow),
    deps.store.picksSince(since).then(inWindow),
  ]);
  const notes: string[] = [];
  if (read.narrowed) {
    notes.push(
      `More than ${figure(MAX_REPORT_QUESTIONS)} questions were asked in the last ${days} days: this report covers the most recent ones, from ${utc(since)}.`,
    );
  }
  if (entries.length === 0) notes.push(`No questions were logged in the last ${days} days.`);

  const all = distinctQuestions(entries);
  const declinedEntries = entries.filter((q) => !q.answered);
  const declinedDistinct = distinctQuestions(declinedEntries);
  const plans = { all: groupingPlan(all), declined: groupingPlan(declinedDistinct) };
  // One vector per wording either grouping compares, keyed by its normalised form.
  const toEmbed = new Map<string, DistinctQuestion>();
  for (const d of [...plans.all.similar, ...plans.declined.similar])
    if (!toEmbed.has(d.key)) toEmbed.set(d.key, d);
  const vectors = await embedDistinct(deps, [...toEmbed.values()], notes);
  for (const [name, plan, total] of [
    ['questions', plans.all, all.length],
    ['declined questions', plans.declined, declinedDistinct.length],
  ] as const) {
    if (plan.exact.length > 0) {
      notes.push(
        `Only the ${figure(GROUPING_CAP)} most recent distinct ${name} of ${figure(total)} were grouped by similarity; the older ${figure(plan.exact.length)} only with identical wordings.`,
      );
    }
  }
  const frequent = (await group(index, plans.all, vectors)).map(groupOut);
  const declined = (await group(index, plans.declined, vectors)).map(groupOut);
  const quotes = countQuotes(index, entries);
  const answered = entries.filter((q) => q.answered).length;
  return {
    window: { days, since, until },
    totals: {
      questions: entries.length,
      answered,
      declined: entries.length - answered,
      distinct: all.length,
      groups: frequent.length,
      up: votes.filter((v) => v.value === 1).length,
      down: votes.filter((v) => v.value === -1).length,
      picks: picks.length,
    },
    similarity: vectors ? 'vectors' : 'terms',
    frequent,
    declined,
    downvoted: downvotedAnswers(votes, picks, entries),
    quoted: quotes.sections,
    quotedArticles: quotes.articles,
    neverQuoted: { articles: quotes.neverArticles, sections: quotes.neverSections },
    notes,
  };
}
