/**
 * npx tsx bench/teaching.ts [--picks N] [--rounds R] [--out FILE]   (also a row of `npm run bench`)
 *
 * The cost of what was taught on the answer path, at 1x (the bundled corpus, the semantic stage
 * on): the labelled questions of both splits answered R times without teaching and with N taught
 * questions (default 10,000), interleaved so both see the same machine. The taught questions are
 * made like real ones: their words drawn from the passages (so their terms meet the questions'
 * terms as real ones would), their vectors near real question vectors (a real question's vector
 * plus noise), each linked to a passage. Also: how long the teaching takes to build, and to load
 * N picks from an SQLite store.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { type TaughtQuestion, TeachingIndex } from '../src/core/teaching.js';
import { embedIndex } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { parseQuestionSet } from '../src/eval/questions.js';
import { anchorOf } from '../src/learning/anchor.js';
import { loadUseLite } from '../src/semantic/embedder.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { summarize } from './peers.js';
import { formatTeachingRow, type TeachingBench } from './teaching-row.js';
import { mulberry32 } from './generate.js';

const { values } = parseArgs({
  options: {
    picks: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    out: { type: 'string' },
  },
});
const N = Number(values.picks);
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(N) || N < 1)
  throw new Error(`--picks must be a positive whole number; got ${values.picks}`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error(`--rounds must be a positive whole number; got ${values.rounds}`);

const root = path.resolve(import.meta.dirname, '..');
const at = (rel: string) => path.join(root, rel);
const questions: string[] = [];
for (const rel of ['test/eval/questions.json', 'test/eval/test-split.json']) {
  const set = parseQuestionSet(JSON.parse(await readFile(at(rel), 'utf8')), rel);
  questions.push(...set.questions.map((q) => q.q));
}
const embedder = await loadUseLite();
const index = await embedIndex(CorpusIndex.build((await loadCorpus(at('corpus'))).sources), embedder);
const vectors = await embedder.embed(questions);

const rand = mulberry32(13);
const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const words = index.passages.flatMap((p) => p.text.split(/\s+/u).filter((w) => /^[a-z]{3,}$/iu.test(w)));
const near = (v: Float32Array): Float32Array => {
  const out = Float32Array.from(v, (x) => x + (rand() - 0.5) * 0.08);
  const norm = Math.hypot(...out);
  return out.map((x) => x / norm);
};
const taught: TaughtQuestion[] = Array.from({ length: N }, (_, i) => {
  const question = Array.from({ length: 5 + Math.floor(rand() * 6) }, () => pickOf(words)).join(' ');
  return {
    pickIds: [i + 1],
    question,
    terms: index.analyze(question),
    vector: near(pickOf(vectors)),
    verdict: rand() < 0.9 ? 'answer' : 'none',
    passageIds: [pickOf(index.passages).id],
    weight: 1,
    moderator: true,
  };
});

let t = performance.now();
const teaching = new TeachingIndex(index, taught);
const buildMs = performance.now() - t;

// Loading N picks back from a real store (what a start or a change costs).
const dir = await mkdtemp(path.join(tmpdir(), 'citebot-bench-teaching-'));
const store = await openSqliteStore(dir);
for (const q of taught) {
  const passage = index.passages[q.passageIds[0] as number];
  if (!passage) continue;
  await store.addPick({
    question: q.question,
    verdict: q.verdict,
    anchors: [anchorOf(passage)],
    byUser: 'bench',
    byRole: 'moderator',
    source: 'bench',
  });
}
t = performance.now();
const loaded = await store.activePicks();
const loadMs = performance.now() - t;
await store.close();
await rm(dir, { recursive: true, force: true });

const without: number[] = [];
const withTeaching: number[] = [];
let moved = 0;
for (let round = 0; round < ROUNDS + 1; round++) {
  questions.forEach((q, k) => {
    const queryVector = vectors[k] as Float32Array;
    const a0 = performance.now();
    answerQuestion(index, q, { queryVector });
    const a1 = performance.now();
    const answer = answerQuestion(index, q, { queryVector, teaching });
    const a2 = performance.now();
    // Round 0 warms the JIT and the caches; it is not counted.
    if (round === 0) return;
    without.push(a1 - a0);
    withTeaching.push(a2 - a1);
    if (round === 1 && answer.learned?.moves.length) moved++;
  });
}
const result: TeachingBench = {
  picks: N,
  questions: questions.length,
  rounds: ROUNDS,
  without: summarize(without),
  with: summarize(withTeaching),
  moved,
  build_ms: Math.round(buildMs),
  store_read_ms: Math.round(loadMs),
  store_rows: loaded.length,
};
if (values.out) await writeFile(values.out, JSON.stringify(result));
console.log(formatTeachingRow(result));
