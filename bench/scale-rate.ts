/**
 * Open-loop load for the scale benchmark: signed /ask interactions sent at a fixed rate whatever
 * the replies do, each timed from when it was due (a late send counts against the latency, so a
 * saturated fleet cannot hide its queue). `findRate` steps the rate up until p99 passes a bound:
 * the most interactions/s a configuration serves at that p99 (see `findRate` for how noise is met).
 */
import { Agent } from 'node:http';
import { sendSigned } from '../test/harness/fleet.js';
import { type keyPair, slashCommand, user } from '../test/harness/index.js';
import { round, summarize } from './peers.js';

/** Where the load goes and what it asks. */
export interface RateTarget {
  port: number;
  keys: ReturnType<typeof keyPair>;
  questions: string[];
}

/** One rate's figures. */
export interface RateStep {
  rate: number;
  answered: number;
  failed: number;
  p50_ms: number;
  p99_ms: number;
}

/** Most requests in flight at once; past it a due request counts as failed (the fleet is swamped). */
const MAX_IN_FLIGHT = 256;

/** Sends `rate` interactions/s for `seconds`; latency from each request's due time. */
export async function atRate(target: RateTarget, rate: number, seconds: number): Promise<RateStep> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const times: number[] = [];
  let failed = 0;
  let inFlight = 0;
  let sent = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      // Request i is due at i / rate seconds: the first at once.
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const dueAt = start + (sent / rate) * 1000;
        if (inFlight >= MAX_IN_FLIGHT) {
          failed++;
          continue;
        }
        inFlight++;
        const question = target.questions[sent % target.questions.length] ?? 'What is nanoGPT?';
        const payload = slashCommand({ name: 'ask', options: { question }, user: user() });
        pending.push(
          sendSigned(target.port, target.keys.privateKey, payload, agent)
            .then(
              (r) => {
                if (r.status === 200 && r.body?.type === 4) times.push(performance.now() - dueAt);
                else failed++;
              },
              () => {
                failed++;
              },
            )
            .finally(() => {
              inFlight--;
            }),
        );
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  await Promise.all(pending);
  agent.destroy();
  const s = summarize(times);
  return { rate, answered: times.length, failed, p50_ms: round(s.p50_ms, 1), p99_ms: round(s.p99_ms, 1) };
}

/**
 * Steps the rate up from `from` by `factor` while p99 ≤ `p99Ms` and nothing fails; returns every
 * step and the best rate that held (0 when even the first did not). It starts with 2 s at `from`
 * that are not counted (what ran before settles), and a rate that misses is tried once more before
 * the search stops: on a shared machine one pause of another process decides a p99 of a few
 * hundred requests.
 */
export async function findRate(
  target: RateTarget,
  options: { from: number; factor: number; seconds: number; p99Ms: number; onStep?: (s: RateStep) => void },
): Promise<{ best: number; steps: RateStep[] }> {
  const steps: RateStep[] = [];
  let best = 0;
  await atRate(target, options.from, 2);
  const held = (step: RateStep) => step.failed === 0 && step.p99_ms <= options.p99Ms;
  for (let rate = options.from; rate < 10_000; rate = Math.round(rate * options.factor)) {
    let step = await atRate(target, rate, options.seconds);
    steps.push(step);
    options.onStep?.(step);
    if (!held(step)) {
      step = await atRate(target, rate, options.seconds);
      steps.push(step);
      options.onStep?.(step);
      if (!held(step)) break;
    }
    best = rate;
  }
  return { best, steps };
}
