/**
 * Terminal mode: an interactive prompt when stdin is a terminal; otherwise one
 * answer per input line (each after its question, echoed), no prompt, exit at end of input.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Route } from '../app/spec.js';
import { parseTerminalLine } from '../app/terminal.js';
import {
  type AskRequest,
  ask,
  help,
  reindex,
  type Services,
  sources,
  sourcesWithOrigins,
} from '../commands/commands.js';
import {
  plainStyle,
  renderAsk,
  renderHelp,
  renderReindex,
  renderSources,
  type Style,
  terminalSafe,
  ttyStyle,
  wrapText,
} from '../render/terminal.js';
import {
  type FeedbackSession,
  moderateCommand,
  pickCommand,
  rememberAnswer,
  reviewCommand,
  voteCommand,
} from './feedback.js';
import { logCommand } from './log.js';

export interface TerminalOptions {
  input: Readable;
  output: Writable & { isTTY?: boolean; columns?: number };
  /** Show a prompt and colours (stdin and stdout are terminals). */
  interactive: boolean;
  colour: boolean;
}

/** What the terminal remembers between lines. */
export interface Session {
  /** The /article filter: the questions after it look only in this article. */
  article?: { file: string; title: string };
  /** The last answer, for /good, /bad and /pick. */
  feedback?: FeedbackSession;
}

/** Exit status after Ctrl-C ended the prompt (128 + SIGINT), as a shell reports an interrupted program. */
export const INTERRUPTED = 130;

/** Shown after a Ctrl-C that did not end the prompt. */
export const CTRL_C_HINT = '(press Ctrl-C again or Ctrl-D to leave)';

/** Width for wrapping: the terminal's columns, or 80 when it is not a terminal or does not say. */
export function outputWidth(output: { isTTY?: boolean; columns?: number }): number {
  return output.isTTY && output.columns && output.columns > 0 ? output.columns : 80;
}

function shorten(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A question echoed above its answer when input is piped, so answers can be told apart. */
export function echoLine(text: string): string {
  return `? ${shorten(terminalSafe(text.trim()), 200)}`;
}

function articleCommand(services: Services, name: string, session: Session, style: Style): string {
  if (!name) {
    if (!session.article) {
      return 'Questions look in all articles. /article NAME makes the questions after it look only in that article.';
    }
    delete session.article;
    return 'Questions look in all articles again.';
  }
  const result = sources(services, name);
  if (result.kind === 'error') return style.warn(result.message);
  const found = result.article;
  if (!found) return style.warn(`No article matches "${shorten(terminalSafe(name), 80)}".`);
  session.article = { file: found.file, title: found.title };
  return `Questions now look only in “${terminalSafe(found.title)}” (${terminalSafe(found.file)}). /article alone looks in all articles again.`;
}

/** What a terminal route gets besides the services and the rest of the line. */
interface RouteContext {
  style: Style;
  session: Session;
  filter: { article?: string };
}

type TerminalRoute = (
  services: Services,
  argument: string,
  ctx: RouteContext,
) => string | null | Promise<string | null>;

/** The terminal's handler of each of its routes (the table, src/app/spec.ts, says which those are). */
const TERMINAL_ROUTES: Partial<Record<Route, TerminalRoute>> = {
  quit: () => null,
  help: (services, _arg, { style }) => renderHelp(help(services), style),
  sources: async (services, arg, { style }) =>
    renderSources(await sourcesWithOrigins(services, arg || undefined), style),
  article: (services, arg, { style, session }) => articleCommand(services, arg, session, style),
  reindex: async (services, _arg, { style }) => renderReindex(await reindex(services), style),
  ask: (services, arg, { style, session, filter }) =>
    answer(services, { question: arg, ...filter }, session, style),
  'vote-up': (services, _arg, { style, session }) =>
    voteCommand(services, 1, (session.feedback ??= {}), style),
  'vote-down': (services, _arg, { style, session }) =>
    voteCommand(services, -1, (session.feedback ??= {}), style),
  pick: (services, arg, { style, session }) => pickCommand(services, arg, (session.feedback ??= {}), style),
  review: (services, arg, { style }) => reviewCommand(services, arg, style),
  undo: (services, arg, { style }) => moderateCommand(services, 'undo', arg, style),
  confirm: (services, arg, { style }) => moderateCommand(services, 'confirm', arg, style),
  log: (services, arg, { style }) => logCommand(services, arg, style),
};

/** A question's answer, remembered for the feedback commands (with their hint under it). */
async function answer(services: Services, req: AskRequest, session: Session, style: Style): Promise<string> {
  const result = await ask(services, req);
  const text = renderAsk(result, style);
  if (result.kind !== 'answer') return text;
  const hint = await rememberAnswer(services, result, (session.feedback ??= {}));
  return hint
    ? `${text}
${style.dim(hint)}`
    : text;
}

/**
 * Handles one line of input and returns the text to print (undefined for a blank line, null to quit).
 * `session` keeps the /article filter from one line to the next.
 */
export async function handleLine(
  services: Services,
  line: string,
  colour = false,
  session: Session = {},
): Promise<string | null | undefined> {
  const style = colour ? ttyStyle : plainStyle;
  const parsed = parseTerminalLine(line);
  const filter = session.article ? { article: session.article.file } : {};
  switch (parsed.kind) {
    case 'blank':
      return undefined;
    case 'question':
      return answer(services, { question: parsed.text, ...filter }, session, style);
    case 'unknown':
      return style.warn(`Unknown command /${terminalSafe(parsed.name.slice(0, 40))}. Try /help.`);
    case 'elsewhere':
      return style.warn(`/${terminalSafe(parsed.name)} is a Discord command. Try /help.`);
    case 'command': {
      const route = TERMINAL_ROUTES[parsed.route];
      if (!route) return style.warn(`/${terminalSafe(parsed.name)} is a Discord command. Try /help.`);
      return route(services, parsed.argument, { style, session, filter });
    }
  }
}

/**
 * Ctrl-C on the prompt: keep what was typed on screen followed by ^C, and empty the line (what
 * Node's own REPL does; readline has no public call for it).
 */
function interruptLine(rl: Interface, output: Writable): void {
  rl.write(null, { ctrl: true, name: 'e' });
  output.write('^C');
  const clearLine = (rl as unknown as { clearLine?: () => void }).clearLine;
  if (typeof clearLine === 'function') {
    clearLine.call(rl);
  } else {
    rl.write(null, { ctrl: true, name: 'u' });
    output.write('\n');
  }
}

/**
 * Runs the terminal until end of input, /quit, or (at the prompt) Ctrl-C twice. Resolves with the
 * exit status: 0, or 130 when Ctrl-C ended it.
 */
export async function runTerminal(services: Services, options: TerminalOptions): Promise<number> {
  const { input, output, interactive, colour } = options;
  const style = colour ? ttyStyle : plainStyle;
  const session: Session = {};
  const write = (s: string) => output.write(`${wrapText(s, outputWidth(output))}\n`);
  if (!interactive) {
    const rl = createInterface({ input, terminal: false });
    for await (const line of rl) {
      const text = line.trim();
      if (!text) continue;
      write(echoLine(text));
      const out = await handleLine(services, text, false, session);
      if (out === null) break;
      if (out !== undefined) write(`${out}\n`);
    }
    rl.close();
    return 0;
  }

  const rl = createInterface({ input, output, terminal: true });
  const prompt = () => {
    rl.setPrompt(session.article ? `\n[${shorten(terminalSafe(session.article.title), 32)}] ? ` : '\n? ');
    rl.prompt();
  };
  const state: { ending: 'eof' | 'quit' | 'interrupt'; closed: boolean } = { ending: 'eof', closed: false };
  rl.on('close', () => {
    state.closed = true;
  });
  // Armed by a Ctrl-C; a second one on an empty line leaves. An entered line disarms it.
  let armed = false;
  rl.on('line', () => {
    armed = false;
  });
  rl.on('SIGINT', () => {
    if (armed && rl.line.length === 0) {
      state.ending = 'interrupt';
      output.write('^C\n');
      rl.close();
      return;
    }
    armed = true;
    interruptLine(rl, output);
    output.write(`${style.dim(CTRL_C_HINT)}\n`);
    prompt();
  });
  write(renderHelp(help(services), style));
  prompt();
  for await (const line of rl) {
    const out = await handleLine(services, line, colour, session);
    if (out === null) {
      state.ending = 'quit';
      break;
    }
    if (out !== undefined) write(`\n${out}`);
    if (state.closed) break;
    prompt();
  }
  rl.close();
  // Ctrl-D leaves the cursor after the prompt: end that line so the shell's prompt starts on its own.
  if (state.ending === 'eof') output.write('\n');
  return state.ending === 'interrupt' ? INTERRUPTED : 0;
}
