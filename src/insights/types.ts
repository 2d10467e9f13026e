/**
 * The contract of /insights and `npm run insights`: what people asked over the last days, what the
 * articles did not answer, what was voted down (with the picks made on it), and which articles and
 * sections are quoted most and never. The report is data; renderers make Discord or terminal text.
 */

/** What the insights service computes (filled in by insights.ts). */
export interface InsightsReport {
  /** The window: the last `days` days up to `until` (ms since the epoch). */
  days: number;
  since: number;
  until: number;
}

/** Computes the report from the store's question log, votes and picks and the serving snapshot. */
export interface InsightsService {
  report(days: number, now?: number): Promise<InsightsReport>;
}
