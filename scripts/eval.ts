/**
 * npm run eval                       — the labelled question set over the corpus folder
 * npm run eval -- --questions FILE   — another question set
 * npm run eval -- --corpus DIR       — another corpus
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { evaluateQuestions, hit3Of, parseQuestionSet } from '../src/eval/questions.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: path.join(root, 'test/eval/questions.json') },
    corpus: { type: 'string', default: path.join(root, 'corpus') },
    misses: { type: 'boolean', default: false },
  },
});

const set = parseQuestionSet(JSON.parse(await readFile(values.questions, 'utf8')), values.questions);
const loaded = await loadCorpus(values.corpus);
const index = CorpusIndex.build(loaded.sources);
const t0 = performance.now();
const r = evaluateQuestions(index, set);
const ms = performance.now() - t0;

const pct = (x: number) => x.toFixed(3);
console.log(
  `Question set: ${set.questions.length} questions over ${index.stats.passages} passages (${ms.toFixed(0)} ms)`,
);
console.log('kind          n   Hit@1  Hit@3  MRR    declined');
for (const k of r.byKind) {
  console.log(
    `${k.kind.padEnd(13)}${String(k.n).padStart(2)}   ${pct(k.hit1)}  ${pct(k.hit3)}  ${pct(k.mrr)}  ${pct(k.declined)}`,
  );
}
console.log(`shared-words Hit@3 (lexical+keyword+typo): ${pct(hit3Of(r, ['lexical', 'keyword', 'typo']))}`);
console.log(
  `unanswerable declined: ${Math.round(r.unanswerable.declined * r.unanswerable.n)}/${r.unanswerable.n}`,
);
console.log(
  `answerable wrongly declined: ${Math.round(r.answerable.wronglyDeclined * r.answerable.n)}/${r.answerable.n} (${pct(r.answerable.wronglyDeclined)})`,
);
if (values.misses) {
  for (const m of r.misses)
    console.log(`  miss [${m.kind}] rank=${m.rank ?? '-'}${m.declined ? ' declined' : ''}  ${m.q}`);
}
