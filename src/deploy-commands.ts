/**
 * npm run deploy-commands [-- --guild ID]
 */
import { parseArgs } from 'node:util';
import { describeLoginError } from './discord/bot.js';
import { deployCommands } from './discord/deploy.js';
import { fatal, startupConfig } from './entry.js';

let guild: string | undefined;
try {
  const { values } = parseArgs({ options: { guild: { type: 'string' } } });
  guild = values.guild;
} catch (err) {
  fatal(`${(err as Error).message}\nusage: npm run deploy-commands [-- --guild ID]`, 2);
}
if (guild !== undefined && !/^\d{15,21}$/u.test(guild))
  fatal(`--guild must be a server id (digits); got ${JSON.stringify(guild)}`, 2);

const { config } = startupConfig();
if (!config.token) fatal('DISCORD_TOKEN is not set: put the bot token in .env (see .env.example).');
try {
  const r = await deployCommands({
    token: config.token,
    ...(config.apiBase ? { apiBase: config.apiBase } : {}),
    ...(guild ? { guildId: guild } : {}),
  });
  process.stdout.write(
    `Registered ${r.commands.length} commands ${r.scope === 'guild' ? `in server ${guild}` : 'globally (they can take up to an hour to appear)'}: ${r.commands.map((c) => c.name).join(', ')}\n`,
  );
} catch (err) {
  const status = (err as { status?: number }).status;
  fatal(
    status === 401
      ? 'Discord rejected the token (check DISCORD_TOKEN).'
      : describeLoginError(err, config.apiBase),
  );
}
