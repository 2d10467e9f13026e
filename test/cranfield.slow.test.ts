/**
 * Cranfield-1400 with the default pipeline, semantic stage on: the answer-quality targets.
 * Slow (embedding the 1,400 passages' sentence units takes about 15 minutes), so it lives in
 * `npm run test:slow`; skipped when ../shared/cranfield is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { embedIndex } from '../src/corpus/library.js';
import { docAsArticle, parseCranfield, rankAll, scoreRankings } from '../src/eval/cranfield.js';
import { loadUseLite } from '../src/semantic/embedder.js';

const cranDir = path.resolve(import.meta.dirname, '../../shared/cranfield');
const haveCranfield = ['cran.all.1400', 'cran.qry', 'cranqrel'].every((f) =>
  existsSync(path.join(cranDir, f)),
);

describe.skipIf(!haveCranfield)('Cranfield-1400, semantic stage on (the default)', () => {
  // Embeds 10,654 unit texts (passages, sentences, headings) on one core: about 15 minutes here.
  it('reaches MAP ≥ 0.35 and nDCG@10 ≥ 0.42', { timeout: 2_700_000 }, async () => {
    const read = (f: string) => readFileSync(path.join(cranDir, f), 'utf8');
    const c = parseCranfield({
      docs: read('cran.all.1400'),
      queries: read('cran.qry'),
      qrels: read('cranqrel'),
    });
    const base = CorpusIndex.build(c.docs.map(docAsArticle));
    const embedder = await loadUseLite();
    const index = await embedIndex(base, embedder);
    const queryVectors = new Map(
      (await embedder.embed(c.queries.map((q) => q.text))).map((v, i) => [c.queries[i]?.text ?? '', v]),
    );
    const r = scoreRankings(
      rankAll(c, (q) => {
        const vector = queryVectors.get(q);
        const a = answerQuestion(index, q, {
          results: 10,
          more: 990,
          decide: false,
          ...(vector ? { queryVector: vector } : {}),
        });
        return [...a.passages, ...a.more].map((p) => p.passage.origin.file);
      }),
      c.qrels,
    );
    expect(r.map).toBeGreaterThanOrEqual(0.35);
    expect(r.ndcg10).toBeGreaterThanOrEqual(0.42);
  });
});
