/**
 * The option checks of the slash commands, against their registration (moved verbatim from the
 * Discord bot; the command table replaces them). Raw options in, a message for the user out.
 */
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
} from 'discord-api-types/v10';
import { COMMANDS } from '../discord/commands.js';
import { truncate } from '../discord/escape.js';

const OPTION_KINDS: Partial<Record<ApplicationCommandOptionType, string>> = {
  [ApplicationCommandOptionType.String]: 'text',
  [ApplicationCommandOptionType.Integer]: 'a whole number',
  [ApplicationCommandOptionType.Boolean]: 'true or false',
  [ApplicationCommandOptionType.Number]: 'a number',
};

/** The registered slash commands' options, by command name (what Discord should have enforced). */
const COMMAND_OPTIONS = new Map<string, readonly APIApplicationCommandOption[]>();
for (const c of COMMANDS) {
  if ((c.type ?? ApplicationCommandType.ChatInput) !== ApplicationCommandType.ChatInput) continue;
  COMMAND_OPTIONS.set(c.name, 'options' in c ? (c.options ?? []) : []);
}

/**
 * Checks a slash command's options against its registration, as Discord normally does: a stale
 * registration, a server that edited the command, or a forged payload can send unknown, duplicate,
 * missing, mistyped, too long or out-of-range options. Returns a message for the user, or undefined.
 */
export function optionProblem(
  commandName: string,
  given: readonly { name: string; type: ApplicationCommandOptionType; value?: unknown }[],
): string | undefined {
  const defs = COMMAND_OPTIONS.get(commandName);
  if (!defs) return undefined;
  const seen = new Set<string>();
  for (const o of given) {
    const name = truncate(String(o.name), 32);
    const def = defs.find((d) => d.name === o.name);
    if (!def) return `/${commandName} has no option "${name}". Try /help.`;
    if (seen.has(o.name)) return `The option "${name}" was given twice.`;
    seen.add(o.name);
    const kind = OPTION_KINDS[def.type] ?? 'something else';
    const v = o.value;
    const typeOk =
      o.type === def.type &&
      (def.type === ApplicationCommandOptionType.String
        ? typeof v === 'string'
        : def.type === ApplicationCommandOptionType.Integer
          ? Number.isInteger(v)
          : def.type === ApplicationCommandOptionType.Boolean
            ? typeof v === 'boolean'
            : def.type === ApplicationCommandOptionType.Number
              ? typeof v === 'number' && Number.isFinite(v)
              : true);
    if (!typeOk) return `The option "${name}" must be ${kind}.`;
    const limits = def as { max_length?: number; min_value?: number; max_value?: number };
    if (typeof v === 'string' && limits.max_length !== undefined && v.length > limits.max_length) {
      return `The ${name} option is ${v.length} characters long; the limit is ${limits.max_length}.`;
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
    if ('required' in d && d.required && !seen.has(d.name))
      return `/${commandName} needs the "${d.name}" option.`;
  }
  return undefined;
}
