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
  const commands = (await rest.put(route, { body })) as APIApplicationCommand[];
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
