/**
 * The semantic stage above EXACT_SCAN_MAX_ROWS: candidates from the vector search plus the
 * lexical ones, each scored exactly as a full scan scores it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion, EXACT_SCAN_MAX_ROWS, SEMANTIC, semanticEvidence } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import {
  passageSimilarity,
  planUnits,
  rowSimilarities,
  unitVectors,
  vectorsFromUnits,
} from '../src/core/passage-units.js';
import { prepareVectorSearch } from '../src/core/semantic-prepare.js';
import { DEFAULT_SEED, generateCorpus, generateQuestions } from '../bench/generate.js';
import { hashVector } from '../bench/hash-vector.js';
import { readSourceTexts } from '../bench/write-corpus.js';

let index: CorpusIndex;
let questions: string[];
beforeAll(async () => {
  const generated = generateCorpus({ scale: 60, seed: DEFAULT_SEED, sourceTexts: await readSourceTexts() });
  const lexical = CorpusIndex.build(
    generated.files.map((f) => ({ file: f.name, text: f.text, hash: f.name })),
  );
  const plan = planUnits(lexical.passages);
  const units = unitVectors(
    plan,
    plan.texts.map((t) => hashVector(t)),
  );
  index = lexical.withVectors(vectorsFromUnits('hashed', units, lexical.passages.length));
  await prepareVectorSearch(index, () => Promise.resolve());
  questions = generateQuestions({ files: generated.files, count: 60, seed: 7 }).map((q) => q.q);
}, 120_000);

describe('the semantic stage above EXACT_SCAN_MAX_ROWS', () => {
  it('runs on a corpus past the limit', () => {
    expect((index.vectors?.units?.data.length ?? 0) / 512).toBeGreaterThan(EXACT_SCAN_MAX_ROWS);
  });

  it('scores its candidates exactly as a full scan does, and finds the full scan’s best passage for at least 95% of questions', () => {
    const units = index.vectors?.units;
    if (!units) throw new Error('no units');
    let leadersFound = 0;
    for (const q of questions) {
      const query = hashVector(q);
      const lexicalIds = index.search(q, { limit: SEMANTIC.candidates }).map((h) => h.passage.id);
      const e = semanticEvidence(index, query, SEMANTIC, undefined, lexicalIds);
      expect(e.ids.length).toBeLessThan(index.passages.length / 4);
      for (const id of lexicalIds) expect(e.ids).toContain(id);
      const sims = rowSimilarities(units, query);
      const w = SEMANTIC.unitWeights;
      let exactBest = -Infinity;
      let exactLeader = -1;
      for (let id = 0; id < index.passages.length; id++) {
        const p = passageSimilarity(units, sims, id);
        const score = w.passage * p.passage + w.sentence * p.sentence + w.heading * p.heading;
        if (score > exactBest) {
          exactBest = score;
          exactLeader = id;
        }
        if (!Number.isNaN(e.scores[id] as number)) expect(e.scores[id]).toBeCloseTo(score, 5);
      }
      if (e.leader === exactLeader) leadersFound++;
    }
    // The leader by the mixed score is found by its own vector in nearly every case.
    expect(leadersFound / questions.length).toBeGreaterThanOrEqual(0.95);
  });

  it('answers within an article filter from that article only', () => {
    const file = index.passages[index.passages.length - 1]?.origin.file;
    for (const q of questions.slice(0, 10)) {
      const a = answerQuestion(index, q, { queryVector: hashVector(q), file, decide: false });
      expect(a.passages.length).toBeGreaterThan(0);
      for (const p of [...a.passages, ...a.more]) expect(p.passage.origin.file).toBe(file);
    }
  });
});
