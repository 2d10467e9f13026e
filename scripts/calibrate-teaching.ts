/**
 * npx tsx scripts/calibrate-teaching.ts [--lexical]
 *
 * Chooses the teaching settings (core/teaching.ts TEACHING) on the DEV pairs of the feedback pair
 * set only (test/eval/teach.jsonl taught, the dev items of test/eval/rewordings.json asked, the dev
 * question set test/eval/questions.json as the untaught questions), then reports the chosen
 * settings' figures on the test split once. Two modes: with the semantic stage (question vectors
 * from USE-lite: the `vectors` thresholds and the vector weight) and lexical only (`--lexical`
 * skips it; the `terms` thresholds, chosen with answers made without vectors).
 *
 * The rule: among settings that keep the untaught questions as they were (answerable Hit@3 and
 * paraphrase Hit@1 at most 0.02 lower, at most 0.02 more answerable questions declined, at most
 * 0.02 fewer unanswerable ones), the highest dev score (rewordings' Hit@1 + Hit@3 + share of
 * `none` rewordings declined); then the best untaught questions (Hit@3 + paraphrase Hit@1: they
 * too are worded apart from the taught lines). Where the dev figures do not tell thresholds apart,
 * the middle of that plateau is taken.
 * Vectors are cached in .cache/ by model and text.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { parseArgs } from 'node:util';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { knownUnitTexts } from '../src/core/passage-units.js';
import { TEACHING, type TeachingSettings } from '../src/core/teaching.js';
import { embedIndex } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { parseQuestionSet } from '../src/eval/questions.js';
import { measureTeachingWith, type SplitTeaching, type TeachingFigures } from '../src/eval/teach.js';
import { loadUseLite, USE_LITE } from '../src/semantic/embedder.js';
import { loadPairSet } from './lib/teach-data.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({ options: { lexical: { type: 'boolean', default: false } } });
const at = (rel: string) => path.join(root, rel);
const cacheFile = at(`.cache/teach-vectors-${USE_LITE.replace(/[^\w.-]/gu, '_')}.v8`);

const setOf = async (rel: string) => parseQuestionSet(JSON.parse(await readFile(at(rel), 'utf8')), rel);
const untaught = {
  dev: await setOf('test/eval/questions.json'),
  test: await setOf('test/eval/test-split.json'),
};
const { sources } = await loadCorpus(at('corpus'));
let index = CorpusIndex.build(sources);
const known = new Map<string, Float32Array>(
  existsSync(cacheFile) ? (v8.deserialize(await readFile(cacheFile)) as [string, Float32Array][]) : [],
);
const pairs0 = await loadPairSet(index, at('test/eval/teach.jsonl'), at('test/eval/rewordings.json'));
let vectors: Map<string, Float32Array> | undefined;
if (!values.lexical) {
  const embedder = await loadUseLite();
  index = await embedIndex(index, embedder, known);
  const texts = [
    ...new Set(
      [
        ...pairs0.taught.map((t) => t.question),
        ...pairs0.rewordings.map((r) => r.question),
        ...untaught.dev.questions.map((q) => q.q),
        ...untaught.test.questions.map((q) => q.q),
      ].map((t) => t.trim()),
    ),
  ];
  const missing = texts.filter((t) => !known.has(t));
  const made = await embedder.embed(missing);
  missing.forEach((t, i) => known.set(t, made[i] as Float32Array));
  vectors = new Map(texts.map((t) => [t, known.get(t) as Float32Array]));
  // Passage unit texts too (embedIndex looked them up in `known`; keep what it made).
  const units = index.vectors?.units;
  if (units) {
    for (const [t, v] of knownUnitTexts(index.passages, units)) known.set(t, v.slice());
  }
  await mkdir(path.dirname(cacheFile), { recursive: true });
  await writeFile(cacheFile, v8.serialize([...known]));
}
// Resolve again in the snapshot that answers (the same passages: ids do not change with vectors).
const { taught, rewordings } = await loadPairSet(
  index,
  at('test/eval/teach.jsonl'),
  at('test/eval/rewordings.json'),
);
const m = { index, taught, rewordings, untaught };
const mode = vectors ? 'vectors' : 'terms';

const f2 = (x: number) => x.toFixed(2);
function line(s: SplitTeaching): string {
  const u = s.untaught;
  return [
    `rewordings Hit@1 ${f2(s.answer.before.hit1)}→${f2(s.answer.after.hit1)}`,
    `Hit@3 ${f2(s.answer.before.hit3)}→${f2(s.answer.after.hit3)}`,
    `declined ${f2(s.answer.before.declined)}→${f2(s.answer.after.declined)} (n ${s.answer.n})`,
    `none declined ${f2(s.none.before)}→${f2(s.none.after)} (n ${s.none.n})`,
    u
      ? `untaught Hit@3 ${f2(u.without.hit3)}→${f2(u.with.hit3)}, paraphrase Hit@1 ${f2(u.without.paraphrase1)}→${f2(u.with.paraphrase1)}, unanswerable declined ${f2(u.without.unanswerableDeclined)}→${f2(u.with.unanswerableDeclined)}, answerable declined ${f2(u.without.wronglyDeclined)}→${f2(u.with.wronglyDeclined)}`
      : '',
  ].join('; ');
}

function keeps(s: SplitTeaching): boolean {
  const u = s.untaught;
  if (!u) return true;
  const e = 0.02 + 1e-9;
  return (
    u.with.hit3 >= u.without.hit3 - e &&
    u.with.paraphrase1 >= u.without.paraphrase1 - e &&
    u.with.wronglyDeclined <= u.without.wronglyDeclined + e &&
    u.with.unanswerableDeclined >= u.without.unanswerableDeclined - e
  );
}
const score = (s: SplitTeaching) => s.answer.after.hit1 + s.answer.after.hit3 + s.none.after;
const untaughtScore = (s: SplitTeaching) =>
  s.untaught ? s.untaught.with.hit3 + s.untaught.with.paraphrase1 : 0;

const baseline: TeachingFigures = measureTeachingWith(m, vectors, { splits: ['dev'] });
console.log(`Corpus: ${index.stats.passages} passages; ${taught.length} taught lines; mode: ${mode}`);
const results: { settings: Partial<TeachingSettings>; figures: SplitTeaching }[] = [];
// Lexical only: the lift stays as chosen with the semantic stage (the default); only the `terms`
// thresholds are chosen.
const weights = vectors ? [0.4, 0.5, 0.6, 0.7] : [TEACHING.vectorWeight];
const mins = vectors ? [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7] : [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const declines = [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
// Lifts from 1: below it a moderator's same question asked again would not put its passage first.
const lifts = vectors ? [1, 2, 3, 5, 8] : [TEACHING.lift];
for (const vectorWeight of weights)
  for (const min of mins)
    for (const decline of declines)
      for (const lift of lifts) {
        const settings: Partial<TeachingSettings> = {
          vectorWeight,
          minSimilarity: { ...TEACHING.minSimilarity, [mode]: min },
          declineSimilarity: { ...TEACHING.declineSimilarity, [mode]: decline },
          lift,
        };
        const figures = measureTeachingWith({ ...m, settings }, vectors, { splits: ['dev'], baseline }).dev;
        results.push({ settings, figures });
      }
const minOf = (r: (typeof results)[number]) => r.settings.minSimilarity?.[mode] ?? 0;
const declineOf = (r: (typeof results)[number]) => r.settings.declineSimilarity?.[mode] ?? 0;
const ranked = results
  .filter((r) => keeps(r.figures))
  .sort(
    (a, b) =>
      score(b.figures) - score(a.figures) ||
      untaughtScore(b.figures) - untaughtScore(a.figures) ||
      minOf(b) + declineOf(b) - (minOf(a) + declineOf(a)) ||
      (a.settings.lift ?? 0) - (b.settings.lift ?? 0),
  );
/**
 * Where the dev figures do not tell thresholds apart (the same scores, weight and lift), the middle
 * (the lower middle of an even count) of the unbroken run of tried values holding the best one:
 * first the move threshold, then the decline threshold at it.
 */
function middleOfPlateau(best: (typeof results)[number]): (typeof results)[number] {
  const same = (r: (typeof results)[number]) =>
    Math.abs(score(r.figures) - score(best.figures)) < 1e-9 &&
    Math.abs(untaughtScore(r.figures) - untaughtScore(best.figures)) < 1e-9 &&
    r.settings.vectorWeight === best.settings.vectorWeight &&
    r.settings.lift === best.settings.lift;
  const tied = ranked.filter(same);
  const middle = (grid: number[], values: number[], at: number) => {
    let lo = grid.indexOf(at);
    let hi = lo;
    while (lo > 0 && values.includes(grid[lo - 1] as number)) lo--;
    while (hi < grid.length - 1 && values.includes(grid[hi + 1] as number)) hi++;
    return grid[lo + Math.floor((hi - lo) / 2)] as number;
  };
  const min = middle(mins, tied.map(minOf), minOf(best));
  const atMin = tied.filter((r) => minOf(r) === min);
  const decline = middle(declines, atMin.map(declineOf), declineOf(atMin[0] ?? best));
  return atMin.find((r) => declineOf(r) === decline) ?? best;
}
console.log(`dev, no teaching: ${line(baseline.dev)}`);
console.log(`${results.length} settings tried, ${ranked.length} keep the untaught questions; the best:`);
for (const r of ranked.slice(0, 8))
  console.log(`  ${JSON.stringify(r.settings)}\n    dev: ${line(r.figures)}`);
const unconstrained = [...results].sort((a, b) => score(b.figures) - score(a.figures)).slice(0, 3);
console.log('the best on the rewordings alone (untaught questions ignored):');
for (const r of unconstrained) console.log(`  ${JSON.stringify(r.settings)}\n    dev: ${line(r.figures)}`);
const chosen = ranked[0] ? middleOfPlateau(ranked[0]) : undefined;
if (chosen) console.log(`chosen (the middle of its plateau):\n  dev: ${line(chosen.figures)}`);
if (chosen) {
  const test = measureTeachingWith({ ...m, settings: chosen.settings }, vectors, { splits: ['test'] }).test;
  console.log(`chosen: ${JSON.stringify(chosen.settings)}\n  test: ${line(test)}`);
}
