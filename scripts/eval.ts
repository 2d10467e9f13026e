/**
 * npm run eval                          the labelled question sets over the corpus folder, side by side:
 *                                       the dev split (test/eval/questions.json), the test split
 *                                       (test/eval/test-split.json) and the third split, written blind
 *                                       (test/eval/third-split.json)
 * npm run eval -- --split dev|test|third|both|all
 *                                       one split, dev and test (both), or all three (the default)
 * npm run eval -- --misses              … and list the misses
 * npm run eval -- --cranfield [DIR]     Cranfield-1400 (default ../shared/cranfield), with Lunr beside it
 * npm run eval -- --cranfield --prepare only embeds (and caches) the Cranfield texts
 * npm run eval -- --questions FILE --corpus DIR
 * npm run eval -- --store               … with the articles and picks of the store every entry point
 *                                       uses (DATABASE_URL, else DATA_DIR): what the deployment answers
 * npm run eval -- --teach FILE [--rewordings FILE]
 *                                       learning: FILE's picks imported into a temporary store, then the
 *                                       pair set's second wordings (default test/eval/rewordings.json)
 *                                       and both splits with and without them (scripts/lib/eval-teach.ts)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import v8 from 'node:v8';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion, DEFAULT_RESULTS, SEMANTIC, type SemanticSettings } from '../src/core/answer.js';
import { CorpusIndex, PRF_SETTINGS, type RankingOptions } from '../src/core/corpus-index.js';
import type { TeachingIndex } from '../src/core/teaching.js';
import { passageVectorsOf, planUnits, type UnitPlan, unitVectors } from '../src/core/passage-units.js';
import { embedIndex } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import {
  type Cranfield,
  countRelevant,
  docAsArticle,
  parseCranfield,
  rankAll,
  type RankingFigures,
  scoreRankings,
} from '../src/eval/cranfield.js';
import {
  evaluateQuestions,
  parseQuestionSet,
  renderSummaries,
  type SplitSummary,
  summarize,
} from '../src/eval/questions.js';
import { evaluateAnswerTypes, parseAnswerTypeSet, renderAnswerTypes } from '../src/eval/answer-types.js';
import { embedPassages, loadUseLite, USE_LITE } from '../src/semantic/embedder.js';
import { openEvalStore, sourcesWithStore, storeTeaching } from './lib/eval-store.js';
import { evalTeach } from './lib/eval-teach.js';
import { buildLunr } from './lib/peers.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DEFAULT_CRANFIELD = path.resolve(root, '../shared/cranfield');
const DEFAULT_CORPUS = path.join(root, 'corpus');
const ANSWER_TYPE_DEV = path.join(root, 'test/eval/answer-type-dev.json');

// `--cranfield` may come without a folder.
const argv = process.argv.slice(2);
const ci = argv.indexOf('--cranfield');
if (ci >= 0 && (argv[ci + 1] === undefined || argv[ci + 1]?.startsWith('--')))
  argv.splice(ci + 1, 0, DEFAULT_CRANFIELD);

const { values } = parseArgs({
  args: argv,
  options: {
    questions: { type: 'string' },
    split: { type: 'string', default: 'all' },
    corpus: { type: 'string', default: DEFAULT_CORPUS },
    misses: { type: 'boolean', default: false },
    cranfield: { type: 'string' },
    lexical: { type: 'boolean', default: false },
    prepare: { type: 'boolean', default: false },
    teach: { type: 'string' },
    store: { type: 'boolean', default: false },
    rewordings: { type: 'string', default: path.join(root, 'test/eval/rewordings.json') },
  },
});

const f3 = (x: number) => x.toFixed(3);

const SPLITS = {
  dev: path.join(root, 'test/eval/questions.json'),
  test: path.join(root, 'test/eval/test-split.json'),
  third: path.join(root, 'test/eval/third-split.json'),
} as const;

async function questionSets(): Promise<void> {
  const split = values.split;
  const groups: Record<string, (keyof typeof SPLITS)[]> = {
    dev: ['dev'],
    test: ['test'],
    third: ['third'],
    both: ['dev', 'test'],
    all: ['dev', 'test', 'third'],
  };
  const chosen = split === undefined ? undefined : groups[split];
  if (!chosen) {
    console.error(`--split must be ${Object.keys(groups).join(', ')} (not ${JSON.stringify(split)})`);
    process.exitCode = 2;
    return;
  }
  // --questions FILE evaluates that one file (as the dev column).
  const files: [string, string][] = values.questions
    ? [['questions', values.questions]]
    : chosen.map((name) => [name, SPLITS[name]]);
  const sets = await Promise.all(
    files.map(
      async ([name, file]) =>
        [name, parseQuestionSet(JSON.parse(await readFile(file, 'utf8')), file)] as const,
    ),
  );
  // The answer-type development set goes with the bundled corpus (not with --questions or --corpus).
  const typeSet =
    values.questions || values.corpus !== DEFAULT_CORPUS
      ? undefined
      : parseAnswerTypeSet(JSON.parse(await readFile(ANSWER_TYPE_DEV, 'utf8')), ANSWER_TYPE_DEV);
  const loaded = await loadCorpus(values.corpus);
  const opened = values.store ? await openEvalStore() : undefined;
  let index = CorpusIndex.build(
    opened ? await sourcesWithStore(opened.store, loaded.sources) : loaded.sources,
  );
  let vectors: Map<string, Float32Array> | undefined;
  let stage = 'lexical only';
  let embedder: Awaited<ReturnType<typeof loadUseLite>> | undefined;
  if (!values.lexical) {
    embedder = await loadUseLite();
    const plan = planUnits(index.passages);
    const t = performance.now();
    index = await embedIndex(index, embedder);
    const embedMs = performance.now() - t;
    const questions = [
      ...new Set(
        [...sets.flatMap(([, set]) => set.questions), ...(typeSet?.questions ?? [])].map((q) => q.q.trim()),
      ),
    ];
    const qv = await embedder.embed(questions);
    vectors = new Map(questions.map((q, i) => [q, qv[i] as Float32Array]));
    stage = `lexical + semantic (${embedder.model}; ${plan.kind.length} units, ${plan.texts.length} distinct texts for ${index.passages.length} passages, embedded in ${embedMs.toFixed(0)} ms)`;
  }
  console.log(`Corpus: ${index.stats.passages} passages, ${stage}`);
  let teaching: TeachingIndex | undefined;
  if (opened) {
    try {
      const taught = await storeTeaching(opened.store, index, embedder);
      teaching = taught.teaching;
      console.log(`Store: ${opened.where}, its articles and ${taught.picks} active picks`);
    } finally {
      await opened.store.close();
    }
  }
  const summaries: [string, SplitSummary][] = [];
  for (const [name, set] of sets) {
    const t0 = performance.now();
    const r = evaluateQuestions(index, set, vectors, undefined, teaching ? { teaching } : {});
    const ms = performance.now() - t0;
    console.log(`\n${name} split: ${set.questions.length} questions (${ms.toFixed(0)} ms)`);
    console.log('kind          n   Hit@1  Hit@3  MRR    declined');
    for (const k of r.byKind) {
      console.log(
        `${k.kind.padEnd(13)}${String(k.n).padStart(2)}   ${f3(k.hit1)}  ${f3(k.hit3)}  ${f3(k.mrr)}  ${f3(k.declined)}`,
      );
    }
    console.log(
      `answers shortened by the relevance cut-off: ${r.shrunk.answers}/${r.shrunk.of} answered (on average ${r.shrunk.meanCut.toFixed(2)} of ${DEFAULT_RESULTS} passages cut)`,
    );
    if (values.misses) {
      for (const m of r.misses) {
        console.log(`  miss [${m.kind}] rank=${m.rank ?? '-'}${m.declined ? ' declined' : ''}  ${m.q}`);
      }
    }
    summaries.push([name, summarize(r)]);
  }
  console.log(`\n${renderSummaries(summaries)}`);
  if (typeSet) {
    console.log(
      `\nanswer-type dev set (${path.relative(root, ANSWER_TYPE_DEV)}, where the rules were chosen)`,
    );
    console.log(renderAnswerTypes(evaluateAnswerTypes(index, typeSet, vectors)));
  }
}

async function cranfield(dir: string): Promise<void> {
  const files = ['cran.all.1400', 'cran.qry', 'cranqrel'].map((f) => path.join(dir, f));
  if (!files.every((f) => existsSync(f))) {
    console.log(
      `Cranfield: skipped — the collection is not at ${dir} (expected cran.all.1400, cran.qry, cranqrel).`,
    );
    return;
  }
  const [docs, queries, qrels] = (await Promise.all(files.map((f) => readFile(f, 'utf8')))) as [
    string,
    string,
    string,
  ];
  const c = parseCranfield({ docs, queries, qrels });
  const relevant = countRelevant(c.qrels);
  console.log(
    `Cranfield: ${c.docs.length} documents, ${c.queries.length} queries, ${relevant} relevant judgments`,
  );
  if (relevant !== 1612) console.log(`  warning: expected 1612 relevant judgments, counted ${relevant}`);

  const rows: [string, RankingFigures, number][] = [];
  const articles = c.docs.map(docAsArticle);
  const PRF = { ...PRF_SETTINGS };
  const variants: [string, Partial<RankingOptions>, boolean, Partial<SemanticSettings>?][] = [
    ['citebot lexical (default)', {}, false],
    ['citebot + PRF', { prf: PRF }, false],
  ];
  let vectors: Awaited<ReturnType<typeof cranfieldVectors>> | undefined;
  if (!values.lexical) {
    vectors = await cranfieldVectors(c, articles);
    if (values.prepare) return;
    variants.push(
      ['citebot + semantic (default)', {}, true],
      ['citebot + PRF + semantic', { prf: PRF }, true],
      // What the parts of the default do here (none of these is the default).
      ['  semantic, smoothing off', {}, true, { smoothing: { ...SEMANTIC.smoothing, weight: 0 } }],
      [
        '  semantic, passage vectors only',
        {},
        true,
        { unitWeights: { passage: 1, sentence: 0, heading: 0 } },
      ],
      [
        '  dev-best: lexical 0.15, smooth 0.4',
        {},
        true,
        { lexicalWeight: 0.15, smoothing: { ...SEMANTIC.smoothing, weight: 0.4 } },
      ],
      [
        '  before: passage 0.35, smooth 0.7',
        {},
        true,
        {
          lexicalWeight: 0.35,
          unitWeights: { passage: 1, sentence: 0, heading: 0 },
          smoothing: { ...SEMANTIC.smoothing, weight: 0.7 },
        },
      ],
    );
  }
  const built = new Map<string, CorpusIndex>();
  for (const [name, ranking, semantic, settings] of variants) {
    const key = `${JSON.stringify(ranking)} ${semantic}`;
    const cached = built.get(key);
    let index = cached ?? CorpusIndex.build(articles, ranking);
    if (semantic && vectors && !cached) {
      const { plan, texts } = vectors;
      const units = unitVectors(
        plan,
        plan.texts.map((t) => texts.get(t) ?? new Float32Array(0)),
      );
      index = index.withVectors({
        model: USE_LITE,
        vectors: passageVectorsOf(units, index.passages.length),
        units,
      });
    }
    built.set(key, index);
    const ranked = rankAll(c, (q) => {
      const queryVector = semantic ? vectors?.queries.get(q) : undefined;
      const a = answerQuestion(index, q, {
        results: 10,
        more: 990,
        decide: false,
        ...(queryVector ? { queryVector, ...(settings ? { semantic: settings } : {}) } : {}),
      });
      return [...a.passages, ...a.more].map((p) => p.passage.origin.file);
    });
    // Latency: a normal answer (3 passages), the question's vector already computed.
    const t0 = performance.now();
    for (const q of c.queries) {
      const queryVector = semantic ? vectors?.queries.get(q.text) : undefined;
      answerQuestion(
        index,
        q.text,
        queryVector ? { queryVector, ...(settings ? { semantic: settings } : {}) } : {},
      );
    }
    rows.push([name, scoreRankings(ranked, c.qrels), (performance.now() - t0) / c.queries.length]);
  }

  const lunr = buildLunr(
    articles.map((a, i) => ({ id: a.file, title: c.docs[i]?.title ?? '', text: c.docs[i]?.text ?? '' })),
  );
  const t0 = performance.now();
  const theirs = rankAll(c, (q) => lunr(q));
  rows.push([
    'lunr 2.3.9 (defaults)',
    scoreRankings(theirs, c.qrels),
    (performance.now() - t0) / c.queries.length,
  ]);

  console.log(`${'engine'.padEnd(38)}MAP    nDCG@10  R@10   R@100  ms/answer`);
  for (const [name, r, ms] of rows) {
    console.log(
      `${name.padEnd(38)}${f3(r.map)}  ${f3(r.ndcg10)}    ${f3(r.recall10)}  ${f3(r.recall100)}  ${ms.toFixed(2)}`,
    );
  }
  if (values.lexical) console.log('(semantic rows left out: --lexical)');
}

/**
 * Unit vectors of the Cranfield passages (the same units the bot would embed: each passage,
 * its sentences or word windows, its heading path) and the queries' vectors, by text. Only
 * texts not yet cached are embedded (shortest first, in batches); the cache in .cache/ is
 * keyed by model name and text.
 */
async function cranfieldVectors(
  c: Cranfield,
  articles: { file: string; text: string; hash: string }[],
): Promise<{ plan: UnitPlan; texts: Map<string, Float32Array>; queries: Map<string, Float32Array> }> {
  const cacheFile = path.join(
    root,
    '.cache',
    `cranfield-unit-vectors-${USE_LITE.replace(/[^\w.-]/gu, '_')}.v8`,
  );
  const texts = new Map<string, Float32Array>();
  if (existsSync(cacheFile)) {
    for (const [t, v] of v8.deserialize(await readFile(cacheFile)) as [string, Float32Array][])
      texts.set(t, v);
  }
  const plan = planUnits(CorpusIndex.build(articles).passages);
  const queryTexts = c.queries.map((q) => q.text);
  const missing = [...new Set([...plan.texts, ...queryTexts])].filter((t) => !texts.has(t));
  if (missing.length) {
    console.log(
      `Embedding ${missing.length} Cranfield texts (${plan.texts.length} unit texts for ${plan.start.length - 1} passages, ${queryTexts.length} queries; cached afterwards)…`,
    );
    const t0 = performance.now();
    const embedder = await loadUseLite();
    missing.sort((a, b) => a.length - b.length);
    const save = async () => {
      await mkdir(path.dirname(cacheFile), { recursive: true });
      await writeFile(cacheFile, v8.serialize([...texts]));
    };
    const chunk = 512;
    for (let k = 0; k < missing.length; k += chunk) {
      const part = missing.slice(k, k + chunk);
      const vs = await embedPassages(embedder, part);
      part.forEach((t, i) => texts.set(t, vs[i] as Float32Array));
      await save();
      console.log(
        `  ${Math.min(k + chunk, missing.length)}/${missing.length} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    console.log(`Embedded ${missing.length} texts in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return { plan, texts, queries: new Map(queryTexts.map((q) => [q, texts.get(q) as Float32Array])) };
}

async function teach(file: string): Promise<void> {
  const set = async (f: string) => parseQuestionSet(JSON.parse(await readFile(f, 'utf8')), f);
  await evalTeach({
    index: CorpusIndex.build((await loadCorpus(values.corpus)).sources),
    teachFile: file,
    rewordingsFile: path.resolve(values.rewordings),
    untaught: { dev: await set(SPLITS.dev), test: await set(SPLITS.test) },
    ...(existsSync(SPLITS.third) ? { blind: await set(SPLITS.third) } : {}),
    lexical: values.lexical,
  });
}

if (values.cranfield !== undefined) await cranfield(path.resolve(values.cranfield));
else if (values.teach !== undefined) await teach(path.resolve(values.teach));
else await questionSets();
