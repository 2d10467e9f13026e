import type { Services } from '../commands/commands.js';
import type { Config } from '../config.js';

/** Placeholder until the Discord surface lands. */
export async function runBot(_config: Config, services: Services): Promise<void> {
  services.log.error('Discord mode is not available yet; unset DISCORD_TOKEN to use the terminal.');
  process.exitCode = 1;
}
