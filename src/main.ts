/**
 * npm start [-- --verbose | --version | --help]: with DISCORD_TOKEN, the Discord bot (with
 * METRICS_PORT, GET /metrics and GET /healthz on HOST:METRICS_PORT); without it, the terminal.
 */
import {
  applyHeapGrowth,
  entryCommandLine,
  fatal,
  packageVersion,
  startServices,
  startupConfig,
} from './entry.js';
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
// Under start:sharded every shard is a process of its own: shard N serves METRICS_PORT + N.
const shardId = process.env.SHARDING_MANAGER ? Number.parseInt(process.env.SHARDS ?? '0', 10) : 0;
const metricsPort =
  config.metricsPort === undefined || config.metricsPort === 0
    ? config.metricsPort
    : config.metricsPort + (Number.isInteger(shardId) && shardId > 0 ? shardId : 0);
// prom-client is loaded only where metrics are served.
const metrics =
  config.token && metricsPort !== undefined ? new (await import('./ops/metrics.js')).Metrics() : undefined;
const services = await startServices(config, log, {
  onEmbedProgress: progress.update,
  ...(metrics ? { metrics } : {}),
});
progress.clear();

if (config.token) {
  const { runBot } = await import('./transports/gateway/run.js');
  const ops: { close?: () => Promise<void> } = {};
  const bot = await runBot(config, services, {
    ...(metrics ? { metrics } : {}),
    onStop: async () => ops.close?.(),
  });
  if (metrics && metricsPort !== undefined) {
    const { Health } = await import('./ops/health.js');
    const { startOpsServer } = await import('./transports/http/ops-server.js');
    const health = new Health({
      library: () => services.library,
      store: () => services.storeProbe,
      stopping: () => bot.runtime.stopping,
      log,
      version: packageVersion(),
    });
    try {
      const server = await startOpsServer(
        { health: () => health.report(), metrics: () => metrics.text(), log },
        metricsPort,
        config.host,
      );
      ops.close = () => server.close();
      log.info('metrics and health', { port: server.address.port });
    } catch (err) {
      fatal(`could not listen on ${config.host}:${metricsPort} (METRICS_PORT): ${(err as Error).message}`);
    }
  }
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
