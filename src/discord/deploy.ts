/**
 * Registers the commands by bulk overwrite (PUT), globally or in one server.
 * Running it twice changes nothing: the same list replaces the same list.
 */
import { REST } from '@discordjs/rest';
import { type APIApplication, type APIApplicationCommand, Routes } from 'discord-api-types/v10';
import { COMMANDS } from './commands.js';

export interface DeployOptions {
  token: string;
  apiBase?: string;
  guildId?: string;
}

export interface DeployResult {
  applicationId: string;
  scope: 'global' | 'guild';
  commands: APIApplicationCommand[];
}

export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
  const rest = new REST(options.apiBase ? { api: options.apiBase } : {}).setToken(options.token);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const route = options.guildId
    ? Routes.applicationGuildCommands(app.id, options.guildId)
    : Routes.applicationCommands(app.id);
  const commands = (await rest.put(route, { body: COMMANDS })) as APIApplicationCommand[];
  return { applicationId: app.id, scope: options.guildId ? 'guild' : 'global', commands };
}
