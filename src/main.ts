/**
 * npm start [-- --verbose | --version | --help]: with DISCORD_TOKEN, the Discord bot; without it, the terminal.
 */
import { applyHeapGrowth, entryCommandLine, startServices, startupConfig } from './entry.js';
import { progressLine } from './terminal/progress.js';
import { runTerminal } from './terminal/repl.js';

const USAGE = `usage: npm start [-- options]
  without DISCORD_TOKEN: ask in the terminal (a prompt, or one question per line of piped input)
  with DISCORD_TOKEN: run the Discord bot
  --verbose         show info log lines in the terminal (LOG_LEVEL, when set, decides instead)
  --version         print the version
  --help            this text`;

const parsed = entryCommandLine(USAGE, {
  verbose: { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});

// In the terminal, info lines would be mixed into the answers: show them only with --verbose.
const { config, log } = startupConfig({ quiet: (c) => !c.token && !parsed.values.verbose });
applyHeapGrowth(config, log);
// SHARD_COUNT belongs to start:sharded, but discord.js's Client reads SHARD_COUNT and SHARDS from the
// environment as its own shard settings: only a shard started by the sharding manager keeps them.
if (!process.env.SHARDING_MANAGER) {
  delete process.env.SHARD_COUNT;
  delete process.env.SHARDS;
}
const progress = progressLine(process.stderr);
const services = await startServices(config, log, { onEmbedProgress: progress.update });
progress.clear();

if (config.token) {
  const { runBot } = await import('./transports/gateway/run.js');
  await runBot(config, services);
} else {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  process.exitCode = await runTerminal(services, {
    input: process.stdin,
    output: process.stdout,
    interactive,
    colour: interactive && !process.env.NO_COLOR,
  });
  await services.close?.();
}
