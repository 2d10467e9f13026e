/**
 * Both help texts' command lists, derived from the table: Discord's `/help` lines and the
 * terminal's one-line command summary.
 */
import { type CommandSpec, commandsOf, type TerminalForm } from './spec.js';

/** Said after Discord's command lines: questions need no command in DMs and mentions. */
export const DISCORD_PLAIN_QUESTIONS =
  'In DMs, just type your question; in a server, mention the bot with it.';

/**
 * The command lines of Discord's `/help` (Markdown, one per line, in table order), ending with how
 * to ask without a command. render.ts's renderHelp puts them under its "Commands" heading.
 */
export function discordHelpLines(): string[] {
  const lines = commandsOf('discord').flatMap((c) => (c.discordHelp ? [c.discordHelp] : []));
  return [...lines, DISCORD_PLAIN_QUESTIONS];
}

/** How the terminal types a command: its own form, or each of its subcommands' (in table order). */
function terminalForms(c: CommandSpec): TerminalForm[] {
  const subs = (c.subcommands ?? []).flatMap((s) => (s.terminal ? [s.terminal] : []));
  return [...(c.terminal ? [c.terminal] : []), ...subs];
}

/**
 * The terminal help's command summary: every terminal command (a command with subcommands, each of
 * the terminal's), and that anything else is a question.
 */
export function terminalHelpLine(specs: readonly CommandSpec[] = commandsOf('terminal')): string {
  const forms = specs.flatMap(terminalForms);
  const listed = forms
    .filter((t) => !t.asks)
    .map((t) => (t.note ? `${t.usage} ${t.note}` : t.usage))
    .join(', ');
  const asks = forms.filter((t) => t.asks).map((t) => t.usage);
  return `Commands: ${listed}. Anything else is a question${asks.length ? ` (so is ${asks.join(', ')})` : ''}.`;
}
