/**
 * The metrics, counted by the real handler over the bundled corpus (an answered /ask, a declined one, a
 * refused one), the work queue read at scrape time, a real store's failures through the store watch,
 * and the exposition text checked line by line as Prometheus' text format.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/ops/metrics.js';
import { watchStore } from '../../src/ops/store-watch.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { slashCommand, user } from '../harness/index.js';
import { described, type Handling, makeHandler } from '../interactions/setup.js';

/** One sample line: a metric name, optional labels, a value (and no timestamp); NaN in any case, as Go parses it. */
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|[+-]Inf|[Nn][Aa][Nn]))$/u;

/** The exposition text as `name{labels}` → value; throws on a line that is neither a sample nor a comment. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

async function scrape(metrics: Metrics): Promise<Map<string, number>> {
  const { contentType, text } = await metrics.text();
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/u);
  return parse(text);
}

const ask = (question: string, u = user()) => slashCommand({ name: 'ask', options: { question }, user: u });

describe('metrics', () => {
  let h: Handling;
  let metrics: Metrics;
  beforeAll(async () => {
    metrics = new Metrics();
    h = await makeHandler({ COOLDOWN_QUESTIONS: '1' }, { metrics });
  });

  it('count interactions by type and outcome, the answers in the histogram, the declines', async () => {
    const answered = await h.send(ask('open-source AI communities'));
    expect(described(answered.only())).not.toBe('');
    await h.send(ask('zqxv wibblefrotz plonk gnarf'));
    const u = user();
    await h.send(ask('open-source AI communities', u));
    // The same user again, over the cooldown of one question.
    const refused = await h.send(ask('open-source AI communities', u));
    expect(JSON.stringify(refused.only())).toMatch(/asking quickly/u);
    await h.send(slashCommand({ name: 'help', user: user() }));
    const s = await scrape(metrics);
    expect(s.get('citebot_interactions_total{type="command",outcome="answered"}')).toBe(2);
    expect(s.get('citebot_interactions_total{type="command",outcome="declined"}')).toBe(1);
    expect(s.get('citebot_interactions_total{type="command",outcome="refused"}')).toBe(1);
    expect(s.get('citebot_interactions_total{type="command",outcome="ok"}')).toBe(1);
    expect(s.get('citebot_declines_total')).toBe(1);
    expect(s.get('citebot_answer_seconds_count')).toBe(3);
    expect(s.get('citebot_answer_seconds_bucket{le="3"}')).toBe(3);
    expect(s.get('citebot_answer_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(s.get('citebot_answer_seconds_sum')).toBeGreaterThan(0);
    // The start-up re-index, and the snapshot it swapped in.
    expect(s.get('citebot_reindex_total{result="ok"}')).toBe(1);
    expect(s.get('citebot_reindex_seconds_count')).toBe(1);
    expect(s.get('citebot_snapshot_revision')).toBe(1);
    expect(s.get('citebot_snapshot_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(s.get('citebot_embedding_coverage')).toBe(0);
    // prom-client's process metrics, on the same registry.
    expect(s.has('process_cpu_user_seconds_total')).toBe(true);
    expect(s.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('read the work queue at scrape time', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slots = h.rt.queue.concurrency;
    const jobs = Array.from({ length: slots + 2 }, () => h.rt.queue.add(() => held));
    let s = await scrape(metrics);
    expect(s.get('citebot_queue_running')).toBe(slots);
    expect(s.get('citebot_queue_depth')).toBe(2);
    release();
    await Promise.all(jobs);
    s = await scrape(metrics);
    expect(s.get('citebot_queue_running')).toBe(0);
    expect(s.get('citebot_queue_depth')).toBe(0);
  });

  it('count a real store’s failed calls by operation, failing them as before', async () => {
    const m = new Metrics();
    const store = watchStore(await openSqliteStore(':memory:'), (op) => m.storeError(op));
    expect(await store.revision()).toBeTypeOf('number');
    await store.close();
    await expect(store.revision()).rejects.toThrow(/SQLite in memory/u);
    await expect(store.getAnswer('x')).rejects.toThrow();
    await expect(store.revision()).rejects.toThrow();
    const s = await scrape(m);
    expect(s.get('citebot_store_errors_total{operation="revision"}')).toBe(2);
    expect(s.get('citebot_store_errors_total{operation="getAnswer"}')).toBe(1);
    expect(store.description).toBe('SQLite in memory');
  });

  it('keep each instance’s own registry: two in one process count apart', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.interaction('button', 'ok', 0.01);
    a.reindexed({ ok: false, ms: 20 });
    const [sa, sb] = [await scrape(a), await scrape(b)];
    expect(sa.get('citebot_interactions_total{type="button",outcome="ok"}')).toBe(1);
    expect(sb.has('citebot_interactions_total{type="button",outcome="ok"}')).toBe(false);
    expect(sa.get('citebot_reindex_total{result="failed"}')).toBe(1);
    // Nothing watched: the levels read 0.
    expect(sb.get('citebot_queue_depth')).toBe(0);
    expect(sb.get('citebot_snapshot_revision')).toBe(0);
  });
});
