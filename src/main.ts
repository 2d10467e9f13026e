/**
 * npm start: with DISCORD_TOKEN, the Discord bot; without it, the terminal.
 */
import { applyHeapGrowth, startServices, startupConfig } from './entry.js';
import { runTerminal } from './terminal/repl.js';

const { config, log } = startupConfig();
applyHeapGrowth(config, log);
const services = await startServices(config, log);

if (config.token) {
  const { runBot } = await import('./discord/run.js');
  await runBot(config, services);
} else {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  await runTerminal(services, {
    input: process.stdin,
    output: process.stdout,
    interactive,
    colour: interactive && !process.env.NO_COLOR,
  });
}
