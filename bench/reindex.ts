/**
 * Answers during a re-index of a large corpus: how long the answers asked meanwhile wait. The
 * corpus (bench/generate.ts, 1000x by default: about 48,000 passages) is indexed and its vectors
 * made, then one article changes and the folder is re-indexed. While that runs (the build, the
 * swap, re-embedding the changed texts and saving the vector cache), a question is due every
 * `--every` ms (open loop) and answered lexically from the serving snapshot; each answer is timed
 * from its due time, so time the event loop was held counts. Also printed: the event loop's
 * longest holds, and the process's peak resident memory. Passage vectors here are hashed words
 * (bench/hash-vector.ts, not the model), so the model's time is not in these figures; the work
 * around it is.
 *
 *   npx tsx bench/reindex.ts [--scale 1000] [--every 20]
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../src/core/answer.js';
import { Library } from '../src/corpus/library.js';
import { generateCorpus, generateQuestions } from './generate.js';
import { hashVector } from './hash-vector.js';
import { readSourceTexts, writeCorpus } from './write-corpus.js';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1000' }, every: { type: 'string', default: '20' } },
});
const scale = Number(values.scale);
const every = Number(values.every);
if (!(scale > 0) || !(every > 0)) throw new Error(`--scale and --every must be positive numbers`);

const root = await mkdtemp(path.join(os.tmpdir(), 'citebot-reindex-'));
try {
  const dir = path.join(root, 'corpus');
  const generated = generateCorpus({ scale, sourceTexts: await readSourceTexts() });
  await writeCorpus(dir, generated.files);
  const questions = generateQuestions({ files: generated.files, count: 500 }).map((q) => q.q);
  const embedder = {
    model: 'hashed-words-512',
    embed: (batch: string[]) => Promise.resolve(batch.map((t) => hashVector(t))),
  };
  const lib = new Library({ dir, cacheDir: path.join(root, 'cache'), embedder });
  let t = performance.now();
  await lib.reindex();
  await lib.whenSemanticReady();
  const passages = lib.index.passages.length;
  console.log(
    `${scale}x: ${passages} passages indexed and embedded in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const changed = generated.files[3];
  if (!changed) throw new Error('the generated corpus has fewer than 4 files');
  await appendFile(
    path.join(dir, ...changed.name.split('/')),
    '\n\nOne more paragraph, so the article changed.\n',
  );

  // The event loop's holds: a 5 ms timer that fires late was held for the difference.
  const holds: number[] = [];
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    if (now - last > 25) holds.push(now - last);
    last = now;
  }, 5);
  // The process's resident memory (the build thread's included), every 100 ms.
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  // Answers due every `every` ms, each timed from its due time.
  const waits: number[] = [];
  let running = true;
  const t0 = performance.now();
  const asking = (async () => {
    for (let i = 0; running; i++) {
      const due = t0 + i * every;
      const now = performance.now();
      if (due > now) await new Promise((r) => setTimeout(r, due - now));
      answerQuestion(lib.index, questions[i % questions.length] as string);
      waits.push(performance.now() - due);
    }
  })();
  t = performance.now();
  const report = await lib.reindex();
  const lexicalMs = performance.now() - t;
  await lib.whenSemanticReady();
  const semanticMs = performance.now() - t;
  running = false;
  await asking;
  clearInterval(probe);
  clearInterval(sampler);
  if (!report.ok) throw new Error(`the re-index failed: ${report.error}`);

  waits.sort((a, b) => a - b);
  holds.sort((a, b) => b - a);
  const at = (q: number) => (waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] ?? 0).toFixed(0);
  console.log(
    `re-index after one article changed: new snapshot serving after ${lexicalMs.toFixed(0)} ms (and saved), vectors on after ${semanticMs.toFixed(0)} ms`,
  );
  console.log(
    `answers meanwhile (one due every ${every} ms): ${waits.length}, wait from due time p50 ${at(0.5)} / p99 ${at(0.99)} / max ${(waits.at(-1) ?? 0).toFixed(0)} ms`,
  );
  console.log(
    `event loop held over 25 ms: ${holds.length} times, longest ${holds
      .slice(0, 5)
      .map((h) => h.toFixed(0))
      .join(', ')} ms`,
  );
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log(
    `resident memory: ${mb(rssBefore)} MB before the re-index, at most ${mb(rssPeak)} MB during it`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
