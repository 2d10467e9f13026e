/**
 * The sharded gateway: one child process per shard under discord.js's ShardingManager, each running the
 * ordinary gateway entry (it reads SHARDS / SHARD_COUNT from the environment the manager gives it, and
 * identifies with `[id, count]`). A shard that exits is started again by the manager; the others keep
 * answering. The shard count comes from SHARD_COUNT or, for `auto`, from GET /gateway/bot asked through
 * DISCORD_API_BASE (discord.js's own `auto` always asks discord.com).
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { REST } from '@discordjs/rest';
import { type RESTGetAPIGatewayBotResult, Routes } from 'discord-api-types/v10';
import { type Shard, ShardingManager } from 'discord.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { REST_TIMEOUT_MS } from '../../interactions/rest.js';
import { describeLoginError } from './login.js';

/** What GET /gateway/bot says about starting shards. */
export interface GatewayBotInfo {
  /** The shard count Discord recommends. */
  shards: number;
  /** Session starts left until `resetAfterMs` from now. */
  remaining: number;
  resetAfterMs: number;
  /** How many shards may identify at once (one per `id % maxConcurrency` bucket every 5 s). */
  maxConcurrency: number;
}

/** GET /gateway/bot with the bot token; rejects with one line saying why it failed. */
export async function fetchGatewayBot(token: string, apiBase: string | undefined): Promise<GatewayBotInfo> {
  const rest = new REST({
    version: '10',
    timeout: REST_TIMEOUT_MS,
    ...(apiBase ? { api: apiBase } : {}),
  }).setToken(token);
  let body: RESTGetAPIGatewayBotResult;
  try {
    body = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  } catch (err) {
    const status = (err as { status?: number }).status;
    const line =
      status === 401 ? 'Discord rejected the token (check DISCORD_TOKEN).' : describeLoginError(err, apiBase);
    throw new Error(`could not ask Discord for the shard count: ${line}`, { cause: err });
  }
  const limit = body.session_start_limit;
  if (!Number.isInteger(body.shards) || body.shards < 1) {
    throw new Error(`GET /gateway/bot gave no usable shard count (${JSON.stringify(body.shards)})`);
  }
  return {
    shards: body.shards,
    remaining: limit?.remaining ?? Number.POSITIVE_INFINITY,
    resetAfterMs: limit?.reset_after ?? 0,
    maxConcurrency: Math.max(1, limit?.max_concurrency ?? 1),
  };
}

/** Which shards this machine runs, out of how many. */
export interface ShardPlan {
  totalShards: number;
  shardList: number[];
  /** Shards started together, then `batchDelayMs` before the next ones. */
  batchSize: number;
}

/** The plan from the configuration and GET /gateway/bot; throws one line when they do not fit. */
export function planShards(
  config: Pick<Config, 'shardCount' | 'shardList'>,
  info: GatewayBotInfo,
): ShardPlan {
  const totalShards = config.shardCount === 'auto' ? info.shards : config.shardCount;
  const shardList = config.shardList ?? [...Array(totalShards).keys()];
  const outside = shardList.filter((id) => id >= totalShards);
  if (outside.length) {
    throw new Error(
      `SHARD_LIST has shard ids ${outside.join(', ')}, but there are only ${totalShards} shards (0 to ${totalShards - 1})`,
    );
  }
  if (shardList.length > info.remaining) {
    throw new Error(
      `Discord allows ${info.remaining} more session starts for ${Math.ceil(info.resetAfterMs / 60_000)} min; ${shardList.length} shards need one each`,
    );
  }
  return { totalShards, shardList, batchSize: info.maxConcurrency };
}

/** How the shards are run. */
export interface RunShardsOptions {
  plan: ShardPlan;
  token: string;
  log: Logger;
  /** The script each shard runs (the ordinary gateway entry). */
  file: string;
  /** Node options of the children (`--import` of the TypeScript loader). */
  execArgv: string[];
  /** Between two batches of identifies: Discord allows one per bucket every 5 s. Default 5500 ms. */
  batchDelayMs?: number;
  /** How long a shard may take to become ready before the next batch starts anyway. Default 120 s. */
  readyTimeoutMs?: number;
  /** A shard that exits this many times in a row before becoming ready is given up on. Default 3. */
  maxEarlyExits?: number;
  /** Called once when a shard keeps exiting before it is ready (every shard is stopped first). */
  onGiveUp?: (reason: string) => void;
}

/** The running shards. */
export interface ShardRun {
  readonly manager: ShardingManager;
  /** Resolves once every shard of the plan was started (and became ready or timed out). */
  readonly started: Promise<void>;
  /** Stops every shard with SIGTERM (each finishes its replies in flight), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Starts the shards of `plan` in batches and keeps them running until stop(). */
export function runShards(options: RunShardsOptions): ShardRun {
  const { plan, log } = options;
  const manager = new ShardingManager(options.file, {
    totalShards: plan.totalShards,
    shardList: plan.shardList,
    respawn: true,
    token: options.token,
    execArgv: options.execArgv,
  });
  const maxEarlyExits = options.maxEarlyExits ?? 3;
  const earlyExits = new Map<number, number>();
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const stop = (graceMs = 15_000): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      manager.respawn = false;
      const children = [...manager.shards.values()]
        .map((s) => s.process)
        .filter((c): c is ChildProcess => c !== null && !exited(c));
      const done = children.map(
        (c) => new Promise<void>((r) => (exited(c) ? r() : c.once('exit', () => r()))),
      );
      for (const c of children) c.kill('SIGTERM');
      const all = Promise.all(done).then(() => true);
      if (!(await Promise.race([all, sleep(graceMs).then(() => false)]))) {
        for (const c of children) if (!exited(c)) c.kill('SIGKILL');
        await all;
      }
    })();
    return stopped;
  };

  const watch = (shard: Shard): void => {
    const id = shard.id;
    let readySinceSpawn = false;
    // Process mode: the manager's children are always ChildProcesses.
    shard.on('spawn', (c) => {
      const child = c as ChildProcess;
      readySinceSpawn = false;
      log.info('shard started', { shard: id, of: plan.totalShards, pid: child.pid });
    });
    shard.on('ready', () => {
      readySinceSpawn = true;
      earlyExits.set(id, 0);
      log.info('shard ready', { shard: id });
    });
    shard.on('death', (c) => {
      const child = c as ChildProcess;
      const fields = { shard: id, pid: child.pid, code: child.exitCode, signal: child.signalCode };
      if (stopping) return log.info('shard stopped', fields);
      const early = readySinceSpawn ? 0 : (earlyExits.get(id) ?? 0) + 1;
      earlyExits.set(id, early);
      if (early >= maxEarlyExits) {
        log.error('shard keeps exiting before it is ready; stopping every shard', fields);
        const reason = `shard ${id} exited ${early} times before it was ready (last exit code ${String(child.exitCode)})`;
        setImmediate(() => void stop().then(() => options.onGiveUp?.(reason)));
        return;
      }
      log.warn('shard exited; starting it again', fields);
    });
    shard.on('disconnect', () => log.warn('shard lost its gateway connection', { shard: id }));
    shard.on('reconnecting', () => log.info('shard reconnecting', { shard: id }));
    // discord.js reports a restarted shard that did not become ready (or died again) here.
    shard.on('error', (err: Error) =>
      log.warn('shard did not become ready', { shard: id, error: err.message }),
    );
  };

  const started = (async () => {
    for (let i = 0; i < plan.shardList.length && !stopping; i += plan.batchSize) {
      if (i > 0) await sleep(options.batchDelayMs ?? 5500);
      if (stopping) break;
      const batch = plan.shardList.slice(i, i + plan.batchSize).map((id) => {
        const shard = manager.createShard(id);
        watch(shard);
        return shard.spawn(options.readyTimeoutMs ?? 120_000).catch((err: unknown) => {
          if (!stopping) log.warn('shard not ready yet', { shard: id, error: (err as Error).message });
        });
      });
      await Promise.all(batch);
    }
  })();
  return { manager, started, stop };
}
