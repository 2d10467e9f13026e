/**
 * Runs the bot until SIGINT/SIGTERM: then finishes the replies in flight, closes
 * the gateway and exits 0.
 *
 * Crashes: the bot wraps discord.js's gateway packet handler (see dispatch-guard.ts), so a
 * gateway event discord.js cannot parse is skipped there. This module adds the
 * process-level safety net for everything else that escapes as an uncaught
 * exception or unhandled rejection: it is logged with an error id; an error
 * raised inside discord.js's gateway event handling leaves the process running
 * (the failure belongs to one event, the session is intact), anything else
 * exits 1 so the supervisor (systemd, Docker, pm2) starts a clean process rather
 * than running on in an unknown state. When the gateway closes for good (a close
 * code discord.js does not recover from), the process exits 1 too.
 */
import { randomBytes } from 'node:crypto';
import { Events } from 'discord.js';
import type { Services } from '../../commands/commands.js';
import type { Config } from '../../config.js';
import { type Logger, startMemoryLog } from '../../log.js';
import type { Metrics } from '../../ops/metrics.js';
import { CitebotDiscord } from './bot.js';
import { signerFromConfig } from '../../discord/custom-id.js';

/**
 * Starts the bot and returns it (connected); SIGINT/SIGTERM stop it, then `onStop` (the metrics
 * server), then the process.
 */
export async function runBot(
  config: Config,
  services: Services,
  options: { metrics?: Metrics; onStop?: () => Promise<void> } = {},
): Promise<CitebotDiscord> {
  installCrashGuard({ log: services.log });
  const bot = new CitebotDiscord({
    config,
    services,
    signer: signerFromConfig(config),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  try {
    await bot.start();
  } catch (err) {
    process.stderr.write(`citebot: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (config.memoryLogSeconds > 0) startMemoryLog(services.log, config.memoryLogSeconds * 1000);
  let stopping = false;
  const shutdown = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    services.log.info('shutting down', { signal, inflight: bot.inflight });
    bot
      .stop()
      .then(() => options.onStop?.())
      .then(() => {
        services.log.info('stopped');
        process.exit(code);
      })
      .catch((err: unknown) => {
        services.log.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // A shard of the sharded gateway: when its manager is gone, so is it (else a restarted manager's
  // shard would answer the same servers twice).
  if (bot.client.shard && process.send) process.once('disconnect', () => shutdown('sharding manager gone'));
  // discord.js emits shardDisconnect only for close codes it will not reconnect after (bad token,
  // disallowed intents, ...): the bot is deaf from then on, so let the supervisor restart it.
  bot.client.on(Events.ShardDisconnect, (event) => shutdown(`gateway closed (${event.code})`, 1));
  return bot;
}

export interface CrashGuardOptions {
  log: Logger;
  /** Default: process.exit. */
  exit?: (code: number) => void;
  /** Where to listen. Default: process. */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export interface CrashGuard {
  /** The listener for `uncaughtException` / `unhandledRejection` (exposed for tests). */
  handle(err: unknown, origin: string): void;
  /** Removes the listeners. */
  uninstall(): void;
}

/** Frames of discord.js's gateway event handling: packet handlers, actions, and the structures they build. */
const DISCORD_GATEWAY_FRAME =
  /[\\/]node_modules[\\/](?:discord\.js[\\/]src[\\/](?:client[\\/](?:websocket|actions)|structures|managers|util)[\\/]|@discordjs[\\/]ws[\\/])/u;
const GATEWAY_DISPATCH_FRAME =
  /[\\/]node_modules[\\/](?:discord\.js[\\/]src[\\/]client[\\/]websocket[\\/]|@discordjs[\\/]ws[\\/])/u;

/**
 * Whether an error was thrown by discord.js while it handled a gateway event: the innermost frame is in
 * discord.js (not in our code called from it) and the stack passes through its gateway dispatch.
 */
export function isDiscordDispatchError(err: unknown): boolean {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return false;
  const frames = stack.split('\n').filter((l) => /^\s+at /u.test(l));
  const top = frames.find((l) => !/\(node:|^\s+at node:|\(<anonymous>\)/u.test(l));
  if (!top || !DISCORD_GATEWAY_FRAME.test(top)) return false;
  return frames.some((l) => GATEWAY_DISPATCH_FRAME.test(l));
}

/** Installs the process-level handlers described above. Returns them, with a way to remove them. */
export function installCrashGuard(options: CrashGuardOptions): CrashGuard {
  const { log } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  const handle = (err: unknown, origin: string): void => {
    const errorId = randomBytes(4).toString('hex');
    const fields = {
      errorId,
      origin,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    };
    if (isDiscordDispatchError(err)) {
      log.error('discord.js failed on a gateway event; skipped it and kept running', fields);
      return;
    }
    log.error('unexpected error; exiting so the supervisor restarts citebot', fields);
    exit(1);
  };
  const onException = (err: unknown, origin?: string) => handle(err, origin ?? 'uncaughtException');
  const onRejection = (reason: unknown) => handle(reason, 'unhandledRejection');
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return {
    handle,
    uninstall() {
      target.off('uncaughtException', onException);
      target.off('unhandledRejection', onRejection);
    },
  };
}
