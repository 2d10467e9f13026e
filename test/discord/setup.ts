/**
 * Starts the real bot (real discord.js Client, real corpus, real index) against the
 * fake Discord on 127.0.0.1.
 */
import path from 'node:path';
import type { Services } from '../../src/commands/commands.js';
import { type Env, loadConfig } from '../../src/config.js';
import { Library } from '../../src/corpus/library.js';
import { type BotOptions, CitebotDiscord } from '../../src/transports/gateway/bot.js';
import { AnswerStore } from '../../src/discord/store.js';
import { createLogger } from '../../src/log.js';
import {
  DEFAULT_CHANNEL_ID,
  DEFAULT_GUILD_ID,
  FAKE_TOKEN,
  FakeDiscord,
  type FakeDiscordOptions,
  guild,
} from '../harness/index.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The Manage Server permission bit. */
export const MANAGE_GUILD = 1n << 5n;
/** Role ids of the test guild made by moderatedGuild(). */
export const MOD_ROLE = '123456789012345678';
export const OTHER_ROLE = '999999999999999999';

/** The default test guild with a moderator role and an ordinary one. */
export function moderatedGuild(): ReturnType<typeof guild> {
  return guild({
    id: DEFAULT_GUILD_ID,
    name: 'Test Guild',
    channels: [{ id: DEFAULT_CHANNEL_ID }],
    roles: [
      { id: MOD_ROLE, name: 'Moderators' },
      { id: OTHER_ROLE, name: 'Members' },
    ],
  });
}

export interface Running {
  server: FakeDiscord;
  bot: CitebotDiscord;
  services: Services;
  logs: string[];
  stop(): Promise<void>;
}

export async function startBot(
  env: Env = {},
  opts: {
    server?: FakeDiscordOptions;
    store?: AnswerStore;
    corpusDir?: string;
    /** The bot's own options (a short REST timeout, no dispatch guard, …). */
    bot?: Partial<Omit<BotOptions, 'config' | 'services'>>;
  } = {},
): Promise<Running> {
  const server = await FakeDiscord.start({ heartbeatIntervalMs: 250, ...opts.server });
  const config = loadConfig(
    {
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: server.apiBase,
      CORPUS_DIR: opts.corpusDir ?? path.join(ROOT, 'corpus'),
      ...env,
    },
    ROOT,
  );
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [FAKE_TOKEN], write: (l) => logs.push(l) });
  const library = new Library({ dir: config.corpusDir });
  await library.reindex();
  const services: Services = { library, log };
  const bot = new CitebotDiscord({
    config,
    services,
    ...(opts.store ? { store: opts.store } : {}),
    ...opts.bot,
  });
  await bot.start();
  return {
    server,
    bot,
    services,
    logs,
    async stop() {
      await bot.stop(2000);
      await server.close();
    },
  };
}
