/**
 * Terminal mode: an interactive prompt when stdin is a terminal; otherwise one
 * answer per input line (each after its question, echoed), no prompt, exit at end of input.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ask, help, reindex, type Services, sources } from '../commands/commands.js';
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
  const text = line.trim();
  if (!text) return undefined;
  const filter = session.article ? { article: session.article.file } : {};
  const m = text.match(/^\/(\w+)\s*(.*)$/su);
  if (m) {
    const [, cmd = '', rest = ''] = m;
    switch (cmd.toLowerCase()) {
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return renderHelp(help(services), style);
      case 'sources':
        return renderSources(sources(services, rest || undefined), style);
      case 'article':
        return articleCommand(services, rest.trim(), session, style);
      case 'reindex':
        return renderReindex(await reindex(services), style);
      case 'ask':
        return renderAsk(await ask(services, { question: rest, ...filter }), style);
      default:
        return style.warn(`Unknown command /${terminalSafe(cmd.slice(0, 40))}. Try /help.`);
    }
  }
  return renderAsk(await ask(services, { question: text, ...filter }), style);
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
