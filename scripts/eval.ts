/**
 * npm run eval                          the labelled question set over the corpus folder
 * npm run eval -- --misses              … and list the misses
 * npm run eval -- --cranfield [DIR]     Cranfield-1400 (default ../shared/cranfield), with Lunr beside it
 * npm run eval -- --questions FILE --corpus DIR
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import v8 from 'node:v8';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answerQuestion, DEFAULT_RESULTS } from '../src/core/answer.js';
import { CorpusIndex, PRF_SETTINGS, type RankingOptions } from '../src/core/corpus-index.js';
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
import { evaluateQuestions, hit3Of, parseQuestionSet } from '../src/eval/questions.js';
import { embedPassages, loadUseLite, USE_LITE } from '../src/semantic/embedder.js';
import { buildLunr } from './lib/peers.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DEFAULT_CRANFIELD = path.resolve(root, '../shared/cranfield');

// `--cranfield` may come without a folder.
const argv = process.argv.slice(2);
const ci = argv.indexOf('--cranfield');
if (ci >= 0 && (argv[ci + 1] === undefined || argv[ci + 1]?.startsWith('--')))
  argv.splice(ci + 1, 0, DEFAULT_CRANFIELD);

const { values } = parseArgs({
  args: argv,
  options: {
    questions: { type: 'string', default: path.join(root, 'test/eval/questions.json') },
    corpus: { type: 'string', default: path.join(root, 'corpus') },
    misses: { type: 'boolean', default: false },
    cranfield: { type: 'string' },
    lexical: { type: 'boolean', default: false },
  },
});

const f3 = (x: number) => x.toFixed(3);

async function questionSet(): Promise<void> {
  const set = parseQuestionSet(JSON.parse(await readFile(values.questions, 'utf8')), values.questions);
  const loaded = await loadCorpus(values.corpus);
  let index = CorpusIndex.build(loaded.sources);
  let vectors: Map<string, Float32Array> | undefined;
  let stage = 'lexical only';
  if (!values.lexical) {
    const embedder = await loadUseLite();
    const t = performance.now();
    index = await embedIndex(index, embedder);
    const questions = set.questions.map((q) => q.q.trim());
    const qv = await embedder.embed(questions);
    vectors = new Map(questions.map((q, i) => [q, qv[i] as Float32Array]));
    stage = `lexical + semantic (${embedder.model}; embedding took ${(performance.now() - t).toFixed(0)} ms)`;
  }
  const t0 = performance.now();
  const r = evaluateQuestions(index, set, vectors);
  const ms = performance.now() - t0;
  console.log(
    `Question set: ${set.questions.length} questions over ${index.stats.passages} passages, ${stage} (${ms.toFixed(0)} ms)`,
  );
  console.log('kind          n   Hit@1  Hit@3  MRR    declined');
  for (const k of r.byKind) {
    console.log(
      `${k.kind.padEnd(13)}${String(k.n).padStart(2)}   ${f3(k.hit1)}  ${f3(k.hit3)}  ${f3(k.mrr)}  ${f3(k.declined)}`,
    );
  }
  console.log(`shared-words Hit@3 (lexical+keyword+typo): ${f3(hit3Of(r, ['lexical', 'keyword', 'typo']))}`);
  console.log(
    `unanswerable declined: ${Math.round(r.unanswerable.declined * r.unanswerable.n)}/${r.unanswerable.n}`,
  );
  console.log(
    `answerable wrongly declined: ${Math.round(r.answerable.wronglyDeclined * r.answerable.n)}/${r.answerable.n} (${f3(r.answerable.wronglyDeclined)})`,
  );
  console.log(
    `answers shortened by the relevance cut-off: ${r.shrunk.answers}/${r.shrunk.of} answered (on average ${r.shrunk.meanCut.toFixed(2)} of ${DEFAULT_RESULTS} passages cut)`,
  );
  if (values.misses) {
    for (const m of r.misses) {
      console.log(`  miss [${m.kind}] rank=${m.rank ?? '-'}${m.declined ? ' declined' : ''}  ${m.q}`);
    }
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
  const variants: [string, Partial<RankingOptions>, boolean][] = [
    ['citebot lexical (default)', {}, false],
    ['citebot + PRF', { prf: PRF }, false],
  ];
  let vectors: { docs: Map<string, Float32Array>; queries: Map<string, Float32Array> } | undefined;
  if (!values.lexical) {
    vectors = await cranfieldVectors(c, articles);
    variants.push(
      ['citebot + semantic (default)', {}, true],
      ['citebot + PRF + semantic', { prf: PRF }, true],
    );
  }
  for (const [name, ranking, semantic] of variants) {
    let index = CorpusIndex.build(articles, ranking);
    if (semantic && vectors) {
      const dv = vectors.docs;
      index = index.withVectors({
        model: USE_LITE,
        vectors: index.passages.map((p) => dv.get(p.origin.file) ?? new Float32Array(0)),
      });
    }
    const ranked = rankAll(c, (q) => {
      const queryVector = semantic ? vectors?.queries.get(q) : undefined;
      const a = answerQuestion(index, q, {
        results: 10,
        more: 990,
        decide: false,
        ...(queryVector ? { queryVector } : {}),
      });
      return [...a.passages, ...a.more].map((p) => p.passage.origin.file);
    });
    // Latency: a normal answer (3 passages), the question's vector already computed.
    const t0 = performance.now();
    for (const q of c.queries) {
      const queryVector = semantic ? vectors?.queries.get(q.text) : undefined;
      answerQuestion(index, q.text, queryVector ? { queryVector } : {});
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

  console.log(`${'engine'.padEnd(30)}MAP    nDCG@10  R@10   R@100  ms/answer`);
  for (const [name, r, ms] of rows) {
    console.log(
      `${name.padEnd(30)}${f3(r.map)}  ${f3(r.ndcg10)}    ${f3(r.recall10)}  ${f3(r.recall100)}  ${ms.toFixed(2)}`,
    );
  }
  if (values.lexical) console.log('(semantic rows left out: --lexical)');
}

/**
 * Sentence vectors of the Cranfield passages (the same texts the bot would embed) and
 * queries. Embedding 1,400 documents takes about two minutes on two cores, so they are
 * cached in .cache/ by model name.
 */
async function cranfieldVectors(
  c: Cranfield,
  articles: { file: string; text: string; hash: string }[],
): Promise<{ docs: Map<string, Float32Array>; queries: Map<string, Float32Array> }> {
  const cacheFile = path.join(
    root,
    '.cache',
    `cranfield-passage-vectors-${USE_LITE.replace(/[^\w.-]/gu, '_')}.v8`,
  );
  if (existsSync(cacheFile)) {
    const cached = v8.deserialize(await readFile(cacheFile)) as {
      docs: [string, Float32Array][];
      queries: [string, Float32Array][];
    };
    return { docs: new Map(cached.docs), queries: new Map(cached.queries) };
  }
  console.log(
    'Embedding the Cranfield passages for the semantic rows (about two minutes; cached afterwards)…',
  );
  const embedder = await loadUseLite();
  const passages = CorpusIndex.build(articles).passages;
  const dv = await embedPassages(
    embedder,
    passages.map((p) => p.text),
  );
  const qv = await embedder.embed(c.queries.map((q) => q.text));
  const docs = new Map(passages.map((p, i) => [p.origin.file, dv[i] as Float32Array]));
  const queries = new Map(c.queries.map((q, i) => [q.text, qv[i] as Float32Array]));
  await mkdir(path.dirname(cacheFile), { recursive: true });
  await writeFile(cacheFile, v8.serialize({ docs: [...docs], queries: [...queries] }));
  return { docs, queries };
}

if (values.cranfield !== undefined) await cranfield(path.resolve(values.cranfield));
else await questionSet();
