/**
 * npm run soak [-- --count 10000 --rate 100 --reindex-ms 2000 --semantic on|off --transport gateway|http]
 *
 * The bot runs with its defaults, semantic stage on unless `--semantic off`.
 * Sends `/ask` interactions at a fixed rate through the real bot and the fake Discord
 * (test/harness) on 127.0.0.1, re-indexes every 2 s, and injects random faults:
 * 429s, 500s and slow responses on interaction callbacks, interactions that expire
 * before they are answered (Discord's 10062), and gateway connection drops. At the end it
 * checks that every interaction got exactly one first response, or was logged as expired
 * when the fault injection expired it, and reports latency, errors and memory.
 * Exits 1 when a target is missed.
 *
 * With `--transport http` the bot is `npm run start:http` (src/http-main.ts, a generated Ed25519 key) and
 * the fake Discord POSTs each signed interaction to it, taking the HTTP response as the first response
 * (test/harness/http-endpoint.ts); the faults then go to what the HTTP mode sends through REST (429s,
 * 500s and slow responses on the interactions' webhook routes: the deferred /reindex edits), since there
 * is no callback request to fail and no gateway to drop.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from 'node:http';
import type { APIInteraction } from 'discord-api-types/v10';
import {
  deliverHttp,
  type Endpoint,
  FAKE_TOKEN,
  FakeDiscord,
  keyPair,
  slashCommand,
  user,
} from '../test/harness/index.js';
import { mulberry32 } from './generate.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    'reindex-ms': { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    // The semantic stage, on as shipped; off measures the lexical fallback.
    semantic: { type: 'string', default: 'on' },
    // Also write everything the bot prints to this file (for investigating a run).
    'bot-log': { type: 'string' },
    // gateway: `npm start` over the fake gateway; http: `npm run start:http` behind signed POSTs.
    transport: { type: 'string', default: 'gateway' },
  },
});
const count = Number(values.count);
const rate = Number(values.rate);
const reindexMs = Number(values['reindex-ms']);
for (const [name, v] of [
  ['--count', count],
  ['--rate', rate],
  ['--reindex-ms', reindexMs],
] as const) {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number; got ${v}`);
}
if (values.transport !== 'gateway' && values.transport !== 'http') {
  throw new Error(`--transport must be gateway or http; got ${JSON.stringify(values.transport)}`);
}
const overHttp = values.transport === 'http';
const keys = keyPair();
if (values.semantic !== 'on' && values.semantic !== 'off') {
  throw new Error(`--semantic must be on or off; got ${JSON.stringify(values.semantic)}`);
}

// Seeded, so a run's faults can be replayed.
const random = mulberry32(Number(values.seed));

const QUESTIONS = [
  'What is nanoGPT?',
  'How does federated learning protect privacy?',
  'Who is building tools for African languages?',
  'What are the security risks of open models?',
  'RISC-V',
  'How do people pool their work, like a shared kitchen?',
  'What is the capital of France?',
  'open-source hardware',
  'Why did OpenAI stop releasing its newest models?',
  'What does Papers with Code link?',
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(s.length * p))] as number) : Number.NaN;
};
const server = await FakeDiscord.start({ heartbeatIntervalMs: 1000 });
const cacheDir = await mkdtemp(path.join(tmpdir(), 'citebot-soak-'));
const OWNER = user();
// The bot runs as its own process, as in production (`npm start` with a token), so its
// memory is measured apart from the fake Discord's.
const bot = spawn(process.execPath, ['--import', 'tsx', overHttp ? 'src/http-main.ts' : 'src/main.ts'], {
  cwd: root,
  env: {
    ...process.env,
    ...(overHttp ? { DISCORD_PUBLIC_KEY: keys.publicHex, PORT: '0', HOST: '127.0.0.1' } : {}),
    DISCORD_TOKEN: FAKE_TOKEN,
    DISCORD_API_BASE: server.apiBase,
    CORPUS_DIR: path.join(root, 'corpus'),
    CACHE_DIR: cacheDir,
    COOLDOWN_QUESTIONS: '1000',
    OWNER_IDS: OWNER.id,
    SEMANTIC: values.semantic,
    LOG_LEVEL: 'info',
    // The bot's own memory report (a production option: one log line a second, nothing else changes).
    MEMORY_LOG_SECONDS: '1',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const logs: string[] = [];
/** The bot's "memory" log lines (MB), kept apart from `logs`, which is trimmed. */
interface HeapReport {
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  arrayBuffersMB: number;
}
let lastHeap: HeapReport | undefined;
/** The lowest heap-used report since the last sample: close to the live heap (after a collection). */
let lowHeap = Number.POSITIVE_INFINITY;
let heapReports = 0;
const MEMORY_LINE =
  / INFO {2}memory .*heapUsedMB=([\d.]+) heapTotalMB=([\d.]+) externalMB=([\d.]+) arrayBuffersMB=([\d.]+)/u;
let partial = '';
const collect = (chunk: Buffer) => {
  const lines = (partial + chunk.toString('utf8')).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const m = MEMORY_LINE.exec(line);
    if (m) {
      heapReports++;
      lowHeap = Math.min(lowHeap, Number(m[1]));
      lastHeap = {
        heapUsedMB: Number(m[1]),
        heapTotalMB: Number(m[2]),
        externalMB: Number(m[3]),
        arrayBuffersMB: Number(m[4]),
      };
    } else {
      logs.push(line);
    }
  }
};
bot.stdout?.on('data', collect);
bot.stderr?.on('data', collect);
if (values['bot-log']) {
  const file = createWriteStream(values['bot-log']);
  bot.stdout?.pipe(file);
  bot.stderr?.pipe(file);
}
const botExit = new Promise<number | null>((r) => bot.on('exit', (code) => r(code)));
/** The bot process's resident memory (MB) from /proc: all of it, anonymous (heaps), and file-backed (code). */
const botRss = async (): Promise<{ rss: number; anon: number; file: number }> => {
  const status = await readFile(`/proc/${bot.pid}/status`, 'utf8').catch(() => '');
  const kb = (name: string) =>
    Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'mu'))?.[1] ?? Number.NaN);
  return {
    rss: Math.round(kb('VmRSS') / 1024),
    anon: Math.round(kb('RssAnon') / 1024),
    file: Math.round(kb('RssFile') / 1024),
  };
};
/** CPU seconds the bot process has used (user + system), from /proc. */
const botCpu = async (): Promise<number> => {
  const stat = await readFile(`/proc/${bot.pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
interface MemoryPoint extends Partial<HeapReport> {
  label: string;
  sent: number;
  rss: number;
  anon: number;
  file: number;
  cpu: number;
  /** Lowest heap used reported since the previous point. */
  heapLowMB?: number;
}
const memory: MemoryPoint[] = [];
/** Records the bot's RSS now and its latest heap report (at most 1 s old). */
const sample = async (label: string, sentSoFar: number): Promise<MemoryPoint> => {
  const point: MemoryPoint = {
    label,
    sent: sentSoFar,
    ...(await botRss()),
    cpu: await botCpu(),
    ...lastHeap,
  };
  if (Number.isFinite(lowHeap)) point.heapLowMB = lowHeap;
  lowHeap = Number.POSITIVE_INFINITY;
  memory.push(point);
  return point;
};
const readyLine = overHttp ? 'ready for interactions' : 'connected to Discord';
if (!overHttp) await server.waitForIdentify(60_000);
for (let t = 0; t < 600 && !logs.some((l) => l.includes(readyLine)); t++) {
  await new Promise((r) => setTimeout(r, 100));
}
/** Over HTTP: where the bot listens (its first line says), with keep-alive connections as a proxy keeps. */
let endpoint: Endpoint | undefined;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
if (overHttp) {
  const port = logs.map((l) => /interactions at http:\/\/127\.0\.0\.1:(\d+)\//u.exec(l)?.[1]).find(Boolean);
  if (!port) throw new Error(`the HTTP bot did not say where it listens:\n${logs.slice(-20).join('\n')}`);
  endpoint = { port: Number(port), privateKey: keys.privateKey, agent };
}
/** HTTP deliveries in flight, and those that failed at the HTTP level (the interaction is then lost). */
const deliveries = new Set<Promise<unknown>>();
let httpFailures = 0;
/** Hands an interaction to the bot: a gateway dispatch, or a signed POST to its endpoint. */
const deliver = (payload: APIInteraction): void => {
  if (!endpoint) {
    server.dispatch('INTERACTION_CREATE', payload);
    return;
  }
  const p = deliverHttp(server, endpoint, payload)
    .then((reply) => {
      if (reply.status !== 200) httpFailures++;
    })
    .catch((err: unknown) => {
      httpFailures++;
      console.log(`  HTTP delivery failed: ${(err as Error).message}`);
    });
  deliveries.add(p);
  void p.finally(() => deliveries.delete(p));
};

console.log(
  `soak (${values.transport}): ${count} /ask at ${rate}/s, re-index every ${reindexMs} ms, random faults (seed ${values.seed})`,
);
// Wait for the bot's first memory report, so every point has its heap figures.
for (let t = 0; t < 50 && !lastHeap; t++) await new Promise((r) => setTimeout(r, 100));
const atStart = await sample('start', 0);
let storeFull = atStart;
let afterWarmup = atStart;
// The bounded answer store (2,000 answers behind buttons) is full after 2,000 interactions: until then
// the live heap grows by design. Warm-up ends when the store has also been turned over once (4,000):
// by then the heap has been collected and resized around the full store, and the pages freed by its
// oldest-first eviction are being reused (README, Reliability). Growth is also printed from 2,000.
const fullAt = Math.min(2000, Math.floor(count / 5));
const warmup = Math.min(2 * fullAt, Math.floor((2 * count) / 5));
const sent = new Map<string, { at: number; expired: boolean }>();
const reindexEvery = Math.max(1, Math.round((reindexMs * rate) / 1000));
let exactlyOne = 0;
let expiredLogged = 0;
let lost = 0;
let duplicated = 0;
const latencies: number[] = [];

/** Judges interactions sent more than `ageMs` ago, then forgets them and trims the fake server's records. */
function settle(ageMs: number): void {
  const now = Date.now();
  const expiredLines = logs.filter((l) => l.includes('interaction expired'));
  const callbacks = new Map<string, { status?: number; receivedAt: number }[]>();
  for (const r of server.requests) {
    const m = r.method === 'POST' ? r.route.match(/^\/interactions\/(\d+)\/[^/]+\/callback$/u) : null;
    if (m?.[1]) callbacks.set(m[1], [...(callbacks.get(m[1]) ?? []), r]);
  }
  for (const [id, s] of sent) {
    if (now - s.at < ageMs) continue;
    const ok = (callbacks.get(id) ?? []).filter((r) => r.status !== undefined && r.status < 300);
    if (ok.length === 1) {
      exactlyOne++;
      latencies.push((ok[0]?.receivedAt ?? 0) - s.at);
    } else if (ok.length > 1) {
      duplicated++;
    } else if (s.expired && expiredLines.some((l) => l.includes(id))) {
      expiredLogged++;
    } else {
      lost++;
      console.log(`  lost: interaction ${id}`);
    }
    sent.delete(id);
  }
  // The fake server records everything; keep the soak's own memory flat so RSS measures the bot.
  const keepFrom = server.requests.findIndex((r) => now - r.receivedAt < ageMs * 2);
  server.requests.splice(0, keepFrom < 0 ? server.requests.length : keepFrom);
  server.gatewayMessages.splice(0, Math.max(0, server.gatewayMessages.length - 100));
  for (const [id, st] of server.interactions)
    if (now - st.dispatchedAt > ageMs * 2) server.interactions.delete(id);
  const byToken = (server as unknown as { interactionsByToken: Map<string, { dispatchedAt: number }> })
    .interactionsByToken;
  for (const [t, st] of byToken) if (now - st.dispatchedAt > ageMs * 2) byToken.delete(t);
  server.channelMessages.clear();
  // Each gateway session keeps every dispatch for RESUME replay; a few hundred are plenty here.
  const sessions = (server as unknown as { sessions: Map<string, { log: unknown[] }> }).sessions;
  for (const session of sessions.values()) session.log.splice(0, Math.max(0, session.log.length - 500));
  logs.splice(0, Math.max(0, logs.length - 2000));
}

let drops = 0;
let total = 0;
// RSS once a second as well, for the highest value after warm-up (a point sample can land in a trough
// of the collector's sawtooth).
let peakAfterWarmup = { rss: 0, sent: 0 };
const rssTimer = setInterval(() => {
  if (total <= warmup) return;
  const at = total;
  void botRss().then(({ rss }) => {
    if (rss > peakAfterWarmup.rss) peakAfterWarmup = { rss, sent: at };
  });
}, 1000);
const started = performance.now();
for (let i = 0; i < count; i++) {
  const due = started + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const payload = slashCommand({
    name: 'ask',
    options: { question: QUESTIONS[i % QUESTIONS.length] as string },
    user: user(),
  });
  const roll = random();
  let expired = false;
  // Over HTTP there is no callback request: the faults hit the interaction's webhook routes instead.
  const callback = overHttp
    ? new RegExp(`/webhooks/\\d+/${payload.token}`)
    : new RegExp(`/interactions/${payload.id}/`);
  if (overHttp) {
    if (roll < 0.01) server.failNext({ pathPattern: callback, status: 429, retryAfter: 0.05 });
    else if (roll < 0.02) server.failNext({ pathPattern: callback, status: 500 });
    else if (roll < 0.03) server.failNext({ pathPattern: callback, delayMs: 300 });
  } else if (roll < 0.01) {
    server.failNext({ method: 'POST', pathPattern: callback, status: 429, retryAfter: 0.05 });
  } else if (roll < 0.02) {
    server.failNext({ method: 'POST', pathPattern: callback, status: 500 });
  } else if (roll < 0.03) {
    server.failNext({ method: 'POST', pathPattern: callback, delayMs: 300 });
  } else if (roll < 0.035) {
    expired = true;
    server.failNext({
      method: 'POST',
      pathPattern: callback,
      status: 404,
      body: { code: 10062, message: 'Unknown interaction' },
    });
  } else if (roll < 0.0355) {
    drops++;
    server.dropConnection();
  }
  sent.set(payload.id, { at: Date.now(), expired });
  total++;
  if (i % rate === 0) settle(5000);
  deliver(payload);
  if (i === fullAt) storeFull = await sample('store full', i);
  if (i === warmup) afterWarmup = await sample('after warm-up', i);
  if (i > 0 && i % reindexEvery === 0) {
    // A moderator's /reindex (the owner's, which the bot's own permission check lets through).
    const reindex = slashCommand({ name: 'reindex', user: OWNER });
    if (overHttp) {
      // Its deferral is edited through REST: the faults above go to that edit now and then.
      const r = random();
      const edit = new RegExp(`/webhooks/\\d+/${reindex.token}`);
      if (r < 0.1) server.failNext({ pathPattern: edit, status: 429, retryAfter: 0.05 });
      else if (r < 0.2) server.failNext({ pathPattern: edit, status: 500 });
      else if (r < 0.3) server.failNext({ pathPattern: edit, delayMs: 300 });
    }
    deliver(reindex);
  }
  if (i > 0 && i % 1000 === 0 && i !== warmup && i !== fullAt) await sample('', i);
  if (i > 0 && i % 2000 === 0) {
    const p = memory[memory.length - 1] as MemoryPoint;
    console.log(`  ${i} sent, bot RSS ${p.rss} MB, heap used ${p.heapUsedMB ?? '?'} MB`);
  }
}
// Let the last replies arrive.
const deadline = performance.now() + 15_000;
while (performance.now() < deadline) {
  const done = [...sent.keys()].every((id) => server.callbacks(id).some((r) => r.status !== undefined));
  if (done || sent.size === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
await Promise.allSettled([...deliveries]);
agent.destroy();
const elapsed = (performance.now() - started) / 1000;

settle(0);
const errors = logs.filter((l) => / ERROR /.test(l)).length;
const atEnd = await sample('end', total);
clearInterval(rssTimer);
for (const p of memory) {
  if (p.sent > warmup && p.rss > peakAfterWarmup.rss) peakAfterWarmup = { rss: p.rss, sent: p.sent };
}
const unhandled = logs.filter((l) => /unhandled|uncaught/iu.test(l)).length;
bot.kill('SIGTERM');
const exitCode = await botExit;
await server.close();
await rm(cacheDir, { recursive: true, force: true });

const p50 = pct(latencies, 0.5);
const p99 = pct(latencies, 0.99);
const rssStart = afterWarmup.rss;
const rssEnd = atEnd.rss;
const growth = (rssEnd - rssStart) / rssStart;
const peakGrowth = (peakAfterWarmup.rss - rssStart) / rssStart;
const growthFromFull = (rssEnd - storeFull.rss) / storeFull.rss;
const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
console.log(
  overHttp
    ? `sent ${total} in ${elapsed.toFixed(1)} s over HTTP; requests that got no 200: ${httpFailures}`
    : `sent ${total} in ${elapsed.toFixed(1)} s; gateway drops ${drops}`,
);
console.log(
  `exactly one first response: ${exactlyOne}; expired and logged: ${expiredLogged}; duplicated: ${duplicated}; lost: ${lost}`,
);
console.log(
  `latency ${overHttp ? 'request → HTTP response' : 'dispatch → callback'}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
);
console.log(
  `errors logged: ${errors}; unhandled errors: ${unhandled}; bot exit code after SIGTERM: ${exitCode}`,
);
const fmt = (v: number | undefined) => (v === undefined ? '?' : String(v));
console.log(
  `bot memory (MB; rss = anon + file from /proc, heap from the bot's own report, ${heapReports} reports):`,
);
console.log(
  '  point           sent    rss  anon  file  heapUsed  (lowest since last)  heapTotal  external  arrayBuffers  cpu s',
);
for (const p of memory) {
  console.log(
    `  ${p.label.padEnd(14)} ${String(p.sent).padStart(5)} ${String(p.rss).padStart(6)} ${String(p.anon).padStart(5)} ${String(p.file).padStart(5)} ${fmt(p.heapUsedMB).padStart(9)} ${fmt(p.heapLowMB).padStart(20)} ${fmt(p.heapTotalMB).padStart(10)} ${fmt(p.externalMB).padStart(9)} ${fmt(p.arrayBuffersMB).padStart(13)} ${p.cpu.toFixed(1).padStart(6)}`,
  );
}
const cpuAfter = atEnd.cpu - afterWarmup.cpu;
console.log(
  `bot CPU: ${cpuAfter.toFixed(1)} s from warm-up to the end (${((1000 * cpuAfter) / Math.max(1, atEnd.sent - afterWarmup.sent)).toFixed(2)} ms per interaction)`,
);
console.log(
  `bot RSS: start ${atStart.rss} MB, store full (${fullAt}) ${storeFull.rss} MB, after warm-up (${warmup}) ${rssStart} MB, end ${rssEnd} MB: ${percent(growth)} after warm-up (${percent(growthFromFull)} from the store full); highest after warm-up ${peakAfterWarmup.rss} MB (at ${peakAfterWarmup.sent}), ${percent(peakGrowth)}`,
);
console.log(
  `bot heap used (lowest reported since the point before): start ${fmt(atStart.heapLowMB ?? atStart.heapUsedMB)}, store full ${fmt(storeFull.heapLowMB)}, after warm-up ${fmt(afterWarmup.heapLowMB)}, end ${fmt(atEnd.heapLowMB)} MB`,
);
const failures = [
  lost > 0 && `${lost} interactions lost`,
  duplicated > 0 && `${duplicated} interactions answered twice`,
  unhandled > 0 && `${unhandled} unhandled errors`,
  !(p99 < 1000) && `p99 ${p99.toFixed(0)} ms ≥ 1 s`,
  // Growth is judged by the highest RSS after warm-up, not only the last: the end can land in a trough.
  Math.max(growth, peakGrowth) >= 0.1 && `RSS grew ${percent(Math.max(growth, peakGrowth))} after warm-up`,
].filter(Boolean);
if (failures.length) {
  console.log(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('soak: all targets met');
process.exit(0);
