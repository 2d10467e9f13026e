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
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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
const server = await FakeDiscord.start({ heartbeatIntervalMs: 1000 });
const cacheDir = await mkdtemp(path.join(tmpdir(), 'citebot-soak-'));
const OWNER = user();
// The bot runs as its own process, as in production (`npm start` with a token), so its
// memory is measured apart from the fake Discord's.
const bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  cwd: root,
  env: {
    ...process.env,
    DISCORD_TOKEN: FAKE_TOKEN,
    DISCORD_API_BASE: server.apiBase,
    CORPUS_DIR: path.join(root, 'corpus'),
    CACHE_DIR: cacheDir,
    COOLDOWN_QUESTIONS: '1000',
    OWNER_IDS: OWNER.id,
    SEMANTIC: 'off',
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const logs: string[] = [];
let partial = '';
const collect = (chunk: Buffer) => {
  const lines = (partial + chunk.toString('utf8')).split('\n');
  partial = lines.pop() ?? '';
  logs.push(...lines);
};
bot.stdout?.on('data', collect);
bot.stderr?.on('data', collect);
const botExit = new Promise<number | null>((r) => bot.on('exit', (code) => r(code)));
/** The bot process's resident memory (MB), from /proc. */
const botRss = async (): Promise<number> => {
  const status = await readFile(`/proc/${bot.pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(status.match(/^VmRSS:\s+(\d+)/mu)?.[1] ?? Number.NaN) / 1024);
};
await server.waitForIdentify(60_000);
for (let t = 0; t < 600 && !logs.some((l) => l.includes('connected to Discord')); t++) {
  await new Promise((r) => setTimeout(r, 100));
}

console.log(
  `soak: ${count} /ask at ${rate}/s, re-index every ${reindexMs} ms, random faults (seed ${values.seed})`,
);
let rssStart = await botRss();
// Warm-up ends when the bounded answer store (2,000 answers behind buttons) is full: until then
// memory grows by design.
const warmup = Math.min(2000, Math.floor(count / 5));
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
  if (i === warmup) rssStart = await botRss();
  if (i > 0 && i % reindexEvery === 0) {
    // A moderator's /reindex (the owner's, which the bot's own permission check lets through).
    server.dispatch('INTERACTION_CREATE', slashCommand({ name: 'reindex', user: OWNER }));
  }
  if (i > 0 && i % 2000 === 0) console.log(`  ${i} sent, bot RSS ${await botRss()} MB`);
}
// Let the last replies arrive.
const deadline = performance.now() + 15_000;
while (performance.now() < deadline) {
  const done = [...sent.keys()].every((id) => server.callbacks(id).some((r) => r.status !== undefined));
  if (done || sent.size === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
const elapsed = (performance.now() - started) / 1000;

settle(0);
const errors = logs.filter((l) => / ERROR /.test(l)).length;
const rssEnd = await botRss();
const unhandled = logs.filter((l) => /unhandled|uncaught/iu.test(l)).length;
bot.kill('SIGTERM');
const exitCode = await botExit;
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
console.log(
  `errors logged: ${errors}; unhandled errors: ${unhandled}; bot exit code after SIGTERM: ${exitCode}`,
);
console.log(
  `bot RSS after warm-up (${warmup}) ${rssStart} MB, end ${rssEnd} MB (${(growth * 100).toFixed(1)}%)`,
);
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
