/**
 * npm run start:sharded [-- --version | --help]: the gateway as one process per shard (discord.js's
 * ShardingManager), each the ordinary `npm start` bot. SHARD_COUNT (or `auto`: GET /gateway/bot through
 * DISCORD_API_BASE) and SHARD_LIST choose the shards this machine runs. A shard that exits is started
 * again. SIGINT/SIGTERM stop every shard (each finishes its replies in flight), then exit 0.
 */
import { fileURLToPath } from 'node:url';
import { entryCommandLine, fatal, startupConfig, stopOnSignals } from './entry.js';
import { fetchGatewayBot, planShards, runShards, type ShardPlan } from './transports/gateway/sharding.js';

const USAGE = `usage: npm run start:sharded [-- options]
  runs the Discord gateway as one process per shard. Needs DISCORD_TOKEN. SHARD_COUNT (default auto:
  Discord's recommendation) is the total across machines; SHARD_LIST (default all) the shards run here.
  --version         print the version
  --help            this text`;

entryCommandLine(USAGE, {
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});

const { config, log } = startupConfig();
const token = config.token;
if (!token) fatal('DISCORD_TOKEN is not set: the sharded gateway needs the bot token.');

let plan: ShardPlan;
try {
  plan = planShards(config, await fetchGatewayBot(token, config.apiBase));
} catch (err) {
  fatal((err as Error).message);
}
log.info('starting shards', {
  shards: plan.shardList,
  of: plan.totalShards,
  perBatch: plan.batchSize,
  interactions: config.gatewayInteractions ? 'gateway' : 'off',
});

const run = runShards({
  plan,
  token,
  log,
  // Each shard is the ordinary gateway entry, run by the same TypeScript loader as this process.
  file: fileURLToPath(new URL('./main.ts', import.meta.url)),
  execArgv: ['--import', import.meta.resolve('tsx')],
  onGiveUp: (reason) => fatal(reason),
});

const stopping = stopOnSignals(log, 'stopping shards', () => run.stop());

await run.started;
if (!stopping()) log.info('every shard started', { shards: plan.shardList });
