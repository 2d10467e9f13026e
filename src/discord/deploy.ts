/**
 * Registers the commands by bulk overwrite (PUT), globally or in one server, or clears them (PUT of an
 * empty list). Running it twice changes nothing: the same list replaces the same list.
 */
import { REST } from '@discordjs/rest';
import {
  type APIApplication,
  type APIApplicationCommand,
  type RESTPutAPIApplicationCommandsJSONBody,
  Routes,
} from 'discord-api-types/v10';
import { COMMANDS } from './commands.js';

export interface DeployOptions {
  token: string;
  apiBase?: string;
  guildId?: string;
}

/** Discord refused the commands of one server: the bot is not in it (or the id is not a server's). */
export class GuildAccessError extends Error {
  override name = 'GuildAccessError';
  constructor(
    readonly applicationId: string,
    readonly guildId: string,
    cause: unknown,
  ) {
    super(`Discord refused access to server ${guildId}`, { cause });
  }
}

export interface DeployResult {
  applicationId: string;
  scope: 'global' | 'guild';
  /** What Discord now has registered in that scope (empty after a clear). */
  commands: APIApplicationCommand[];
}

async function overwrite(
  options: DeployOptions,
  body: RESTPutAPIApplicationCommandsJSONBody,
): Promise<DeployResult> {
  const rest = new REST(options.apiBase ? { api: options.apiBase } : {}).setToken(options.token);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const route = options.guildId
    ? Routes.applicationGuildCommands(app.id, options.guildId)
    : Routes.applicationCommands(app.id);
  let commands: APIApplicationCommand[];
  try {
    commands = (await rest.put(route, { body })) as APIApplicationCommand[];
  } catch (err) {
    // 403 Missing Access (50001): the application is not in that server; 404: no such server.
    const status = (err as { status?: number }).status;
    if (options.guildId && (status === 403 || status === 404))
      throw new GuildAccessError(app.id, options.guildId, err);
    throw err;
  }
  return { applicationId: app.id, scope: options.guildId ? 'guild' : 'global', commands };
}

/** Registers every command in COMMANDS. */
export function deployCommands(options: DeployOptions): Promise<DeployResult> {
  return overwrite(options, COMMANDS);
}

/** Removes every command of the application, globally or from one server. */
export function clearCommands(options: DeployOptions): Promise<DeployResult> {
  return overwrite(options, []);
}
