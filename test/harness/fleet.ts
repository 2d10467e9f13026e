/**
 * Several `npm run start:http` instances on one store, for tests and benches: each is the real entry
 * (`node --import tsx src/http-main.ts`, without npm's extra process) on a free port of 127.0.0.1, all
 * with the same DISCORD_PUBLIC_KEY, BUTTON_SECRET, DATABASE_URL and a shared copy of the corpus folder,
 * each with a CACHE_DIR and DATA_DIR of its own, DISCORD_API_BASE at the fake Discord (edits and
 * follow-ups), and SEMANTIC=off unless asked (on 2 cores the sentence model would take most of the
 * CPU). `start` resolves once every instance's /healthz says ready.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import type { Agent } from 'node:http';
import type { FakeDiscord, Json } from './fake-discord.js';
import { FAKE_TOKEN } from './payloads.js';
import { type KeyPair, postSigned } from './http-endpoint.js';
import { freePort } from './ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One running instance. */
export interface Instance {
  port: number;
  /** 127.0.0.1:PORT, as nginx's upstream (and its X-Upstream header) names it. */
  address: string;
  proc: ChildProcess;
  output(): string;
}

/** What the instances share. */
export interface FleetOptions {
  count: number;
  keys: KeyPair;
  /** The shared PostgreSQL; undefined: each instance on SQLite of its own (one instance only makes sense). */
  databaseUrl: string | undefined;
  /** The fake Discord's API base (DISCORD_API_BASE). */
  apiBase: string;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  /** The semantic stage (default off). */
  semantic?: boolean;
}

/** The running instances. */
export interface Fleet {
  instances: Instance[];
  /** The folder every instance reads as CORPUS_DIR. */
  corpusDir: string;
  /** Sends `signal` to instance `i` (SIGKILL: `kill -9`); resolves once it exited. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Seconds of CPU (user + system) instance `i` has used so far, from /proc (NaN when unreadable). */
  cpuSeconds(i: number): number;
  /** Stops every instance still running (SIGKILL) and removes the folders. */
  stop(): Promise<void>;
}

/** A fixed BUTTON_SECRET for the fleet (at least 32 characters): every instance accepts the others' buttons. */
export const FLEET_BUTTON_SECRET = 'fleet-button-secret-for-tests-only-0123456789';

/** Utime + stime of a process, in seconds (Linux /proc; clock ticks taken as 100 per second). */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which is in parentheses and may hold spaces).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function ready(instance: Instance): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (instance.proc.exitCode !== null) {
      throw new Error(
        `instance on ${instance.port} exited (${instance.proc.exitCode}):\n${instance.output()}`,
      );
    }
    const status = await fetch(`http://${instance.address}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() - started > 90_000) {
      throw new Error(`instance on ${instance.port} never became ready:\n${instance.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `count` instances and waits until all are ready. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const root = mkdtempSync(join(tmpdir(), 'citebot-fleet-'));
  const corpusDir = join(root, 'corpus');
  cpSync(join(ROOT, 'corpus'), corpusDir, { recursive: true });
  const instances: Instance[] = [];
  const stopAll = () => {
    for (const i of instances)
      if (i.proc.exitCode === null && i.proc.signalCode === null) i.proc.kill('SIGKILL');
  };
  process.once('exit', stopAll);
  try {
    for (let n = 0; n < options.count; n++) {
      const port = await freePort();
      const proc = spawn(process.execPath, ['--import', 'tsx', 'src/http-main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          DISCORD_TOKEN: FAKE_TOKEN,
          DISCORD_API_BASE: options.apiBase,
          DISCORD_PUBLIC_KEY: options.keys.publicHex,
          BUTTON_SECRET: FLEET_BUTTON_SECRET,
          // No database: each instance has its own SQLite store in its DATA_DIR.
          DATABASE_URL: options.databaseUrl ?? '',
          CORPUS_DIR: corpusDir,
          CACHE_DIR: join(root, `cache-${n}`),
          DATA_DIR: join(root, `data-${n}`),
          PORT: String(port),
          HOST: '127.0.0.1',
          SEMANTIC: options.semantic === true ? 'on' : 'off',
          LOG_LEVEL: 'info',
          ...options.env,
        },
      });
      let out = '';
      proc.stdout?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
      proc.stderr?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
      instances.push({ port, address: `127.0.0.1:${port}`, proc, output: () => out });
    }
    await Promise.all(instances.map(ready));
  } catch (error) {
    stopAll();
    process.off('exit', stopAll);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    instances,
    corpusDir,
    async kill(i, signal = 'SIGKILL') {
      const instance = instances[i];
      if (instance === undefined || instance.proc.exitCode !== null || instance.proc.signalCode !== null)
        return;
      const exited = new Promise((r) => instance.proc.once('exit', r));
      instance.proc.kill(signal);
      await exited;
    },
    cpuSeconds: (i) => processCpuSeconds(instances[i]?.proc.pid),
    async stop() {
      const exits = instances
        .filter((i) => i.proc.exitCode === null && i.proc.signalCode === null)
        .map((i) => new Promise((r) => i.proc.once('exit', r)));
      stopAll();
      await Promise.all(exits);
      process.off('exit', stopAll);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** What an endpoint (or nginx in front of it) answered, and which instance did (nginx's X-Upstream). */
export interface FleetReply {
  status: number;
  /** The parsed JSON body (undefined when not JSON). */
  body: Json;
  /** The X-Upstream header ('' when absent, as from an instance itself). */
  upstream: string;
  ms: number;
}

/**
 * POSTs a signed payload to 127.0.0.1:port/interactions, over `agent`'s keep-alive connections when
 * given; without one, a new connection that is not asked to close (the kill -9 test sees the instance's
 * own end of it).
 */
export async function sendSigned(
  port: number,
  key: KeyObject,
  payload: unknown,
  agent?: Agent,
): Promise<FleetReply> {
  const reply = await postSigned(
    { port, privateKey: key, closeConnection: false, ...(agent ? { agent } : {}) },
    payload,
  );
  const upstream = reply.headers['x-upstream'];
  return {
    status: reply.status,
    body: reply.body,
    upstream: typeof upstream === 'string' ? upstream : '',
    ms: reply.ms,
  };
}

/**
 * Discord delivering an interaction to 127.0.0.1:port (an instance, or nginx before the fleet): the fake
 * learns of it (so its webhook calls are accepted), the signed payload is POSTed with `sendSigned`, and a
 * 200 response is recorded as the interaction's callback.
 */
export async function deliverSigned(
  fake: FakeDiscord,
  port: number,
  key: KeyObject,
  payload: { id: string } & Json,
  agent?: Agent,
): Promise<FleetReply> {
  fake.registerInteraction(payload);
  const reply = await sendSigned(port, key, payload, agent);
  if (reply.status === 200) fake.recordHttpResponse(payload.id, reply.body);
  return reply;
}
