/**
 * The HTTP row of `npm run bench`: signed /ask interactions through the HTTP transport to the real
 * handler over the bundled corpus. By default with the lexical ranking alone, which keeps the row within
 * a minute; `--semantic on` (or `both`) measures the semantic stage as shipped: the services start as
 * `npm run start:http` starts them (the embedding worker makes each question's vector, questions asked
 * while it is busy are embedded together), and every passage is embedded before the clock starts, in a
 * fresh cache folder. The model takes 10–15 ms of one core per batch, so above about 100 questions a
 * second many answers are lexical by design (commands/question-vector.ts): the row counts them. Its
 * closed-loop run is shorter (`--semantic-requests`); its open-loop run lasts 10 s (`--semantic-seconds`),
 * because a p99 over the few hundred requests of a 4 s run moved by ±5 ms between runs.
 *
 *   npx tsx bench/http-real.ts [--semantic off|on|both] [--requests 3000] [--seconds 10]
 *                              [--semantic-requests 600] [--semantic-seconds 10] [--in-flight 50]
 *                              [--rate 200] [--out FILE]
 *
 * Two runs, each after its own warm-up: closed-loop with `--in-flight` outstanding (interactions per
 * second), and open-loop at `--rate` per second for `--seconds` (p50/p99 from sending a request to
 * receiving its HTTP response, timed from its scheduled start). Every request is a distinct user (the
 * per-user limit never answers instead of the engine) with a distinct question (the 1x labelled set, then
 * generated ones). A question that waited in the work queue (deadline.ts) or at the embedding worker
 * (question-vector.ts) is answered without the semantic stage: how many were is counted from their debug
 * log lines and reported beside the figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { CustomIdSigner } from '../src/discord/custom-id.js';
import { createHandler } from '../src/interactions/handler.js';
import { createRuntime } from '../src/interactions/runtime.js';
import type { Logger } from '../src/log.js';
import { e2eQuestions } from './e2e.js';
import { askPayload, benchHttp, type HttpBenchResult } from './http.js';
import { round } from './peers.js';
import { BUNDLED_CORPUS } from './write-corpus.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/** Options of the HTTP row. */
export interface HttpRealOptions {
  requests: number;
  inFlight: number;
  rate: number;
  seconds: number;
  semantic: boolean;
}

/** The `http` section of bench/results/latest.json. */
export interface HttpRealResult {
  /** Whether the semantic stage was on (model loaded, passages embedded) when the clock started. */
  semantic: boolean;
  /** Loading the corpus and, with the semantic stage, the model and the passage vectors (ms). */
  startup_ms: number;
  passages: number;
  /** `shed_semantic` counts the warm-up's questions too: `shed_of` of them were asked in all. */
  closed: HttpBenchResult & { shed_semantic: number; shed_of: number };
  open: HttpBenchResult & { shed_semantic: number; shed_of: number };
}

/** A logger that drops everything but counts the handler's "answering lexically" lines. */
function countingLogger(): Logger & { shed: number } {
  const log = {
    shed: 0,
    debug: (msg: string) => {
      // Shed by the deadline (a question that waited) or at the embedding worker (questions queued there).
      if (msg.startsWith('under load: answering lexically') || msg.startsWith('semantic stage shed'))
        log.shed++;
    },
    info: () => {},
    warn: () => {},
    error: () => {},
  };
  return log;
}

/** Runs both measurements; the services are closed afterwards. */
export async function runHttpReal(options: HttpRealOptions): Promise<HttpRealResult> {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'citebot-bench-http-'));
  const log = countingLogger();
  try {
    const config = loadConfig(
      {
        DISCORD_TOKEN: 'bench-token-not-sent-anywhere',
        CORPUS_DIR: BUNDLED_CORPUS,
        CACHE_DIR: cacheDir,
        SEMANTIC: options.semantic ? 'on' : 'off',
        COOLDOWN_QUESTIONS: '1000',
      },
      ROOT,
    );
    const t0 = performance.now();
    // As `npm run start:http` starts them (the embedding worker makes the question vectors), then
    // waiting for the passage vectors before the clock starts.
    const services = await createServices(config, log);
    await services.library.whenSemanticReady();
    const startupMs = performance.now() - t0;
    if (options.semantic && !services.embedder) throw new Error('the semantic stage did not load');
    if (options.semantic && !services.questionWorker) throw new Error('the embedding worker did not start');
    try {
      const runtime = createRuntime({ config, services, signer: new CustomIdSigner() });
      const handle = createHandler(runtime);
      const openRequests = options.rate * options.seconds;
      const warm = Math.max(200, Math.round(options.requests / 10));
      const questions = await e2eQuestions(warm + Math.max(options.requests, openRequests));
      const payload = (i: number) => askPayload(i, questions[i % questions.length]);
      log.shed = 0;
      const closed = await benchHttp(handle, {
        requests: options.requests,
        inFlight: options.inFlight,
        warm,
        payload,
      });
      const closedShed = log.shed;
      log.shed = 0;
      // Other users than the closed run's (the ids go on from there).
      const offset = warm + options.requests;
      const openWarm = Math.min(warm, options.rate);
      const open = await benchHttp(handle, {
        requests: openRequests,
        rate: options.rate,
        warm: openWarm,
        payload: (i) => payload(offset + i),
      });
      return {
        semantic: Boolean(services.embedder),
        startup_ms: round(startupMs),
        passages: services.library.index.passages.length,
        closed: { ...closed, shed_semantic: closedShed, shed_of: warm + closed.n },
        open: { ...open, shed_semantic: log.shed, shed_of: openWarm + open.n },
      };
    } finally {
      await services.close?.();
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** One line for the bench table. */
export function formatHttpRow(r: HttpRealResult): string {
  const stage = r.semantic ? 'semantic as shipped' : 'lexical';
  const shed = (x: { shed_semantic: number; shed_of: number }) =>
    r.semantic ? `, ${x.shed_semantic} of ${x.shed_of} (warm-up included) shed the semantic stage` : '';
  const kinds = (k: Record<string, number>) =>
    Object.entries(k)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ');
  return (
    `http /ask (1x, ${stage}, signed requests → node:http → handler): ` +
    `${r.closed.per_second}/s with ${r.closed.in_flight} in flight (p50 ${r.closed.p50_ms} ms, p99 ${r.closed.p99_ms} ms${shed(r.closed)}); ` +
    `open-loop at ${r.open.rate}/s: p50 ${r.open.p50_ms} ms, p99 ${r.open.p99_ms} ms, max ${r.open.max_ms} ms over ${r.open.n} (${kinds(r.open.kinds)}${shed(r.open)})`
  );
}

/** What `npm run bench` records: the semantic stage as shipped, and the lexical ranking alone. */
export interface HttpRows {
  semantic: HttpRealResult | null;
  lexical: HttpRealResult | null;
}

const USAGE = `usage: npx tsx bench/http-real.ts [--semantic on|off|both] [--requests N] [--seconds N]
         [--semantic-requests N] [--semantic-seconds N] [--in-flight N] [--rate N] [--out FILE]`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      // Lexical by default: with the semantic stage the row takes minutes (see the top of this file).
      semantic: { type: 'string', default: 'off' },
      requests: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '10' },
      // The semantic stage answers about 80 questions a second on one core: fewer, so the row stays short.
      'semantic-requests': { type: 'string', default: '600' },
      'semantic-seconds': { type: 'string', default: '10' },
      'in-flight': { type: 'string', default: '50' },
      rate: { type: 'string', default: '200' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const ints = ['requests', 'seconds', 'semantic-requests', 'semantic-seconds', 'in-flight', 'rate'] as const;
  const n = Object.fromEntries(ints.map((k) => [k, Number(values[k])])) as Record<
    (typeof ints)[number],
    number
  >;
  if (
    ints.some((k) => !(Number.isInteger(n[k]) && n[k] > 0)) ||
    !['on', 'off', 'both'].includes(values.semantic)
  ) {
    console.error(USAGE);
    return 2;
  }
  const common = { inFlight: n['in-flight'], rate: n.rate };
  const rows: HttpRows = { semantic: null, lexical: null };
  if (values.semantic !== 'off') {
    rows.semantic = await runHttpReal({
      ...common,
      requests: n['semantic-requests'],
      seconds: n['semantic-seconds'],
      semantic: true,
    });
    console.log(formatHttpRow(rows.semantic));
  }
  if (values.semantic !== 'on') {
    rows.lexical = await runHttpReal({
      ...common,
      requests: n.requests,
      seconds: n.seconds,
      semantic: false,
    });
    console.log(formatHttpRow(rows.lexical));
  }
  if (values.out) await writeFile(values.out, `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === THIS_FILE) {
  process.exitCode = await main(process.argv.slice(2));
}
