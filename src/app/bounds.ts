/**
 * The option bounds that are ours rather than the core's, each written once. The core's own bounds
 * (MAX_QUESTION_CHARS, MAX_RESULTS, DEFAULT_RESULTS) stay in src/core/answer.ts and are re-exported
 * here so the command table reads every bound from one import.
 */
export { DEFAULT_RESULTS, MAX_QUESTION_CHARS, MAX_RESULTS } from '../core/answer.js';

/** Most passages one Discord answer page shows (`/ask results:`); the terminal allows MAX_RESULTS. */
export const DISCORD_MAX_RESULTS = 5;

/** Longest article or section name accepted in an option (a typed name; picked ones are shorter). */
export const NAME_OPTION_CHARS = 200;

/** Largest button argument (page or passage number): four digits in a signed custom_id. */
export const MAX_BUTTON_ARG = 9999;

/** The last page `/read page:` accepts: pages are numbered from 1, button arguments from 0. */
export const MAX_READ_PAGE = MAX_BUTTON_ARG + 1;

/** The last page `/feedback review page:` accepts: its ◀/▶ carry the page number as their argument. */
export const MAX_REVIEW_PAGE = MAX_BUTTON_ARG;

/** Longest `/feedback teach passage:` accepted: a passage picked from the list, or a verbatim piece of one. */
export const PASSAGE_OPTION_CHARS = 300;

/** The last page `/corpus log page:` and the terminal's `/log` accept (◀/▶ carry the page). */
export const MAX_LOG_PAGE = MAX_BUTTON_ARG;

/** Longest `/corpus add url:` accepted. */
export const URL_OPTION_CHARS = 2000;

/** `/insights days:` and `npm run insights -- --days`: the default and the most. */
export const DEFAULT_INSIGHTS_DAYS = 7;
export const MAX_INSIGHTS_DAYS = 365;
