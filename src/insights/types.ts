/**
 * The contract of /insights and `npm run insights`: what people asked over the last days, what the
 * articles did not answer, what was voted down (with the picks made on it), and which articles and
 * sections are quoted most and never. The report is data; renderers make Discord or terminal text.
 * It names no one: questions are logged without who asked, and picks are shown by role only.
 */

/** Questions that ask for the same thing (grouped as the learning compares questions). */
export interface InsightsGroup {
  /** The wording that started the group: the most asked of its wordings. */
  question: string;
  /** Questions asked in the group, repeats included. */
  count: number;
  /** Of those, answered (the rest declined). */
  answered: number;
  /** answered / count, 0..1. */
  answeredShare: number;
  /** Up to 3 other wordings of the group, most asked first. */
  others: string[];
  /** Distinct wordings in the group, the representative's included. */
  wordings: number;
  /** When one of them was last asked (ms since the epoch). */
  latest: number;
}

/** What a pick on an answer does now: taught, waiting for a moderator or for agreement, or undone. */
export type InsightsPickStatus = 'active' | 'pending' | 'undone';

/** A pick made on an answer voted down. */
export interface InsightsPick {
  id: number;
  verdict: 'answer' | 'none';
  /** `answer`: the passage picked ("Title › Section"); `none`: empty. */
  passage: string;
  /**
   * `active`: a moderator made or confirmed it; `pending`: a user's a moderator has not confirmed
   * (it teaches only where another person agreed); `undone`: a moderator undid it.
   */
  status: InsightsPickStatus;
  byRole: 'moderator' | 'user';
  at: number;
}

/** An answer voted down within the window. */
export interface InsightsDownvoted {
  answerId: string;
  question: string;
  /** Votes cast on it within the window. */
  up: number;
  down: number;
  /** Whether it was an answer or a decline, when the question log has it. */
  answered?: boolean;
  /** When its last vote was cast. */
  latest: number;
  /** The picks made on it within the window, oldest first. */
  picks: InsightsPick[];
}

/** One section answers quoted, and in how many answers. */
export interface InsightsQuoted {
  file: string;
  /** The article's title in the serving snapshot (its file when the article is gone). */
  title: string;
  /** "Section › Subsection"; empty before the first heading. */
  section: string;
  count: number;
}

/** One article answers quoted, and in how many answers. */
export interface InsightsQuotedArticle {
  file: string;
  title: string;
  count: number;
  /** False when the serving snapshot no longer has it. */
  current: boolean;
}

/** What the insights service computes. */
export interface InsightsReport {
  /** The last `days` days up to `until` (ms since the epoch): questions, votes and picks at or after `since`. */
  window: { days: number; since: number; until: number };
  totals: {
    /** Questions asked in the window. */
    questions: number;
    answered: number;
    declined: number;
    /** Distinct normalised wordings. */
    distinct: number;
    /** Groups of questions asking for the same thing. */
    groups: number;
    /** Votes cast in the window. */
    up: number;
    down: number;
    /** Picks made in the window (undone ones included). */
    picks: number;
  };
  /** How questions were compared: by sentence vectors mixed with terms, or by terms alone. */
  similarity: 'vectors' | 'terms';
  /** Every question, grouped: most asked first. */
  frequent: InsightsGroup[];
  /** The declined questions, grouped the same way: most declined first (what the articles lack). */
  declined: InsightsGroup[];
  /** Answers with a 👎 in the window: most 👎 first. */
  downvoted: InsightsDownvoted[];
  /** Sections quoted, most first (each once per answer). */
  quoted: InsightsQuoted[];
  /** Articles quoted, most first (each once per answer). */
  quotedArticles: InsightsQuotedArticle[];
  /** Of the serving snapshot: articles never quoted in the window, and sections never quoted of articles that were. */
  neverQuoted: {
    articles: { file: string; title: string }[];
    sections: { file: string; title: string; section: string }[];
  };
  /**
   * What the reader should know about the figures: nothing logged yet, the grouping capped, the
   * sentence model unavailable (terms only), the window narrowed to what could be read.
   */
  notes: string[];
}

/** Computes the report from the store's question log, votes and picks and the serving snapshot. */
export interface InsightsService {
  /**
   * The report on the last `days` days (a whole number, 1..MAX_INSIGHTS_DAYS; a RangeError
   * otherwise) up to `now` (default: the clock). Rejects when the store cannot be read.
   */
  /**
   * The report for the last `days` days. Without `now`, one report per `days` is kept for a minute so
   * that ◀/▶ pages through the same figures; `fresh` (a new /insights) makes a new one.
   */
  report(days: number, now?: number, fresh?: boolean): Promise<InsightsReport>;
}
