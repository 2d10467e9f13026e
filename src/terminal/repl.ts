/**
 * Terminal mode: an interactive prompt when stdin is a terminal; otherwise one
 * answer per input line, no prompt, exit at end of input.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ask, help, reindex, type Services, sources } from '../commands/commands.js';
import {
  ansiStyle,
  plainStyle,
  renderAsk,
  renderHelp,
  renderReindex,
  renderSources,
} from '../render/terminal.js';

export interface TerminalOptions {
  input: Readable;
  output: Writable;
  /** Show a prompt and colours (stdin and stdout are terminals). */
  interactive: boolean;
  colour: boolean;
}

/** Handles one line of input and returns the text to print (undefined for a blank line, null to quit). */
export async function handleLine(
  services: Services,
  line: string,
  colour = false,
): Promise<string | null | undefined> {
  const style = colour ? ansiStyle : plainStyle;
  const text = line.trim();
  if (!text) return undefined;
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
      case 'reindex':
        return renderReindex(await reindex(services), style);
      case 'ask':
        return renderAsk(await ask(services, { question: rest }), style);
      default:
        return style.warn(`Unknown command /${cmd.slice(0, 40)}. Try /help.`);
    }
  }
  return renderAsk(await ask(services, { question: text }), style);
}

/** Runs the terminal until end of input or /quit. */
export async function runTerminal(services: Services, options: TerminalOptions): Promise<void> {
  const { input, output, interactive, colour } = options;
  const rl = createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  const write = (s: string) => output.write(`${s}\n`);
  if (interactive) {
    write(renderHelp(help(services), colour ? ansiStyle : plainStyle));
    rl.setPrompt('\n? ');
    rl.prompt();
  }
  for await (const line of rl) {
    const out = await handleLine(services, line, colour);
    if (out === null) break;
    if (out !== undefined) write(interactive ? `\n${out}` : `${out}\n`);
    if (interactive) rl.prompt();
  }
  rl.close();
}
