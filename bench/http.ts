/**
 * The HTTP transport's throughput: signed interactions per second and the time from sending a request
 * to receiving its HTTP response (p50/p99), with a fixed number in flight over keep-alive connections.
 *
 *   npx tsx bench/http.ts [--requests N] [--in-flight N] [--rate N] [--warm N] [--same-process]
 *
 * Standalone it uses a trivial handler that answers at once, so the figure is the transport's own cost
 * (verification, parsing, the Responder, node:http). `benchHttp` takes any handle function, for
 * bench/run.ts to give it the real handler. The client runs in a child process of its own (or, with
 * --same-process, beside the server, sharing its event loop: a lower bound); it signs every request
 * before the clock starts. With `--rate N` it is open-loop instead: request i is sent at i/N s whatever
 * the answers before it, and its time runs from then (so a stall shows in every request it holds up).
 */
import { fork } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { HandleInteraction } from '../src/interactions/types.js';
import { silentLogger } from '../src/log.js';
import { createInteractionServer } from '../src/transports/http/server.js';
import { type LatencySummary, round, summarize } from './peers.js';

export interface HttpBenchOptions {
  /** Timed requests (default 5000). */
  requests?: number;
  /** Requests kept in flight (default 50); closed-loop only. */
  inFlight?: number;
  /**
   * Open-loop: send this many requests per second on a fixed schedule, however many are in flight, and
   * time each from its scheduled start. Default: closed-loop with `inFlight` outstanding.
   */
  rate?: number;
  /** Untimed requests first, to warm the JIT and the connections (default 500). */
  warm?: number;
  /** The payload of request `i` (default: a chat-input /ask command with a distinct id). */
  payload?: (i: number) => unknown;
  /** Run the client in this process rather than a child process (default false). */
  sameProcess?: boolean;
}

export interface HttpBenchResult extends LatencySummary {
  /** Closed-loop: the requests kept in flight; open-loop: the most that were. */
  in_flight: number;
  /** Open-loop: the scheduled rate; null when closed-loop. */
  rate: number | null;
  /** The HTTP responses by kind: `answer` (type 4, not ephemeral), `note` (type 4, ephemeral), `deferred`, `other`. */
  kinds: Record<string, number>;
  seconds: number;
  per_second: number;
  /** Responses that were not 200. */
  failed: number;
}

const noWebhook = () => ({
  editOriginal: () => Promise.resolve(),
  followUp: () => Promise.resolve(),
  deleteOriginal: () => Promise.resolve(),
});

/** A /ask from user number `i` (a user of its own, so no per-user limit applies twice). */
export function askPayload(i: number, question = `what does passage ${i % 97} say?`): unknown {
  return {
    id: String(1_300_000_000_000_000_000n + BigInt(i)),
    application_id: '1200000000000000001',
    type: 2,
    token: `bench-token-${i}`,
    version: 1,
    channel_id: '1200000000000000002',
    guild_id: '1200000000000000003',
    member: {
      user: { id: String(1_400_000_000_000_000_000n + BigInt(i)), username: `bench${i}` },
      roles: [],
      permissions: '0',
    },
    data: {
      id: '1200000000000000005',
      name: 'ask',
      type: 1,
      options: [{ name: 'question', type: 3, value: question }],
    },
  };
}

/** What the client is asked to do: the bodies are signed where they are sent, just before the clock starts. */
interface ClientJob {
  port: number;
  privateKeyPem: string;
  bodies: string[];
  warm: number;
  inFlight: number;
  rate?: number;
}

interface ClientResult {
  timings: number[];
  seconds: number;
  failed: number;
  kinds: Record<string, number>;
  maxInFlight: number;
}

/** What kind of initial response an HTTP body is. */
function kindOf(status: number, text: string): string {
  if (status !== 200) return `http ${status}`;
  try {
    const r = JSON.parse(text) as { type?: number; data?: { flags?: number } };
    if (r.type === 4) return (r.data?.flags ?? 0) & 64 ? 'note' : 'answer';
    if (r.type === 5) return 'deferred';
  } catch {
    // counted below
  }
  return 'other';
}

/** Sends the job's requests, `inFlight` at a time over keep-alive connections, and times each. */
async function runClient(job: ClientJob): Promise<ClientResult> {
  const key: KeyObject = createPrivateKey(job.privateKeyPem);
  // Open-loop, more connections than requests in flight are never needed at the rates measured here.
  const agent = new Agent({ keepAlive: true, maxSockets: job.rate ? 256 : job.inFlight });
  const signed = (bodies: string[]) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return bodies.map((text) => {
      const body = Buffer.from(text);
      const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), key).toString('hex');
      return { body, signature, timestamp };
    });
  };
  const kinds: Record<string, number> = {};
  let inFlightNow = 0;
  let maxInFlight = 0;
  const one = (r: { body: Buffer; signature: string; timestamp: string }) =>
    new Promise<number>((resolve, reject) => {
      inFlightNow++;
      maxInFlight = Math.max(maxInFlight, inFlightNow);
      const req = request(
        {
          host: '127.0.0.1',
          port: job.port,
          method: 'POST',
          path: '/interactions',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': r.body.length,
            'X-Signature-Ed25519': r.signature,
            'X-Signature-Timestamp': r.timestamp,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            inFlightNow--;
            const kind = kindOf(res.statusCode ?? 0, text);
            kinds[kind] = (kinds[kind] ?? 0) + 1;
            resolve(res.statusCode ?? 0);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  const runAll = async (batch: ReturnType<typeof signed>, timings?: number[]) => {
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < batch.length) {
        const r = batch[next++];
        if (!r) break;
        const t0 = performance.now();
        const status = await one(r);
        timings?.push(performance.now() - t0);
        if (status !== 200) failed++;
      }
    };
    await Promise.all(Array.from({ length: job.inFlight }, worker));
    return failed;
  };
  /** Open-loop: request i starts at t0 + i/rate s, timed from then. */
  const runAt = async (batch: ReturnType<typeof signed>, rate: number, timings?: number[]) => {
    let failed = 0;
    const t0 = performance.now();
    const all: Promise<void>[] = [];
    for (const [i, r] of batch.entries()) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
      all.push(
        one(r).then((status) => {
          timings?.push(performance.now() - due);
          if (status !== 200) failed++;
        }),
      );
    }
    await Promise.all(all);
    return failed;
  };
  const run = (batch: ReturnType<typeof signed>, timings?: number[]) =>
    job.rate ? runAt(batch, job.rate, timings) : runAll(batch, timings);
  try {
    await run(signed(job.bodies.slice(0, job.warm)));
    for (const k of Object.keys(kinds)) delete kinds[k];
    maxInFlight = 0;
    const batch = signed(job.bodies.slice(job.warm));
    const timings: number[] = [];
    const t0 = performance.now();
    const failed = await run(batch, timings);
    return { timings, seconds: (performance.now() - t0) / 1000, failed, kinds, maxInFlight };
  } finally {
    agent.destroy();
  }
}

const CLIENT_ENV = 'CITEBOT_HTTP_BENCH_CLIENT';
const THIS_FILE = fileURLToPath(import.meta.url);

/** Runs the client in a child process (node --import tsx this file) and waits for its figures. */
function runClientProcess(job: ClientJob): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = fork(THIS_FILE, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, [CLIENT_ENV]: '1' },
    });
    let result: ClientResult | undefined;
    child.on('message', (m) => (result = m as ClientResult));
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the bench client exited with ${code} and no result`)),
    );
    child.send(job);
  });
}

/** Serves `handle` on 127.0.0.1 and measures it with signed requests; closes the server afterwards. */
export async function benchHttp(
  handle: HandleInteraction,
  options: HttpBenchOptions = {},
): Promise<HttpBenchResult> {
  const requests = options.requests ?? 5000;
  const inFlight = options.inFlight ?? 50;
  const warm = options.warm ?? 500;
  const payload = options.payload ?? askPayload;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
  const server = createInteractionServer({
    handle,
    publicKey: publicHex,
    webhook: noWebhook,
    ready: () => true,
    log: silentLogger,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const job: ClientJob = {
    port,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    bodies: Array.from({ length: warm + requests }, (_, i) => JSON.stringify(payload(i))),
    warm,
    inFlight,
    ...(options.rate ? { rate: options.rate } : {}),
  };
  try {
    const { timings, seconds, failed, kinds, maxInFlight } = options.sameProcess
      ? await runClient(job)
      : await runClientProcess(job);
    return {
      ...summarize(timings),
      in_flight: options.rate ? maxInFlight : inFlight,
      rate: options.rate ?? null,
      kinds,
      seconds: round(seconds),
      per_second: Math.round(requests / seconds),
      failed,
    };
  } finally {
    await server.close(1000);
  }
}

if (process.env[CLIENT_ENV] === '1' && process.send) {
  process.once('message', (job) => {
    runClient(job as ClientJob)
      .then((result) => process.send?.(result, () => process.exit(0)))
      .catch((err: unknown) => {
        process.stderr.write(`bench client: ${(err as Error).message}\n`);
        process.exit(1);
      });
  });
} else if (process.argv[1] && THIS_FILE === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '5000' },
      'in-flight': { type: 'string', default: '50' },
      rate: { type: 'string' },
      warm: { type: 'string', default: '500' },
      'same-process': { type: 'boolean', default: false },
    },
  });
  const trivial: HandleInteraction = (_raw, responder) =>
    responder.respond({ type: 4, data: { content: 'ok', flags: 64 } });
  const result = await benchHttp(trivial, {
    requests: Number(values.requests),
    inFlight: Number(values['in-flight']),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    warm: Number(values.warm),
    sameProcess: values['same-process'],
  });
  const where = values['same-process'] ? 'client in the same process' : 'client in its own process';
  const load = result.rate
    ? `open-loop at ${result.rate}/s (at most ${result.in_flight} in flight)`
    : `${result.per_second} signed interactions/s with ${result.in_flight} in flight`;
  process.stdout.write(
    `HTTP transport, trivial handler, ${where}: ${load}; ` +
      `p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms (n=${result.n}, failed ${result.failed})\n`,
  );
}
