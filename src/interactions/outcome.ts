/**
 * One interaction's facts, once it is handled: a single log line (info; autocomplete at debug, one per
 * keystroke) with its id, type, command, guild, latency and outcome, and the same counted in the
 * metrics when the runtime has them. Never the question's text, never the interaction's token: the
 * line is built from ids and names only, not from the payload.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
} from 'discord-api-types/v10';
import { truncate } from '../discord/escape.js';
import type { InteractionOutcome } from '../ops/metrics.js';
import type { RawInteraction } from './raw.js';
import type { Runtime } from './runtime.js';

export type { InteractionOutcome } from '../ops/metrics.js';

/** What kind of interaction it was, for the log and the metrics' `type` label. */
export type InteractionKind = 'command' | 'context_menu' | 'button' | 'select' | 'autocomplete' | 'other';

/** The facts of an interaction that its payload tells. */
export interface InteractionFacts {
  type: InteractionKind;
  /** The command (with its subcommand), or a button's or menu's action from its signed id. */
  command: string;
  /** The guild's id, or 'dm'. */
  guild: string;
}

/** A command's name with its subcommand group and subcommand ("feedback review"). */
function commandName(data: {
  name: string;
  options?: readonly { type: number; name: string; options?: unknown }[];
}) {
  const parts = [data.name];
  let options = data.options;
  while (options?.[0]) {
    const first = options[0];
    if (
      first.type !== ApplicationCommandOptionType.SubcommandGroup &&
      first.type !== ApplicationCommandOptionType.Subcommand
    )
      break;
    parts.push(first.name);
    options = first.options as typeof options;
  }
  return truncate(parts.join(' '), 64);
}

/** Reads the facts of `raw` (a component's action from its signed id; 'unknown' when it is not ours). */
export function interactionFacts(rt: Runtime, raw: RawInteraction): InteractionFacts {
  const guild = raw.guild_id ?? 'dm';
  switch (raw.type) {
    case InteractionType.ApplicationCommand:
      return {
        type: raw.data.type === ApplicationCommandType.ChatInput ? 'command' : 'context_menu',
        command: commandName(raw.data),
        guild,
      };
    case InteractionType.ApplicationCommandAutocomplete:
      return { type: 'autocomplete', command: commandName(raw.data), guild };
    case InteractionType.MessageComponent:
      return {
        type: raw.data.component_type === ComponentType.Button ? 'button' : 'select',
        command: rt.signer.decode(raw.data.custom_id)?.action ?? 'unknown',
        guild,
      };
    default:
      return { type: 'other', command: 'unknown', guild };
  }
}

/**
 * Logs and counts one handled interaction. `receivedAt` is when it reached this process; the latency
 * runs from there to now (its reply sent, or its error reported). Never throws.
 */
export function recordInteraction(
  rt: Runtime,
  raw: RawInteraction,
  outcome: InteractionOutcome,
  receivedAt: number,
): void {
  try {
    const facts = interactionFacts(rt, raw);
    const latencyMs = Math.max(0, Date.now() - receivedAt);
    rt.metrics?.interaction(facts.type, outcome, latencyMs / 1000);
    const level = facts.type === 'autocomplete' ? 'debug' : 'info';
    rt.services.log[level]('interaction', {
      interaction: raw.id,
      type: facts.type,
      command: facts.command,
      guild: facts.guild,
      latency_ms: latencyMs,
      outcome,
    });
  } catch (err) {
    rt.services.log.debug('could not record an interaction', {
      interaction: raw.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
