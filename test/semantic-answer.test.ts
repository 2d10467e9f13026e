import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerQuestion, cosine, RELEVANCE_CUTOFF } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { knownUnitTexts } from '../src/core/passage-units.js';
import { embedIndex } from '../src/corpus/library.js';
import { explainQuestion } from '../src/render/explain.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { loadUseLite } from '../src/semantic/embedder.js';

const root = path.resolve(import.meta.dirname, '..');

/** A small article added to the corpus: a few passages on one topic, each answering one question. */
const BEES = {
  file: 'bees.txt',
  hash: 'bees',
  text: `Keeping Bees in a Small Garden

A beehive needs a sunny spot sheltered from the wind, with a water source nearby.

Bees forage for nectar and pollen up to three kilometres from the hive.

A healthy colony in summer holds one queen, a few hundred drones and up to fifty thousand worker bees.

Beekeepers inspect the hive every week or two in spring to look for signs of swarming.

Honey is harvested in late summer, leaving enough in the hive for the bees to survive the winter.
`,
};

const QUESTIONS: [string, string][] = [
  ['How many worker bees live in a colony?', 'fifty thousand worker bees'],
  ['When is honey harvested?', 'Honey is harvested'],
  ['Where should I put a beehive?', 'sunny spot'],
  ['How far do bees fly to find nectar?', 'three kilometres'],
  ['How often should the hive be inspected?', 'every week or two'],
];

/**
 * The bundled corpus is embedded once for this file: the index with the added article first,
 * then the plain corpus reuses its unit vectors.
 */
const shared = (async () => {
  const { sources } = await loadCorpus(path.join(root, 'corpus'));
  const embedder = await loadUseLite();
  const withBees = await embedIndex(CorpusIndex.build([...sources, BEES]), embedder);
  const units = withBees.vectors?.units;
  const known = units ? knownUnitTexts(withBees.passages, units) : undefined;
  const plain = await embedIndex(CorpusIndex.build(sources), embedder, known);
  return { embedder, withBees, plain };
})();

describe('neighbour smoothing with the semantic stage, in a small added article', async () => {
  const { embedder, withBees: index } = await shared;
  const vectors = await embedder.embed(QUESTIONS.map(([q]) => q));

  it.each(QUESTIONS.map(([q, snippet], i) => [q, snippet, i] as const))(
    'keeps the passage that leads both rankings first: %s',
    (q, snippet, i) => {
      const queryVector = vectors[i] as Float32Array;
      const lexicalLeader = index.search(q, { limit: 1 })[0]?.passage;
      const semanticLeader = index.passages.reduce((best, p) =>
        cosine(queryVector, index.vectors?.vectors[p.id] as Float32Array) >
        cosine(queryVector, index.vectors?.vectors[best.id] as Float32Array)
          ? p
          : best,
      );
      // The case under test: one passage leads both the lexical and the semantic ranking.
      expect(lexicalLeader?.text).toContain(snippet);
      expect(semanticLeader.id).toBe(lexicalLeader?.id);
      const answer = answerQuestion(index, q, { queryVector });
      expect(answer.answered).toBe(true);
      expect(answer.passages[0]?.passage.id).toBe(lexicalLeader?.id);
    },
  );
});

describe('the relevance cut-off with the semantic stage', async () => {
  const { embedder, plain: index } = await shared;
  const ask = async (q: string) => {
    const [queryVector] = await embedder.embed([q]);
    return {
      shown: answerQuestion(index, q, { queryVector: queryVector as Float32Array }),
      all: answerQuestion(index, q, { queryVector: queryVector as Float32Array, cutoff: 0 }),
    };
  };

  it('shows only the passage that answers "What is nanoGPT?"; the rest lead "more"', async () => {
    const { shown, all } = await ask('What is nanoGPT?');
    expect(all.passages).toHaveLength(3);
    expect(shown.passages.length).toBeLessThan(3);
    expect(shown.passages[0]?.passage.text).toContain('nanoGPT');
    const ids = (a: typeof shown) => [...a.passages, ...a.more].map((p) => p.passage.id);
    expect(ids(shown)).toEqual(ids(all));
    expect(shown.more[0]?.score).toBeLessThan((shown.passages[0]?.score ?? 0) * RELEVANCE_CUTOFF.semantic);
  });

  it('shows several passages when several answer comparably well', async () => {
    const { shown } = await ask('Why is open-source AI growing so fast?');
    expect(shown.passages).toHaveLength(3);
  });
});

describe('sentence units in the semantic stage', async () => {
  const { embedder, plain: index } = await shared;

  it('embeds every passage, its sentences and its heading path, each distinct text once', () => {
    const units = index.vectors?.units;
    expect(units).toBeDefined();
    if (!units) return;
    expect(units.start).toHaveLength(index.passages.length + 1);
    expect(units.kind.length).toBeGreaterThan(2 * index.passages.length);
    const rows = units.data.length / units.dim;
    expect(rows).toBeLessThan(units.kind.length);
    for (let r = 0; r < rows; r += 17) {
      let n = 0;
      for (let i = 0; i < units.dim; i++) n += (units.data[r * units.dim + i] as number) ** 2;
      expect(Math.sqrt(n)).toBeCloseTo(1, 4);
    }
  });

  it('names the sentence that matched a question best (the evidence --explain shows)', async () => {
    const q = 'Can someone with a decent notebook computer get good results?';
    const [queryVector] = await embedder.embed([q]);
    const answer = answerQuestion(index, q, { queryVector: queryVector as Float32Array });
    const e = explainQuestion(index, q, answer, queryVector as Float32Array);
    expect(e.passages.length).toBeGreaterThan(0);
    for (const [i, p] of e.passages.entries()) {
      const text = answer.passages[i]?.passage.text.replace(/\s+/gu, ' ') ?? '';
      expect(p.semantic?.sentence.length).toBeGreaterThan(0);
      expect(text).toContain(p.semantic?.sentence);
      expect(p.semantic?.sentenceSimilarity).toBeGreaterThanOrEqual(p.similarity ?? 1);
    }
  });
});
