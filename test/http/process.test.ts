/**
 * `npm run start:http` as a process: the real entry (src/http-main.ts) with a generated Ed25519 key,
 * a free port on 127.0.0.1, and the fake Discord as DISCORD_API_BASE. Discord's side is played by
 * test/harness/http-endpoint.ts: signed POSTs, the HTTP response taken as the first response.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STARTING_MESSAGE } from '../../src/transports/http/app.js';
import {
  deliverHttp,
  type Endpoint,
  FAKE_TOKEN,
  FakeDiscord,
  keyPair,
  postSigned,
  slashCommand,
  user,
} from '../harness/index.js';
import { ROOT } from '../discord/setup.js';

let fake: FakeDiscord | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await fake?.close();
  fake = undefined;
});

const cacheDir = mkdtempSync(path.join(tmpdir(), 'citebot-http-proc-cache-'));

/** Starts `node --import tsx src/http-main.ts` and collects its output. */
function startHttpMain(env: NodeJS.ProcessEnv): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/http-main.ts'], { cwd: ROOT, env });
  child = proc;
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  return { proc, output: () => output };
}

async function waitFor<T>(what: string, probe: () => T | undefined, output: () => string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() - started > 30_000) throw new Error(`never saw ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('npm run start:http', () => {
  it('listens on PORT, answers a signed PING with PONG, answers /ask in the HTTP response, and exits 0 on SIGTERM', async () => {
    fake = await FakeDiscord.start();
    const keys = keyPair();
    const { proc, output } = startHttpMain({
      ...process.env,
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: fake.apiBase,
      DISCORD_PUBLIC_KEY: keys.publicHex,
      PORT: '0',
      HOST: '127.0.0.1',
      CACHE_DIR: cacheDir,
      SEMANTIC: 'off',
      LOG_LEVEL: 'debug',
    });
    const port = await waitFor(
      'the listening line',
      () => /interactions at http:\/\/127\.0\.0\.1:(\d+)\/interactions/u.exec(output())?.[1],
      output,
    );
    const endpoint: Endpoint = { port: Number(port), privateKey: keys.privateKey };

    const pong = await postSigned(endpoint, {
      id: '1',
      application_id: '2',
      type: 1,
      token: 't',
      version: 1,
    });
    expect(pong).toMatchObject({ status: 200, body: { type: 1 } });
    // A foreign signature is refused, as the portal's endpoint check requires.
    const foreign = await postSigned(
      { ...endpoint, privateKey: keyPair().privateKey },
      { id: '1', application_id: '2', type: 1, token: 't', version: 1 },
    );
    expect(foreign.status).toBe(401);

    await waitFor('ready', () => (output().includes('ready for interactions') ? true : undefined), output);
    const ask = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() });
    const reply = await deliverHttp(fake, endpoint, ask);
    expect(reply.status).toBe(200);
    expect(reply.body.type).toBe(4);
    expect(reply.body.data.embeds[0].description).toContain('**nanoGPT**');
    expect(reply.body.data.allowed_mentions).toEqual({ parse: [] });
    expect(reply.body.data.content ?? '').not.toBe(STARTING_MESSAGE);
    // The fake accepts it as the interaction's one first response.
    expect(reply.callback?.status).toBe(204);
    expect(fake.callbacks(ask.id)).toHaveLength(1);

    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('shutting down');
    expect(output()).not.toContain(FAKE_TOKEN);
  }, 60_000);

  it('refuses to start without DISCORD_PUBLIC_KEY, or with a malformed one, naming the variable', async () => {
    const base = { ...process.env, DISCORD_TOKEN: FAKE_TOKEN, PORT: '0', HOST: '127.0.0.1', SEMANTIC: 'off' };
    for (const [value, expected] of [
      [undefined, /DISCORD_PUBLIC_KEY is not set/u],
      [
        'abc123',
        /DISCORD_PUBLIC_KEY must be the application.s public key from the developer portal \(64 hex characters\); got 6 characters/u,
      ],
    ] as const) {
      const env: NodeJS.ProcessEnv = { ...base };
      if (value === undefined) delete env.DISCORD_PUBLIC_KEY;
      else env.DISCORD_PUBLIC_KEY = value;
      const { proc, output } = startHttpMain(env);
      const code = await new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(output()).toMatch(expected);
      expect(output()).not.toContain(FAKE_TOKEN);
    }
  }, 60_000);
});
