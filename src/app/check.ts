/**
 * The option checks, derived from the table: what Discord enforces from the registration, checked
 * again on arrival (a stale registration, a server that edited the command, or a forged payload can
 * send unknown, duplicate, missing, mistyped, too long or out-of-range options).
 */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';

import { truncate } from '../discord/escape.js';
import { COMMAND_SPECS, type OptionSpec } from './spec.js';

/** An option as it arrives in a raw interaction payload (a subcommand holds its own `options`). */
export interface RawOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: unknown;
  options?: readonly RawOption[];
}

const OPTION_KINDS: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.String]: 'text',
  [ApplicationCommandOptionType.Integer]: 'a whole number',
  [ApplicationCommandOptionType.Boolean]: 'true or false',
  [ApplicationCommandOptionType.Number]: 'a number',
  [ApplicationCommandOptionType.Attachment]: 'a file',
};

const SLASH = COMMAND_SPECS.filter((c) => c.kind === 'chat' && c.surfaces.includes('discord'));

/** The slash commands' options, by command name, and the subcommands' by "command subcommand". */
const COMMAND_OPTIONS: ReadonlyMap<string, readonly OptionSpec[]> = new Map(
  SLASH.flatMap((c): [string, readonly OptionSpec[]][] =>
    c.subcommands?.length
      ? c.subcommands.map((s) => [`${c.name} ${s.name}`, s.options ?? []])
      : [[c.name, c.options ?? []]],
  ),
);

/** The subcommands' names, by command name (commands that have them). */
const SUBCOMMANDS: ReadonlyMap<string, readonly string[]> = new Map(
  SLASH.flatMap((c): [string, string[]][] =>
    c.subcommands?.length ? [[c.name, c.subcommands.map((s) => s.name)]] : [],
  ),
);

/** The bounds an option may carry (only some option types have each). */
interface Bounds {
  max_length?: number;
  min_value?: number;
  max_value?: number;
  choices?: readonly { value: unknown }[];
}

function typeOk(def: OptionSpec, o: RawOption): boolean {
  if (o.type !== def.type) return false;
  const v = o.value;
  switch (def.type) {
    case ApplicationCommandOptionType.String:
      return typeof v === 'string';
    case ApplicationCommandOptionType.Integer:
      return Number.isInteger(v);
    case ApplicationCommandOptionType.Boolean:
      return typeof v === 'boolean';
    case ApplicationCommandOptionType.Number:
      return typeof v === 'number' && Number.isFinite(v);
    case ApplicationCommandOptionType.Attachment:
      // The attachment's id; the attachment itself is in the payload's `resolved`.
      return typeof v === 'string';
    default:
      return true;
  }
}

/**
 * Checks a slash command's options against the table, as Discord normally does. `given` is the raw
 * options (`{ name, type, value }`; for a command with subcommands, the one subcommand holding its
 * own). Returns a message for the user, or undefined when they are fine (and for a command that is
 * not a Discord slash command: routing answers that).
 */
export function checkOptions(commandName: string, given: readonly RawOption[]): string | undefined {
  const subs = SUBCOMMANDS.get(commandName);
  if (!subs) return checkList(commandName, given);
  const [sub, ...others] = given;
  if (
    !sub ||
    others.length > 0 ||
    sub.type !== ApplicationCommandOptionType.Subcommand ||
    !subs.includes(sub.name)
  ) {
    return `Use one of ${subs.map((s) => `/${commandName} ${s}`).join(', ')}. Try /help.`;
  }
  return checkList(`${commandName} ${sub.name}`, sub.options ?? []);
}

/** Checks the options of a command, or of a subcommand ("command subcommand"). */
function checkList(commandName: string, given: readonly RawOption[]): string | undefined {
  const defs = COMMAND_OPTIONS.get(commandName);
  if (!defs) return undefined;
  const seen = new Set<string>();
  for (const o of given) {
    const name = truncate(String(o.name), 32);
    const def = defs.find((d) => d.name === o.name);
    if (!def) return `/${commandName} has no option "${name}". Try /help.`;
    if (seen.has(o.name)) return `The option "${name}" was given twice.`;
    seen.add(o.name);
    if (!typeOk(def, o)) return `The option "${name}" must be ${OPTION_KINDS[def.type] ?? 'something else'}.`;
    const limits = def as Bounds;
    const v = o.value;
    if (typeof v === 'string' && limits.max_length !== undefined && v.length > limits.max_length) {
      return `The ${name} option is ${v.length} characters long; the limit is ${limits.max_length}.`;
    }
    if (limits.choices && !limits.choices.some((c) => c.value === v)) {
      const listed = limits.choices.map((c) => String(c.value)).join(', ');
      return `The option "${name}" must be one of: ${listed}.`;
    }
    if (
      typeof v === 'number' &&
      ((limits.min_value !== undefined && v < limits.min_value) ||
        (limits.max_value !== undefined && v > limits.max_value))
    ) {
      return `${name} must be from ${limits.min_value ?? '-∞'} to ${limits.max_value ?? '∞'}; got ${v}.`;
    }
  }
  for (const d of defs) {
    if (d.required && !seen.has(d.name)) return `/${commandName} needs the "${d.name}" option.`;
  }
  return undefined;
}

/**
 * Whether the checker knows option `option` of command `commandName` ("command subcommand" for a
 * subcommand's; for the table's own test).
 */
export function knowsOption(commandName: string, option: string): boolean {
  return COMMAND_OPTIONS.get(commandName)?.some((d) => d.name === option) ?? false;
}
