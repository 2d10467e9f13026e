/**
 * The terminal's side of the table: the parser for `npm start`'s input lines, and the `npm run ask`
 * options it shares with /ask (the results bound).
 */
import { DEFAULT_RESULTS } from './bounds.js';
import { routeFor } from './routes.js';
import { COMMAND_SPECS, RESULTS_BOUNDS, type Route } from './spec.js';

/** One input line, parsed. */
export type TerminalLine =
  | { kind: 'blank' }
  /** Not a command: the whole line is the question. */
  | { kind: 'question'; text: string }
  /** `argument` is the rest of the line, trimmed ('' when there is none). */
  | { kind: 'command'; route: Route; name: string; argument: string }
  /** A `/name` no surface has. */
  | { kind: 'unknown'; name: string }
  /** A command of another surface only (e.g. /read, on Discord). */
  | { kind: 'elsewhere'; name: string };

/** Parses one line typed or piped to the terminal. */
export function parseTerminalLine(line: string): TerminalLine {
  const text = line.trim();
  if (!text) return { kind: 'blank' };
  const m = /^\/(\w+)\s*(.*)$/su.exec(text);
  if (!m) return { kind: 'question', text };
  const [, name = '', rest = ''] = m;
  const route = routeFor('terminal', name);
  if (route) return { kind: 'command', route, name: name.toLowerCase(), argument: rest.trim() };
  const known = COMMAND_SPECS.some((c) => c.kind === 'chat' && c.name === name.toLowerCase());
  return known ? { kind: 'elsewhere', name: name.toLowerCase() } : { kind: 'unknown', name };
}

const { min: minResults, max: maxResults } = RESULTS_BOUNDS.terminal;

/** `npm run ask --results`'s usage text. */
export const RESULTS_OPTION_HELP = `passages to show (${minResults}-${maxResults}, default ${DEFAULT_RESULTS})`;

/** Reads `--results N`: a whole number within the terminal's results bound, or the line saying why not. */
export function parseResultsOption(
  value: string,
): { ok: true; results: number } | { ok: false; message: string } {
  const n = Number(value);
  if (!Number.isInteger(n) || n < minResults || n > maxResults) {
    return {
      ok: false,
      message: `--results must be a whole number from ${minResults} to ${maxResults}; got ${JSON.stringify(value)}`,
    };
  }
  return { ok: true, results: n };
}
