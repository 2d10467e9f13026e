/** The teaching row of `npm run bench` (bench/teaching.ts measures it in a process of its own). */
import type { LatencySummary } from './peers.js';

/** What bench/teaching.ts measured. */
export interface TeachingBench {
  picks: number;
  questions: number;
  rounds: number;
  without: LatencySummary;
  with: LatencySummary;
  /** Answers of the first counted round that a taught question moved. */
  moved: number;
  build_ms: number;
  store_read_ms: number;
  store_rows: number;
}

/** The target: an answer's p99 with the taught questions at most 5 ms above it without them. */
export const TEACHING_P99_BUDGET_MS = 5;

export function formatTeachingRow(r: TeachingBench): string {
  const ok = r.with.p99_ms <= r.without.p99_ms + TEACHING_P99_BUDGET_MS;
  return [
    `teaching (1x, semantic, ${r.picks.toLocaleString('en-US')} taught questions; ${r.questions} questions × ${r.rounds} rounds):`,
    `  without: p50 ${r.without.p50_ms} ms, p99 ${r.without.p99_ms} ms`,
    `  with:    p50 ${r.with.p50_ms} ms, p99 ${r.with.p99_ms} ms (${ok ? '✔' : '✘'} target p99 ≤ without + ${TEACHING_P99_BUDGET_MS} ms); ${r.moved} of ${r.questions} answers moved by a taught question`,
    `  teaching built in ${r.build_ms} ms; ${r.store_rows.toLocaleString('en-US')} picks read from SQLite in ${r.store_read_ms} ms`,
  ].join('\n');
}
