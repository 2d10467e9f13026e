/**
 * `npm run deploy-commands` as a process (help, dry run, clear, invite links, errors) against the fake
 * Discord on 127.0.0.1, and the invite link builder.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/discord/commands.js';
import { BOT_PERMISSIONS, inviteLinks } from '../src/discord/invite.js';
import { DEFAULT_GUILD_ID, FAKE_TOKEN, FakeDiscord } from './harness/index.js';
import { type Run, root, runProcess, scriptArgs } from './run-process.js';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'citebot-deploy-cache-'));
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
  .version;

// The server the fake Discord has the bot in (a server it is not in refuses its commands).
const GUILD = DEFAULT_GUILD_ID;
/** An application id unlike the bot user's, so the links can only have it from GET /applications/@me. */
const APP_ID = '345678901234567890';
/** View Channel, Send Messages, Send Messages in Threads, Embed Links, Read Message History. */
const EXPECTED_BITS = '274877991936';
const OPTIONS = ['--guild ID', '--clear', '--dry-run', '--version', '-h, --help'];

let server: FakeDiscord | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** No token and no API base unless the test gives them (a developer's .env never overrides these). */
function envWith(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DISCORD_API_BASE: _ignored, ...rest } = process.env;
  return { ...rest, DISCORD_TOKEN: '', CACHE_DIR: cacheDir, ...env };
}

/** The entry point with tsx's loader, as `npm run deploy-commands` runs it (without npm's start-up cost). */
function deploy(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runProcess(process.execPath, [...scriptArgs('deploy-commands'), ...args], envWith(env));
}

function against(s: FakeDiscord, token = FAKE_TOKEN): Record<string, string> {
  return { DISCORD_TOKEN: token, DISCORD_API_BASE: s.apiBase };
}

function links(stdout: string): URL[] {
  return (stdout.match(/https:\/\/discord\.com\/oauth2\/authorize\?\S+/gu) ?? []).map((u) => new URL(u));
}

describe('deploy-commands options', { timeout: 60_000 }, () => {
  it('prints the usage with every option and examples through npm, exit 0, without a token', async () => {
    const r = await runProcess('npm', ['run', '-s', 'deploy-commands', '--', '--help'], envWith({}));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: npm run deploy-commands/u);
    const optionLines = r.stdout.split('\n').filter((l) => /^ {2}-/u.test(l));
    expect(optionLines.map((l) => l.trim().split(/ {2,}/u)[0])).toEqual(OPTIONS);
    for (const example of ['--guild 123456789012345678', '--clear --guild', '--dry-run']) {
      expect(r.stdout).toContain(`npm run deploy-commands -- ${example}`);
    }
    const short = await deploy(['-h']);
    expect(short).toEqual(r);
  });

  it('refuses an unknown option with one clear line and the usage, exit 2', async () => {
    const r = await deploy(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, second] = r.stderr.split('\n');
    expect(first).toBe("citebot: unknown option '--bogus'");
    expect(second).toMatch(/^usage: npm run deploy-commands/u);
    for (const option of OPTIONS) expect(r.stderr).toContain(option);
    expect(r.stderr).not.toContain('as in');
  });

  it('keeps the message for a malformed --guild (exit 2) and prints the version (exit 0)', async () => {
    const bad = await deploy(['--clear', '--guild', 'my-server']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('citebot: --guild must be a server id (digits); got "my-server"\n');
    expect(await deploy(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints exactly COMMANDS as JSON on --dry-run, with no token and no request, and says where on stderr', async () => {
    server = await FakeDiscord.start();
    const env = { DISCORD_API_BASE: server.apiBase };
    const global = await deploy(['--dry-run'], env);
    expect(global.code).toBe(0);
    expect(JSON.parse(global.stdout)).toEqual(COMMANDS);
    expect(global.stdout).toBe(`${JSON.stringify(COMMANDS, null, 2)}\n`);
    expect(global.stderr).toContain('globally');
    const inGuild = await deploy(['--dry-run', '--guild', GUILD], env);
    expect(inGuild.code).toBe(0);
    expect(JSON.parse(inGuild.stdout)).toEqual(COMMANDS);
    expect(inGuild.stderr).toContain(`in server ${GUILD}`);
    const clear = await deploy(['--dry-run', '--clear', '--guild', GUILD], env);
    expect(JSON.parse(clear.stdout)).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  it('asks for a token when there is none and it is not a dry run, exit 1', async () => {
    const r = await deploy(['--guild', GUILD]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'citebot: DISCORD_TOKEN is not set: put the bot token in .env (see .env.example).\n',
    );
  });
});

describe('deploy-commands against the fake Discord', { timeout: 60_000 }, () => {
  it('deploys globally with the hint and both invite links for the application id; --clear removes them', async () => {
    server = await FakeDiscord.start({ applicationId: APP_ID });
    const r = await deploy([], against(server));
    expect(r.code).toBe(0);
    expect(server.globalCommands).toHaveLength(COMMANDS.length);
    expect(r.stdout).toContain(`Registered ${COMMANDS.length} commands globally`);
    expect(r.stdout).toContain(
      'If you registered them in a test server before, remove those copies with: npm run deploy-commands -- --clear --guild <id>\n',
    );
    const [serverLink, userLink] = links(r.stdout);
    expect(links(r.stdout)).toHaveLength(2);
    expect(Object.fromEntries(serverLink?.searchParams ?? [])).toEqual({
      client_id: APP_ID,
      scope: 'bot applications.commands',
      permissions: EXPECTED_BITS,
      integration_type: '0',
    });
    expect(Object.fromEntries(userLink?.searchParams ?? [])).toEqual({
      client_id: APP_ID,
      scope: 'applications.commands',
      integration_type: '1',
    });

    const cleared = await deploy(['--clear'], against(server));
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe(
      "Removed citebot's global commands (they can take up to an hour to disappear).\n",
    );
    expect(server.globalCommands).toEqual([]);
  });

  it('says to add the bot first when a server refuses its commands, with the link to do it', async () => {
    server = await FakeDiscord.start({ applicationId: APP_ID });
    const elsewhere = '323456789012345678';
    const r = await deploy(['--guild', elsewhere], against(server));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `citebot: Discord refused access to server ${elsewhere}: add the bot to that server first`,
    );
    expect(r.stderr).toContain(inviteLinks(APP_ID).server);
    expect(server.guildCommands.get(elsewhere)).toBeUndefined();
  });

  it('clears a test server after a guild deploy, leaving the global commands alone', async () => {
    server = await FakeDiscord.start({ applicationId: APP_ID });
    const inGuild = await deploy(['--guild', GUILD], against(server));
    expect(inGuild.code).toBe(0);
    expect(inGuild.stdout).not.toContain('--clear');
    expect(links(inGuild.stdout)).toHaveLength(2);
    expect(server.guildCommands.get(GUILD)).toHaveLength(COMMANDS.length);
    expect((await deploy([], against(server))).code).toBe(0);

    const cleared = await deploy(['--clear', '--guild', GUILD], against(server));
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe(`Removed citebot's commands from server ${GUILD}.\n`);
    expect(server.guildCommands.get(GUILD)).toEqual([]);
    expect(server.globalCommands).toHaveLength(COMMANDS.length);
    const puts = server.findRequests({
      method: 'PUT',
      route: `/applications/${APP_ID}/guilds/${GUILD}/commands`,
    });
    expect(puts.map((p) => p.body)).toEqual([COMMANDS, []]);
  });

  it('says the token was rejected on a 401, exit 1, without printing the token', async () => {
    server = await FakeDiscord.start();
    const r = await deploy([], against(server, 'wrong-token-for-a-401-test'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('citebot: Discord rejected the token (check DISCORD_TOKEN).\n');
    expect(server.findRequests({ method: 'GET', route: '/applications/@me' })[0]?.status).toBe(401);
    expect(server.findRequests({ method: 'PUT' })).toEqual([]);
  });
});

describe('inviteLinks', () => {
  it('builds the server install link with bot, commands and the permission bits', () => {
    const url = new URL(inviteLinks('123456789012345678').server);
    expect(`${url.origin}${url.pathname}`).toBe('https://discord.com/oauth2/authorize');
    expect([...url.searchParams.keys()]).toEqual(['client_id', 'scope', 'permissions', 'integration_type']);
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe(EXPECTED_BITS);
    expect(url.searchParams.get('integration_type')).toBe('0');
    expect(url.search).toContain('scope=bot+applications.commands');
  });

  it('builds the user install link with only the commands scope and no permissions', () => {
    const url = new URL(inviteLinks('123456789012345678').user);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '123456789012345678',
      scope: 'applications.commands',
      integration_type: '1',
    });
  });

  it('asks for exactly the five permissions, or the ones given', () => {
    const five = [
      PermissionFlagsBits.ViewChannel,
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.SendMessagesInThreads,
      PermissionFlagsBits.EmbedLinks,
      PermissionFlagsBits.ReadMessageHistory,
    ];
    expect(BOT_PERMISSIONS).toBe(five.reduce((a, b) => a | b, 0n));
    expect(String(BOT_PERMISSIONS)).toBe(EXPECTED_BITS);
    const custom = new URL(inviteLinks('1', PermissionFlagsBits.SendMessages).server);
    expect(custom.searchParams.get('permissions')).toBe('2048');
  });
});
