/**
 * /ask end to end: the real bot (`CitebotDiscord`: discord.js client, @discordjs/rest, the 1x
 * corpus, lexical) in its own process, against the fake Discord of test/harness in this one.
 *
 *   npx tsx bench/e2e.ts [--interactions 1000] [--in-flight 50] [--out FILE]
 *
 * Latency is measured from the moment this process dispatches INTERACTION_CREATE on the gateway
 * to the arrival of the bot's interaction callback at the fake server (its body read), both
 * timed here. First `--interactions` sent one after another (each waits for its callback), then
 * as many again with `--in-flight` outstanding at any time (throughput). Every interaction comes
 * from a new user and the per-user limit is raised (COOLDOWN_QUESTIONS=1000), so the cooldown
 * never answers instead of the engine; questions are distinct (the labelled set, then generated
 * ones). A probe then shows how @discordjs/rest applies its client-side global limit (50 req/s)
 * to interaction callbacks and to interaction webhook edits (see bench/README.md).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REST } from '@discordjs/rest';
import { loadConfig } from '../src/config.js';
import { Library } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { CitebotDiscord } from '../src/transports/gateway/bot.js';
import { createLogger } from '../src/log.js';
import { FAKE_TOKEN, FakeDiscord, slashCommand, user } from '../test/harness/index.js';
import { DEFAULT_SEED } from './generate.js';
import { distinctQuestions, evalQuestions, type LatencySummary, round, summarize } from './peers.js';
import { BUNDLED_CORPUS } from './write-corpus.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const EPHEMERAL = 64;
/** The title of the card the bot sends when the articles don't answer (src/discord/render.ts). */
const DECLINED_TITLE = 'No answer in the articles';

/** Options of the end-to-end run. */
export interface E2eOptions {
  /** Interactions sent one after another, and again with `inFlight` outstanding. */
  interactions: number;
  inFlight: number;
  /** Untimed interactions first (JIT and connection warm-up). Default 50. */
  warmup?: number;
  /** Requests per kind in the @discordjs/rest global-limit probe. Default 150. */
  probeRequests?: number;
}

/** What the @discordjs/rest probe saw: N requests fired at once through one REST client. */
export interface RestProbe {
  requests: number;
  /** POST /interactions/:id/:token/callback ×N (BurstHandler): wall time and rate-limit waits. */
  callbacks_ms: number;
  callbacks_rate_limited: number;
  /** PATCH /webhooks/:app/:token/messages/@original ×N, distinct tokens (what editReply sends). */
  webhook_edits_ms: number;
  webhook_edits_rate_limited: number;
  /** The client's `globalRequestsPerSecond` option. */
  global_requests_per_second: number;
}

/** The e2e figures (the `e2e` section of bench/results/latest.json). */
export interface E2eResult {
  /** One interaction at a time: dispatch → callback arrival. */
  p50_ms: number;
  p99_ms: number;
  /** Answered per second with `in_flight` outstanding. */
  per_second: number;
  /** Interactions of the sequential run (the concurrent run sends as many). */
  interactions: number;
  in_flight: number;
  sequential: LatencySummary;
  concurrent: LatencySummary & {
    interactions: number;
    in_flight: number;
    seconds: number;
    per_second: number;
  };
  /** Callbacks that were ephemeral notes (errors, cooldowns) rather than answers: should be 0. */
  notes: number;
  /** Callbacks that declined (the "No answer in the articles" card) rather than quoting. */
  declined: number;
  /** Requests other than interaction callbacks the bot made during the runs. */
  other_requests: number;
  /** `rateLimited` events of the bot's REST client during the runs. */
  bot_rate_limited: number;
  /** The bot process after the runs. */
  bot_rss_mb: number | null;
  passages: number;
  distinct_questions: number;
  probe: RestProbe | null;
}

/** Messages between the driver and the bot process. */
type BotMessage =
  | { type: 'ready'; passages: number }
  | { type: 'stats'; rateLimited: number; rssMb: number }
  | { type: 'error'; message: string };

function waitForMessage<T extends BotMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<BotMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the bot process sent no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: BotMessage) => {
      if (m.type === 'error') {
        cleanup();
        reject(new Error(`bot process: ${m.message}`));
      } else if (m.type === type) {
        cleanup();
        resolve(m as Extract<BotMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the bot process exited (${code}) before sending ${type}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Distinct questions over the 1x corpus: the labelled set first, then generated ones. */
export async function e2eQuestions(count: number): Promise<string[]> {
  const labelled = (await evalQuestions()).map((q) => q.q);
  const loaded = await loadCorpus(BUNDLED_CORPUS);
  const files = loaded.sources.map((s) => ({ name: s.file, text: s.text }));
  const generated = distinctQuestions(
    files,
    Math.max(0, count - labelled.length),
    DEFAULT_SEED + 2,
    new Set(labelled),
  );
  return [...labelled, ...generated.map((q) => q.q)].slice(0, count);
}

/** Sends one /ask and resolves with the time from dispatch to the callback's arrival. */
async function interact(
  server: FakeDiscord,
  question: string,
): Promise<{ ms: number; note: boolean; declined: boolean }> {
  const payload = slashCommand({ name: 'ask', options: { question }, user: user() });
  const route = `/interactions/${payload.id}/${payload.token}/callback`;
  const arrival = server.waitForArrival((r) => r.method === 'POST' && r.route === route, 30_000);
  const t0 = performance.now();
  if (server.dispatch('INTERACTION_CREATE', payload) === 0)
    throw new Error('no gateway session to dispatch to');
  const req = await arrival;
  const ms = performance.now() - t0;
  const data = (req.body as { data?: { flags?: number; embeds?: { title?: string }[] } } | undefined)?.data;
  return {
    ms,
    note: (Number(data?.flags ?? 0) & EPHEMERAL) !== 0,
    declined: data?.embeds?.[0]?.title === DECLINED_TITLE,
  };
}

/**
 * Fires `n` callbacks and `n` webhook edits at once through a fresh REST client and times each
 * batch: interaction callbacks are exempt from the client's global limit (BurstHandler), while
 * webhook routes go through a SequentialHandler and count against `globalRequestsPerSecond`.
 */
async function probeRestLimits(server: FakeDiscord, n: number): Promise<RestProbe> {
  const removeHandler = server.onRequest(
    (r) => r.route.startsWith('/interactions/') || r.route.startsWith('/webhooks/'),
    (r) => (r.method === 'PATCH' ? { status: 200, body: { id: '1', content: 'probe' } } : { status: 204 }),
  );
  const rest = new REST({ api: server.apiBase }).setToken(FAKE_TOKEN);
  let limited = 0;
  rest.on('rateLimited', () => limited++);
  const appId = server.applicationId;
  try {
    const batch = async (one: (i: number) => Promise<unknown>) => {
      limited = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
      return { ms: round(performance.now() - t0, 1), limited };
    };
    const base = BigInt(Date.now()) << 22n;
    const callbacks = await batch((i) =>
      rest.post(`/interactions/${base + BigInt(i)}/probe-token-${i}/callback`, {
        auth: false,
        body: { type: 1 },
      }),
    );
    const edits = await batch((i) =>
      rest.patch(`/webhooks/${appId}/probe-token-${i}/messages/@original`, {
        auth: false,
        body: { content: 'probe' },
      }),
    );
    return {
      requests: n,
      callbacks_ms: callbacks.ms,
      callbacks_rate_limited: callbacks.limited,
      webhook_edits_ms: edits.ms,
      webhook_edits_rate_limited: edits.limited,
      global_requests_per_second: rest.options.globalRequestsPerSecond,
    };
  } finally {
    removeHandler();
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** Runs the end-to-end benchmark: starts the fake Discord here and the bot in a child process. */
export async function runE2e(options: E2eOptions): Promise<E2eResult> {
  const warmup = options.warmup ?? 50;
  const n = options.interactions;
  const questions = await e2eQuestions(warmup + 2 * n);
  const question = (i: number) => questions[i % questions.length] as string;
  const server = await FakeDiscord.start({ heartbeatIntervalMs: 5000 });
  const child = fork(THIS_FILE, ['--bot'], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: server.apiBase,
      CORPUS_DIR: BUNDLED_CORPUS,
      COOLDOWN_QUESTIONS: '1000',
      SEMANTIC: 'off',
      LOG_LEVEL: 'warn',
    },
  });
  let stats: Extract<BotMessage, { type: 'stats' }> | undefined;
  try {
    const ready = await waitForMessage(child, 'ready', 120_000);
    let next = 0;
    for (let i = 0; i < warmup; i++) await interact(server, question(next++));
    const requestsBefore = server.requests.length;

    const sequential: number[] = [];
    let notes = 0;
    let declined = 0;
    const count = (r: { note: boolean; declined: boolean }) => {
      if (r.note) notes++;
      if (r.declined) declined++;
    };
    for (let i = 0; i < n; i++) {
      const r = await interact(server, question(next++));
      sequential.push(r.ms);
      count(r);
    }

    const concurrent: number[] = [];
    let started = 0;
    const tStart = performance.now();
    let tEnd = tStart;
    await Promise.all(
      Array.from({ length: Math.min(options.inFlight, n) }, async () => {
        while (started < n) {
          started++;
          const r = await interact(server, question(next++));
          concurrent.push(r.ms);
          count(r);
          tEnd = performance.now();
        }
      }),
    );
    const seconds = (tEnd - tStart) / 1000;
    const otherRequests = server.requests
      .slice(requestsBefore)
      .filter((r) => !(r.method === 'POST' && r.route.endsWith('/callback'))).length;

    child.send({ type: 'stop' });
    stats = await waitForMessage(child, 'stats', 30_000).catch(() => undefined);
    const probe = await probeRestLimits(server, options.probeRequests ?? 150);

    const seq = summarize(sequential);
    const conc = summarize(concurrent);
    const perSecond = round(concurrent.length / seconds, 1);
    return {
      p50_ms: seq.p50_ms,
      p99_ms: seq.p99_ms,
      per_second: perSecond,
      interactions: n,
      in_flight: options.inFlight,
      sequential: seq,
      concurrent: {
        ...conc,
        interactions: concurrent.length,
        in_flight: options.inFlight,
        seconds: round(seconds, 2),
        per_second: perSecond,
      },
      notes,
      declined,
      other_requests: otherRequests,
      bot_rate_limited: stats?.rateLimited ?? -1,
      bot_rss_mb: stats ? round(stats.rssMb, 1) : null,
      passages: ready.passages,
      distinct_questions: new Set(questions).size,
      probe,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      if (!stats) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await server.close();
  }
}

/** The bot process: the real bot against DISCORD_API_BASE, reporting over IPC. */
async function botMain(): Promise<void> {
  const send = (m: BotMessage) => process.send?.(m);
  try {
    const config = loadConfig(process.env, ROOT);
    const log = createLogger({ level: config.logLevel, secrets: [FAKE_TOKEN] });
    const library = new Library({ dir: config.corpusDir });
    const report = await library.reindex();
    if (!report.ok) throw new Error(`indexing failed: ${report.error}`);
    const bot = new CitebotDiscord({ config, services: { library, log } });
    let rateLimited = 0;
    bot.client.rest.on('rateLimited', () => rateLimited++);
    await bot.start();
    process.on('message', (m: { type?: string }) => {
      if (m.type !== 'stop') return;
      const rssMb = process.memoryUsage().rss / 1024 / 1024;
      void bot.stop(5000).finally(() => {
        process.send?.({ type: 'stats', rateLimited, rssMb } satisfies BotMessage, () => process.exit(0));
      });
    });
    send({ type: 'ready', passages: report.passages });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      interactions: { type: 'string', default: '1000' },
      'in-flight': { type: 'string', default: '50' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const interactions = Number(values.interactions);
  const inFlight = Number(values['in-flight']);
  if (!Number.isInteger(interactions) || interactions < 1 || !Number.isInteger(inFlight) || inFlight < 1) {
    console.error('usage: npx tsx bench/e2e.ts [--interactions N] [--in-flight N] [--out FILE]');
    return 2;
  }
  const result = await runE2e({ interactions, inFlight });
  if (values.out) await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
  else console.log(JSON.stringify(result, null, 2));
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === THIS_FILE) {
  if (process.argv[2] === '--bot') await botMain();
  else process.exitCode = await main(process.argv.slice(2));
}
