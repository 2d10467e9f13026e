/**
 * The bot as a process: `npm run deploy-commands` and `node src/main.ts` with a
 * token, against the fake Discord on 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/discord/commands.js';
import { deployCommands } from '../../src/discord/deploy.js';
import {
  APPLICATION_ID,
  DEFAULT_GUILD_ID,
  FAKE_TOKEN,
  FakeDiscord,
  slashCommand,
  user,
} from '../harness/index.js';
import { ROOT } from './setup.js';
import { runProcess, scriptArgs } from '../run-process.js';

let server: FakeDiscord | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await server?.close();
  server = undefined;
});

const cacheDir = mkdtempSync(path.join(tmpdir(), 'citebot-proc-cache-'));

/** The bot's environment: the fake Discord, a cache folder of the test's own, and the lexical engine (fast start). */
function envFor(apiBase: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DISCORD_TOKEN: FAKE_TOKEN,
    DISCORD_API_BASE: apiBase,
    LOG_LEVEL: 'debug',
    CACHE_DIR: cacheDir,
    SEMANTIC: 'off',
  };
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('deploy-commands', () => {
  it('registers every command globally with contexts, integration types and permissions, and a second run changes nothing', async () => {
    server = await FakeDiscord.start();
    const first = await runProcess('npm', ['run', 'deploy-commands'], envFor(server.apiBase));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Registered ${COMMANDS.length} commands globally`);
    const puts = server.findRequests({ method: 'PUT', route: `/applications/${APPLICATION_ID}/commands` });
    expect(puts).toHaveLength(1);
    const body = puts[0]?.body as Record<string, unknown>[];
    const byName = Object.fromEntries(body.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([
      'Ask citebot',
      'ask',
      'corpus',
      'feedback',
      'help',
      'insights',
      'read',
      'reindex',
      'sources',
    ]);
    for (const name of ['ask', 'sources', 'read', 'help', 'Ask citebot']) {
      expect(byName[name]).toMatchObject({ contexts: [0, 1, 2], integration_types: [0, 1] });
    }
    for (const name of ['reindex', 'feedback', 'corpus', 'insights']) {
      expect(byName[name]).toMatchObject({
        contexts: [0, 1],
        integration_types: [0],
        default_member_permissions: '32',
      });
    }
    expect(byName['Ask citebot']).toMatchObject({ type: 3 });
    const ask = byName.ask as {
      options: {
        name: string;
        type: number;
        autocomplete?: boolean;
        min_value?: number;
        max_value?: number;
      }[];
    };
    expect(ask.options.map((o) => o.name)).toEqual(['question', 'results', 'article', 'private', 'for']);
    expect(ask.options[0]).toMatchObject({ type: 3, autocomplete: true });
    expect(ask.options[1]).toMatchObject({ type: 4, min_value: 1, max_value: 5 });
    expect(ask.options[2]).toMatchObject({ type: 3, autocomplete: true });
    expect(ask.options[3]).toMatchObject({ type: 5 });
    expect(ask.options[4]).toMatchObject({ type: 6 });
    const read = byName.read as typeof ask;
    expect(read.options.map((o) => o.name)).toEqual(['article', 'section', 'page']);
    expect(read.options[0]).toMatchObject({ type: 3, autocomplete: true, required: true });
    expect(read.options[1]).toMatchObject({ type: 3, autocomplete: true, required: true });
    expect(read.options[2]).toMatchObject({ type: 4, min_value: 1 });
    expect(server.findRequests({ method: 'GET', route: '/applications/@me' })).toHaveLength(1);

    // Same ids and definitions after a second run (the fake bumps `version` on every write).
    const snapshot = () =>
      JSON.stringify(server?.globalCommands, (k, v) => (k === 'version' ? undefined : v));
    const registered = snapshot();
    const again = await deployCommands({ token: FAKE_TOKEN, apiBase: server.apiBase });
    expect(again.commands).toHaveLength(COMMANDS.length);
    expect(snapshot()).toBe(registered);
  });

  it('registers to one server with --guild, and rejects a malformed id', async () => {
    server = await FakeDiscord.start();
    const guildId = DEFAULT_GUILD_ID;
    const r = await runProcess(
      process.execPath,
      [...scriptArgs('deploy-commands'), '--guild', guildId],
      envFor(server.apiBase),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`in server ${guildId}`);
    expect(
      server.findRequests({
        method: 'PUT',
        route: `/applications/${APPLICATION_ID}/guilds/${guildId}/commands`,
      }),
    ).toHaveLength(1);
    const bad = await runProcess(
      process.execPath,
      [...scriptArgs('deploy-commands'), '--guild', 'my-server'],
      envFor(server.apiBase),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"my-server"');
  });
});

describe('npm start with a token', () => {
  it('connects, answers /ask, and on SIGTERM finishes the reply in flight, closes the gateway and exits 0', async () => {
    server = await FakeDiscord.start({ heartbeatIntervalMs: 250 });
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: envFor(server.apiBase),
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const identify = await server.waitForIdentify(20_000);
    expect(identify.intents).toBe(4609);
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (output.includes('connected to Discord')) {
          clearInterval(t);
          resolve();
        }
      }, 20);
      setTimeout(() => {
        clearInterval(t);
        reject(new Error(`bot never became ready:\n${output}`));
      }, 20_000);
    });
    const cb = await server.interact(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
    );
    expect(cb.body.data.embeds[0].description).toContain('**nanoGPT**');

    // A reply in flight when the signal arrives still goes out.
    server.failNext({ method: 'POST', pathPattern: /\/callback/, delayMs: 600 });
    const inflight = slashCommand({ name: 'ask', options: { question: 'federated learning' }, user: user() });
    server.dispatch('INTERACTION_CREATE', inflight);
    await server.waitForArrival((r) => r.route.startsWith(`/interactions/${inflight.id}/`));
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const done = server.callbacks(inflight.id);
    expect(done).toHaveLength(1);
    expect(done[0]?.status).toBe(204);
    expect(output).toContain('shutting down');
    expect(output).not.toContain(FAKE_TOKEN);
  });

  it('reports its memory once a second with MEMORY_LOG_SECONDS=1, and caps V8 heap growth by default', async () => {
    server = await FakeDiscord.start({ heartbeatIntervalMs: 250 });
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...envFor(server.apiBase), MEMORY_LOG_SECONDS: '1' },
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const memoryLine =
      /INFO {2}memory rssMB=(\d+(?:\.\d)?) heapUsedMB=(\d+(?:\.\d)?) heapTotalMB=(\d+(?:\.\d)?) externalMB=\d+(?:\.\d)? arrayBuffersMB=\d+(?:\.\d)?\n/gu;
    const started = Date.now();
    while ([...output.matchAll(memoryLine)].length < 2) {
      if (Date.now() - started > 25_000) throw new Error(`no memory reports:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const [rss, heapUsed, heapTotal] = ([...output.matchAll(memoryLine)][0] ?? []).slice(1).map(Number);
    expect(rss).toBeGreaterThan(heapTotal as number);
    expect(heapTotal).toBeGreaterThanOrEqual(heapUsed as number);
    expect(output).toContain('V8 heap growth capped percent=30');
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);

  it('fails with one clear line and a non-zero exit when Discord cannot be reached', async () => {
    const port = await closedPort();
    const r = await runProcess(process.execPath, scriptArgs('start'), envFor(`http://127.0.0.1:${port}/api`));
    expect(r.code).not.toBe(0);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('citebot:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/cannot reach Discord at http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout + r.stderr).not.toContain(FAKE_TOKEN);
  });

  it('says when Discord rejects the token', async () => {
    server = await FakeDiscord.start({ token: 'a-different-token-for-this-test' });
    const r = await runProcess(process.execPath, scriptArgs('start'), envFor(server.apiBase));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Discord rejected the token');
    expect(r.stdout + r.stderr).not.toContain(FAKE_TOKEN);
  });
});
