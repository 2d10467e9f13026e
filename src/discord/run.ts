/**
 * Runs the bot until SIGINT/SIGTERM: then finishes the replies in flight, closes
 * the gateway and exits 0.
 */
import type { Services } from '../commands/commands.js';
import type { Config } from '../config.js';
import { CitebotDiscord } from './bot.js';

export async function runBot(config: Config, services: Services): Promise<void> {
  const bot = new CitebotDiscord({ config, services });
  try {
    await bot.start();
  } catch (err) {
    process.stderr.write(`citebot: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.log.info('shutting down', { signal, inflight: bot.inflight });
    bot
      .stop()
      .then(() => {
        services.log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        services.log.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
