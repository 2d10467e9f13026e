// The store's cost per answer: recordAnswer + logQuestion (what every answer writes), on SQLite (a
// file in a temp folder, WAL) and on PostgreSQL (DATABASE_URL when set, else a throw-away cluster
// of the test harness, with fsync on and then off). Prints p50/p99/mean per answer over CALLS answers
// (after WARMUP), sequentially, and the throughput of 8 at once.
//   npx tsx bench/store.ts [calls]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../src/store/corpus-types.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { AnswerRecord } from '../src/store/types.js';
import { startPostgres } from '../test/harness/postgres.js';

const CALLS = Number(process.argv[2] ?? 500);
const WARMUP = 50;
const CONCURRENT = 8;

/** An answer as the bot records it: five candidates of ordinary size. */
function answerOf(id: string, at: number): AnswerRecord {
  const candidates = Array.from({ length: 5 }, (_, i) => ({
    file: `guide/page-${i}.md`,
    hash: (i + 1).toString(16).padStart(16, '0'),
    text: 'A passage of about the length citebot quotes, with a sentence or two of text in it. '.repeat(3),
    label: `Guide › Section ${i}`,
  }));
  return {
    id,
    question: 'How do I change the port the server listens on?',
    askerId: '123456789012345678',
    private: false,
    answered: true,
    candidates,
    shown: 3,
    surface: 'discord',
    createdAt: at,
  };
}

/** What one answer writes. */
async function perAnswer(store: Store, n: number): Promise<void> {
  const at = Date.now();
  await store.recordAnswer(answerOf(`b${n}`, at));
  await store.logQuestion({
    at,
    question: 'How do I change the port the server listens on?',
    answered: true,
    surface: 'discord',
    answerId: `b${n}`,
    quoted: [{ file: 'guide/page-0.md', section: 'Guide › Section 0' }],
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(name: string, store: Store): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await perAnswer(store, -1 - i);
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await perAnswer(store, i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const t = performance.now();
  let next = CALLS;
  await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      while (next < 2 * CALLS) await perAnswer(store, next++);
    }),
  );
  const perSecond = CALLS / ((performance.now() - t) / 1000);
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(
    `${name.padEnd(34)} p50 ${ms(percentile(times, 50))}  p99 ${ms(percentile(times, 99))}  mean ${ms(mean)}  ` +
      `${CONCURRENT} at once: ${perSecond.toFixed(0)} answers/s`,
  );
}

const folder = mkdtempSync(join(tmpdir(), 'citebot-bench-store-'));
try {
  const sqlite = await openSqliteStore(folder);
  await measure('SQLite (file, WAL)', sqlite);
  await sqlite.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const given = process.env.DATABASE_URL;
if (given !== undefined && given !== '') {
  const store = await openPostgresStore(given);
  await measure(store.description, store);
  await store.close();
} else {
  // Durable (each commit flushed, as a real server) and not (what is left: the round trips).
  for (const durable of [true, false]) {
    const cluster = await startPostgres({ durable });
    if ('skipped' in cluster) {
      console.log(`PostgreSQL: skipped, ${cluster.skipped}`);
      break;
    }
    try {
      const store = await openPostgresStore(await cluster.createDatabase());
      await measure(`PostgreSQL (local TCP, fsync ${durable ? 'on' : 'off'})`, store);
      await store.close();
    } finally {
      await cluster.stop();
    }
  }
}
