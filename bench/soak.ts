/**
 * npm run soak [-- --count 10000 --rate 100 --reindex-ms 2000]
 *
 * Sends `/ask` interactions at a fixed rate through the real bot and the fake Discord
 * (test/harness) on 127.0.0.1, re-indexes every 2 s, and injects random faults:
 * 429s, 500s and slow responses on interaction callbacks, interactions that expire
 * before they are answered (Discord's 10062), and gateway connection drops. At the end it
 * checks that every interaction got exactly one first response, or was logged as expired
 * when the fault injection expired it, and reports latency, errors and memory.
 * Exits 1 when a target is missed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Services } from '../src/commands/commands.js';
import { loadConfig } from '../src/config.js';
import { Library } from '../src/corpus/library.js';
import { CitebotDiscord } from '../src/discord/bot.js';
import { createLogger } from '../src/log.js';
import { FAKE_TOKEN, FakeDiscord, slashCommand, user } from '../test/harness/index.js';
import { mulberry32 } from './generate.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    'reindex-ms': { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
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
const gc = (globalThis as { gc?: () => void }).gc;
const mem = () => {
  gc?.();
  return Math.round(process.memoryUsage().rss / 1e6);
};

const server = await FakeDiscord.start({ heartbeatIntervalMs: 1000 });
const cacheDir = await mkdtemp(path.join(tmpdir(), 'citebot-soak-'));
const logs: string[] = [];
const log = createLogger({ level: 'info', secrets: [FAKE_TOKEN], write: (l) => logs.push(l) });
const config = loadConfig(
  {
    DISCORD_TOKEN: FAKE_TOKEN,
    DISCORD_API_BASE: server.apiBase,
    CORPUS_DIR: path.join(root, 'corpus'),
    CACHE_DIR: cacheDir,
    COOLDOWN_QUESTIONS: '1000',
  },
  root,
);
const library = new Library({ dir: config.corpusDir, cacheDir });
await library.reindex();
const services: Services = { library, log };
const bot = new CitebotDiscord({ config, services });
let unhandled = 0;
process.on('unhandledRejection', (err) => {
  unhandled++;
  console.error('unhandled rejection', err);
});
await bot.start();

console.log(
  `soak: ${count} /ask at ${rate}/s, re-index every ${reindexMs} ms, random faults (seed ${values.seed})`,
);
let rssStart = mem();
const warmup = Math.min(1000, Math.floor(count / 10));
const sent = new Map<string, { at: number; expired: boolean }>();
const reindexTimer = setInterval(() => {
  void library.reindex();
}, reindexMs);
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
  const callback = new RegExp(`/interactions/${payload.id}/`);
  if (roll < 0.01) {
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
  server.dispatch('INTERACTION_CREATE', payload);
  if (i === warmup) rssStart = mem();
  if (i > 0 && i % 2000 === 0)
    console.log(
      `  ${i} sent, rss ${mem()} MB, heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB, store ${bot.store.size}`,
    );
}
// Let the last replies arrive.
const deadline = performance.now() + 15_000;
while (performance.now() < deadline) {
  const done = [...sent.keys()].every((id) => server.callbacks(id).some((r) => r.status !== undefined));
  if (done || sent.size === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
clearInterval(reindexTimer);
const elapsed = (performance.now() - started) / 1000;

settle(0);
const errors = logs.filter((l) => / ERROR /.test(l)).length;
const rssEnd = mem();
await bot.stop(2000);
await server.close();
await rm(cacheDir, { recursive: true, force: true });

const p50 = pct(latencies, 0.5);
const p99 = pct(latencies, 0.99);
const growth = (rssEnd - rssStart) / rssStart;
console.log(`sent ${total} in ${elapsed.toFixed(1)} s; gateway drops ${drops}`);
console.log(
  `exactly one first response: ${exactlyOne}; expired and logged: ${expiredLogged}; duplicated: ${duplicated}; lost: ${lost}`,
);
console.log(`latency dispatch → callback: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
console.log(`errors logged: ${errors}; unhandled rejections: ${unhandled}`);
console.log(`RSS after warm-up (${warmup}) ${rssStart} MB, end ${rssEnd} MB (${(growth * 100).toFixed(1)}%)`);
const failures = [
  lost > 0 && `${lost} interactions lost`,
  duplicated > 0 && `${duplicated} interactions answered twice`,
  unhandled > 0 && `${unhandled} unhandled errors`,
  !(p99 < 1000) && `p99 ${p99.toFixed(0)} ms ≥ 1 s`,
  growth >= 0.1 && `RSS grew ${(growth * 100).toFixed(1)}%`,
].filter(Boolean);
if (failures.length) {
  console.log(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('soak: all targets met');
process.exit(0);
