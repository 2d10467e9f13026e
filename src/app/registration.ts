/**
 * The Discord registration JSON (what the bulk-overwrite endpoint takes), derived from the table.
 */
import {
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  PermissionFlagsBits,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';

import { AVAILABILITY, type CommandSpec, commandsOf } from './spec.js';

/** What a moderator-only command asks of members by default (moderator roles are checked on use). */
export const MODERATOR_PERMISSION = PermissionFlagsBits.ManageGuild;

type Registered = RESTPutAPIApplicationCommandsJSONBody[number];

/** A command's registered options: its own, or one option of type Subcommand per subcommand. */
function optionsOf(c: CommandSpec): APIApplicationCommandOption[] {
  if (c.subcommands?.length) {
    return c.subcommands.map((s) => ({
      type: ApplicationCommandOptionType.Subcommand,
      name: s.name,
      description: s.description,
      ...(s.options?.length ? { options: s.options.map((o) => ({ ...o })) } : {}),
    }));
  }
  return (c.options ?? []).map((o) => ({ ...o }));
}

function registration(c: CommandSpec): Registered {
  const where = AVAILABILITY[c.availability];
  const place = { contexts: [...where.contexts], integration_types: [...where.integration_types] };
  if (c.kind === 'message') return { type: ApplicationCommandType.Message, name: c.name, ...place };
  const options = optionsOf(c);
  return {
    type: ApplicationCommandType.ChatInput,
    name: c.name,
    description: c.description ?? c.name,
    ...place,
    ...(options.length ? { options } : {}),
    ...(c.audience === 'moderator' ? { default_member_permissions: MODERATOR_PERMISSION.toString() } : {}),
  };
}

/** The registration JSON of every Discord command, in table order. */
export function registrationJson(): RESTPutAPIApplicationCommandsJSONBody {
  return commandsOf('discord').map(registration);
}
