/**
 * npm run deploy-commands [-- --guild ID] [--clear] [--dry-run]: registers (or removes) the commands.
 */
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { COMMANDS } from './discord/commands.js';
import { inviteLinks } from './discord/invite.js';
import { fatal, startupConfig } from './entry.js';

const USAGE = `usage: npm run deploy-commands -- [--guild ID] [--clear] [--dry-run]

Registers citebot's commands with Discord, replacing the whole list (running it again changes nothing).

  --guild ID   only in one server, instantly (for testing); without it, everywhere (can take up to an hour)
  --clear      remove citebot's commands instead (everywhere, or from the --guild server)
  --dry-run    print the JSON that would be sent, and send nothing (no token needed)
  --version    print citebot's version
  -h, --help   print this help

examples:
  npm run deploy-commands
  npm run deploy-commands -- --guild 123456789012345678
  npm run deploy-commands -- --clear --guild 123456789012345678
  npm run deploy-commands -- --dry-run > commands.json
`;

const CLEAR_HINT =
  'If you registered them in a test server before, remove those copies with: npm run deploy-commands -- --clear --guild <id>';

const OPTIONS = {
  guild: { type: 'string' },
  clear: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// ---- parse -----------------------------------------------------------------------------------------

/** One line of our own for parseArgs' errors (its hints are about parseArgs, not about this command). */
function usageError(err: unknown): never {
  const { code, message = String(err) } = err as { code?: string; message?: string };
  const name = /'(-[^' ]*|[^']*)/u.exec(message)?.[1] ?? '';
  const line =
    code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? `unknown option '${name}'`
      : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? `unexpected argument '${name}'`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `option '${name}' ${message.includes('does not take') ? 'takes no value' : 'needs a value'}`
          : message.split('\n')[0];
  fatal(`${line}\n${USAGE}`, 2);
}

function parse() {
  try {
    return parseArgs({ options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return usageError(err);
  }
}

const values = parse();
const { guild, clear = false, 'dry-run': dryRun = false } = values;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(`${pkg.version}\n`);
  process.exit(0);
}
if (guild !== undefined && !/^\d{15,21}$/u.test(guild))
  fatal(`--guild must be a server id (digits); got ${JSON.stringify(guild)}`, 2);

// ---- act ---------------------------------------------------------------------------------------------

const where = guild ? `in server ${guild}` : 'globally';
if (dryRun) {
  process.stdout.write(`${JSON.stringify(clear ? [] : COMMANDS, null, 2)}\n`);
  process.stderr.write(
    clear
      ? `Dry run, nothing sent: this empty list would replace citebot's commands ${where}, removing them.\n`
      : `Dry run, nothing sent: these ${COMMANDS.length} commands would be registered ${where}.\n`,
  );
  process.exit(0);
}

const { config } = startupConfig();
if (!config.token) fatal('DISCORD_TOKEN is not set: put the bot token in .env (see .env.example).');
// Discord's client libraries load only from here on, so --help and --dry-run answer at once.
const { clearCommands, deployCommands, GuildAccessError } = await import('./discord/deploy.js');
const { describeLoginError } = await import('./transports/gateway/login.js');
const target = {
  token: config.token,
  ...(config.apiBase ? { apiBase: config.apiBase } : {}),
  ...(guild ? { guildId: guild } : {}),
};
try {
  if (clear) {
    await clearCommands(target);
    process.stdout.write(
      guild
        ? `Removed citebot's commands from server ${guild}.\n`
        : "Removed citebot's global commands (they can take up to an hour to disappear).\n",
    );
  } else {
    const r = await deployCommands(target);
    const links = inviteLinks(r.applicationId);
    const registered = `Registered ${r.commands.length} commands ${guild ? where : 'globally (they can take up to an hour to appear)'}`;
    const lines = [
      `${registered}: ${r.commands.map((c) => c.name).join(', ')}`,
      ...(guild ? [] : [CLEAR_HINT]),
      '',
      'Add the bot to a server:',
      `  ${links.server}`,
      'Add the commands to your own account (DMs, and servers that allow external apps; needs User Install enabled in the developer portal):',
      `  ${links.user}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
} catch (err) {
  if (err instanceof GuildAccessError) {
    fatal(
      `Discord refused access to server ${err.guildId}: add the bot to that server first (you need Manage Server there), with\n  ${inviteLinks(err.applicationId).server}\nthen run this again. Also check that ${err.guildId} is the server's id (right-click the server icon → Copy Server ID).`,
    );
  }
  const status = (err as { status?: number }).status;
  fatal(
    status === 401
      ? 'Discord rejected the token (check DISCORD_TOKEN).'
      : describeLoginError(err, config.apiBase),
  );
}
