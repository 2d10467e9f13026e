/**
 * The terminal's side of the table: the parser for `npm start`'s input lines, the `npm run ask`
 * options it shares with /ask (the results bound), and `npm run insights --days` (/insights' bound).
 */
import { DEFAULT_INSIGHTS_DAYS, DEFAULT_RESULTS, MAX_INSIGHTS_DAYS } from './bounds.js';
import { routeFor, routesOf } from './routes.js';
import { COMMAND_SPECS, type CommandSpec, RESULTS_BOUNDS, type Route } from './spec.js';

/** One input line, parsed. */
export type TerminalLine =
  | { kind: 'blank' }
  /** Not a command: the whole line is the question. */
  | { kind: 'question'; text: string }
  /**
   * `argument` is the rest of the line, trimmed ('' when there is none). For a command with
   * subcommands, `subcommand` is the one the first word named (lower case), and `argument` what
   * follows it; absent when the first word names none (the route says how to use it).
   */
  | { kind: 'command'; route: Route; name: string; argument: string; subcommand?: string }
  /** A `/name` no surface has. */
  | { kind: 'unknown'; name: string }
  /** A command of another surface only (e.g. /read, on Discord). */
  | { kind: 'elsewhere'; name: string };

/**
 * Parses one line typed or piped to the terminal, by the command table (another table in the
 * table's own tests).
 */
export function parseTerminalLine(line: string, specs: readonly CommandSpec[] = COMMAND_SPECS): TerminalLine {
  const text = line.trim();
  if (!text) return { kind: 'blank' };
  const m = /^\/(\w+)\s*(.*)$/su.exec(text);
  if (!m) return { kind: 'question', text };
  const [, typed = '', rest = ''] = m;
  const name = typed.toLowerCase();
  const route = specs === COMMAND_SPECS ? routeFor('terminal', typed) : routesOf('terminal', specs).get(name);
  if (route) {
    const spec = specs.find((c) => c.name === name || c.terminal?.aliases?.includes(name));
    return withSubcommand({ kind: 'command', route, name, argument: rest.trim() }, spec);
  }
  const known = specs.some((c) => c.kind === 'chat' && c.name === name);
  return known ? { kind: 'elsewhere', name } : { kind: 'unknown', name: typed };
}

/** A command line of a command with subcommands: its first word names one (the terminal's, or elsewhere). */
function withSubcommand(
  line: Extract<TerminalLine, { kind: 'command' }>,
  spec: CommandSpec | undefined,
): TerminalLine {
  if (!spec?.subcommands?.length) return line;
  const m = /^(\w+)\s*(.*)$/su.exec(line.argument);
  const sub = spec.subcommands.find((s) => s.name === m?.[1]?.toLowerCase());
  if (!m || !sub) return line;
  if (!sub.terminal) return { kind: 'elsewhere', name: `${line.name} ${sub.name}` };
  return { ...line, subcommand: sub.name, argument: (m[2] ?? '').trim() };
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

/** `npm run insights --days`'s usage text. */
export const DAYS_OPTION_HELP = `the last N days (1-${MAX_INSIGHTS_DAYS}, default ${DEFAULT_INSIGHTS_DAYS})`;

/** Reads `--days N`: a whole number from 1 to MAX_INSIGHTS_DAYS (as /insights days:), or the line saying why not. */
export function parseDaysOption(value: string): { ok: true; days: number } | { ok: false; message: string } {
  const n = /^\s*\d+\s*$/u.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_INSIGHTS_DAYS) {
    return {
      ok: false,
      message: `--days must be a whole number from 1 to ${MAX_INSIGHTS_DAYS}; got ${JSON.stringify(value)}`,
    };
  }
  return { ok: true, days: n };
}
