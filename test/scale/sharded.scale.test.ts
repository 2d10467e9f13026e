/**
 * `npm run start:sharded` as a process against the fake Discord: discord.js's ShardingManager starts one
 * child per shard, each identifies with its `[id, count]` and answers the servers the fake routes to it
 * (`(guild_id >> 22) % count`); a killed shard is started again and answers again. And the shards
 * with GATEWAY_INTERACTIONS=off beside an HTTP instance, on one PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FAKE_TOKEN,
  FakeDiscord,
  guild,
  keyPair,
  messageCreate,
  shardOf,
  slashCommand,
  snowflakeAt,
  user,
} from '../harness/index.js';
import { deliverSigned, type Fleet, startFleet } from '../harness/fleet.js';
import { requirePostgres } from '../harness/postgres.js';
import { addStoreArticle } from '../harness/store-article.js';
import { ROOT } from '../discord/setup.js';

const FILE = 'sharded.scale.test.ts';

const cacheDir = mkdtempSync(path.join(tmpdir(), 'citebot-shard-cache-'));

/** A guild whose events go to `shard` of 2, with one text channel. */
function guildOfShard(shard: number, n: number) {
  const at = Date.UTC(2024, 0, 1) + 2 * n + shard;
  const g = guild({ id: snowflakeAt(at), channels: [{ id: snowflakeAt(at, 7) }] });
  expect(shardOf(g.id, 2)).toBe(shard);
  return g;
}

const guilds = [guildOfShard(0, 1), guildOfShard(1, 2)];

interface Run {
  server: FakeDiscord;
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the match once the output matches `re` (its `nth` match, 1-based). */
  waitFor(re: RegExp, nth?: number, timeoutMs?: number): Promise<RegExpMatchArray>;
}

let current: Run | undefined;
afterEach(async () => {
  const run = current;
  current = undefined;
  if (!run) return;
  // The manager and its shards are one process group.
  if (run.proc.exitCode === null && run.proc.pid) {
    try {
      process.kill(-run.proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await run.server.close();
});

async function startSharded(env: Record<string, string>, shards = 2): Promise<Run> {
  const server = await FakeDiscord.start({ guilds, shards, heartbeatIntervalMs: 250 });
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/sharded-main.ts'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: server.apiBase,
      CACHE_DIR: cacheDir,
      SEMANTIC: 'off',
      LOG_LEVEL: 'info',
      SHARD_COUNT: '',
      SHARD_LIST: '',
      ...env,
    },
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const run: Run = {
    server,
    proc,
    output: () => out,
    waitFor(re, nth = 1, timeoutMs = 60_000) {
      const global = new RegExp(re.source, `${re.flags.replace('g', '')}g`);
      const find = () => [...out.matchAll(global)][nth - 1];
      return new Promise((resolve, reject) => {
        const t = setInterval(() => {
          const m = find();
          if (m) {
            clearInterval(t);
            clearTimeout(timer);
            resolve(m);
          }
        }, 25);
        const timer = setTimeout(() => {
          clearInterval(t);
          reject(new Error(`no ${String(re)} (#${nth}) within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
      });
    },
  };
  current = run;
  return run;
}

/** Mentions the bot in guild `g` and resolves with the bot's reply to that message. */
async function ask(server: FakeDiscord, g: (typeof guilds)[number], question = 'What is nanoGPT?') {
  const channelId = g.channels[0]?.id ?? '';
  const d = messageCreate({ guildId: g.id, channelId, content: question, mentionBot: true });
  const sessions = server.dispatch('MESSAGE_CREATE', d);
  const reply = await server.waitForRequest(
    (r) =>
      r.method === 'POST' &&
      r.route === `/channels/${channelId}/messages` &&
      r.body?.message_reference?.message_id === d.id,
    30_000,
  );
  return { sessions, reply };
}

const shardsOf = (server: FakeDiscord) =>
  server.identifies.map((d: { shard: [number, number] }) => d.shard).sort((a, b) => a[0] - b[0]);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run start:sharded', () => {
  it('runs SHARD_COUNT=2 as two shards that answer their own servers; a killed shard comes back', async () => {
    const run = await startSharded({ SHARD_COUNT: '2' });
    const { server } = run;
    await run.waitFor(/every shard started/u);
    expect(shardsOf(server)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const d of server.identifies) expect(d.intents).toBe(4609);
    expect(run.output()).toMatch(/shard ready shard=0/u);
    expect(run.output()).toMatch(/shard ready shard=1/u);

    for (const g of guilds) {
      const { sessions, reply } = await ask(server, g);
      // The fake gave the message to the one session of that guild's shard, and that shard answered.
      expect(sessions).toBe(1);
      expect(reply.body.embeds[0].description).toContain('**nanoGPT**');
    }

    const pid1 = Number((await run.waitFor(/shard started shard=1 of=2 pid=(\d+)/u))[1]);
    const pid0 = Number((await run.waitFor(/shard started shard=0 of=2 pid=(\d+)/u))[1]);
    process.kill(pid1, 'SIGKILL');
    await run.waitFor(
      new RegExp(`shard exited; starting it again shard=1 pid=${pid1} code=null signal="SIGKILL"`, 'u'),
    );
    // Shard 0 keeps answering meanwhile.
    expect((await ask(server, guilds[0]!)).reply.body.embeds[0].description).toContain('**nanoGPT**');

    const again = Number((await run.waitFor(/shard started shard=1 of=2 pid=(\d+)/u, 2))[1]);
    expect(again).not.toBe(pid1);
    await run.waitFor(/shard ready shard=1/u, 2);
    expect(server.identifies.map((d: { shard: number[] }) => d.shard)).toEqual(
      expect.arrayContaining([[1, 2]]),
    );
    expect(server.identifies.filter((d: { shard: number[] }) => d.shard[0] === 1)).toHaveLength(2);
    const after = await ask(server, guilds[1]!, 'What is federated learning?');
    expect(after.reply.body.embeds[0].description).toContain('Federated');
    expect(alive(pid0)).toBe(true);

    const exited = new Promise<number | null>((r) => run.proc.on('exit', (code) => r(code)));
    process.kill(run.proc.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(alive(pid0)).toBe(false);
    expect(alive(again)).toBe(false);
    expect(run.output()).not.toContain(FAKE_TOKEN);
  });

  it('takes SHARD_COUNT=auto from GET /gateway/bot through DISCORD_API_BASE', async () => {
    const run = await startSharded({ SHARD_COUNT: 'auto' });
    await run.waitFor(/every shard started/u);
    expect(shardsOf(run.server)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(run.output()).toMatch(/starting shards shards=\[0,1\] of=2/u);
    const { reply } = await ask(run.server, guilds[1]!);
    expect(reply.body.embeds[0].description).toContain('**nanoGPT**');
  });

  it('starts only the shards of SHARD_LIST', async () => {
    const run = await startSharded({ SHARD_COUNT: '2', SHARD_LIST: '1' });
    await run.waitFor(/every shard started/u);
    expect(shardsOf(run.server)).toEqual([[1, 2]]);
    expect(run.server.sessionList.map((s) => s.shard)).toEqual([[1, 2]]);
    const { reply } = await ask(run.server, guilds[1]!);
    expect(reply.body.embeds[0].description).toContain('**nanoGPT**');
    // Nobody here runs shard 0: its server's messages go unanswered on this machine.
    expect(run.server.dispatch('MESSAGE_CREATE', messageCreate({ guildId: guilds[0]!.id }))).toBe(0);

    // A manager killed outright takes its shard along (a restarted manager would run it twice).
    const pid = Number((await run.waitFor(/shard started shard=1 of=2 pid=(\d+)/u))[1]);
    process.kill(run.proc.pid!, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });

  it('gives up with one line on a shard that keeps exiting before it is ready', async () => {
    const run = await startSharded({ SHARD_COUNT: '1', CORPUS_DIR: '/nonexistent-citebot-corpus' });
    const code = await new Promise<number | null>((r) => run.proc.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(run.output()).toContain('Corpus folder /nonexistent-citebot-corpus: does not exist');
    // Three starts that failed (discord.js has already forked a fourth when the third exit is seen; it
    // is stopped at once).
    expect(run.output().match(/shard exited; starting it again shard=0/gu)).toHaveLength(2);
    expect(run.output()).toContain('shard keeps exiting before it is ready; stopping every shard shard=0');
    expect(run.output().trim().split('\n').at(-1)).toBe(
      'citebot: shard 0 exited 3 times before it was ready (last exit code 1)',
    );
  });

  it('stops with one line when SHARD_LIST names a shard beyond the recommended count', async () => {
    const run = await startSharded({ SHARD_COUNT: 'auto', SHARD_LIST: '0,3' });
    const code = await new Promise<number | null>((r) => run.proc.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(run.output().trim()).toBe(
      'citebot: SHARD_LIST has shard ids 3, but there are only 2 shards (0 to 1)',
    );
    expect(run.server.identifies).toHaveLength(0);
  });

  it('leaves the single-process npm start alone: SHARD_COUNT and SHARD_LIST are not its settings', async () => {
    const server = await FakeDiscord.start({ guilds, shards: 1, heartbeatIntervalMs: 250 });
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        DISCORD_TOKEN: FAKE_TOKEN,
        DISCORD_API_BASE: server.apiBase,
        CACHE_DIR: cacheDir,
        SEMANTIC: 'off',
        SHARD_COUNT: 'auto',
        SHARD_LIST: '0',
      },
    });
    current = { server, proc, output: () => '', waitFor: () => Promise.reject(new Error('unused')) };
    const identify = await server.waitForIdentify(30_000);
    // discord.js reads SHARD_COUNT from the environment as its own: npm start must not let it.
    expect(identify.shard).toEqual([0, 1]);
    const { reply } = await ask(server, guilds[1]!);
    expect(reply.body.embeds[0].description).toContain('**nanoGPT**');
  });

  it("with GATEWAY_INTERACTIONS=off beside an HTTP instance on one PostgreSQL: shards answer mentions, the instance interactions, both the store's articles", async () => {
    const cluster = await requirePostgres(FILE);
    if (cluster === undefined) return;
    let fleet: Fleet | undefined;
    try {
      const databaseUrl = await cluster.createDatabase();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'citebot-shard-data-'));
      const run = await startSharded({
        SHARD_COUNT: '2',
        GATEWAY_INTERACTIONS: 'off',
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
      });
      await run.waitFor(/every shard started/u);
      const keys = keyPair();
      fleet = await startFleet({ count: 1, keys, databaseUrl, apiBase: run.server.apiBase });
      const port = fleet.instances[0]?.port ?? 0;
      const slash = (question: string) => {
        const payload = slashCommand({ name: 'ask', options: { question }, user: user() });
        return deliverSigned(run.server, port, keys.privateKey, payload);
      };

      // An interaction on the gateway is the HTTP endpoint's: the shards neither answer nor acknowledge it.
      const onGateway = slashCommand({
        name: 'ask',
        options: { question: 'What is nanoGPT?' },
        user: user(),
      });
      expect(run.server.dispatch('INTERACTION_CREATE', onGateway)).toBeGreaterThan(0);
      const http = await slash('What is nanoGPT?');
      expect(http.status).toBe(200);
      expect(http.body?.data?.embeds?.[0]?.description).toContain('**nanoGPT**');

      // An article added to the database reaches the HTTP instance and both shards.
      await addStoreArticle(
        databaseUrl,
        'quillon-gaskets',
        'Quillon gaskets',
        '# Quillon gaskets\n\nA quillon gasket is replaced every seventeen winters by the harbour guild.\n',
      );
      const question = 'How often is a quillon gasket replaced?';
      const t0 = Date.now();
      const quoted = (text: string | undefined) => (text ?? '').includes('seventeen winters');
      for (const g of guilds) {
        while (!quoted((await ask(run.server, g, question)).reply.body.embeds?.[0]?.description)) {
          expect(Date.now() - t0).toBeLessThan(5000);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      while (!quoted((await slash(question)).body?.data?.embeds?.[0]?.description)) {
        expect(Date.now() - t0).toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 100));
      }
      console.log(
        `${FILE}: the article was quoted by both shards and the HTTP instance after ${Date.now() - t0} ms`,
      );
      expect(run.server.interactionRequests(onGateway.id)).toEqual([]);
    } finally {
      await fleet?.stop();
      await cluster.stop();
    }
  });
});
