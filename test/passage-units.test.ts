import { describe, expect, it } from 'vitest';
import {
  checkUnits,
  headingPath,
  knownUnitTexts,
  knownUnitTextSteps,
  paced,
  planSteps,
  passageSimilarity,
  planUnits,
  rowSimilarities,
  UNIT_HEADING,
  UNIT_PASSAGE,
  UNIT_SENTENCE,
  unitsOf,
  unitVectors,
  unitVectorSteps,
  WINDOW_WORDS,
} from '../src/core/passage-units.js';
import type { Passage } from '../src/core/types.js';

const passage = (id: number, text: string, section = 'Costs'): Passage => ({
  id,
  kind: 'paragraph',
  text,
  origin: {
    file: 'a.txt',
    title: 'Open AI',
    section,
    paragraph: id,
    lines: [1, 1],
    offsets: [0, text.length],
  },
});

describe('passage units', () => {
  it('lists the passage, each sentence and the heading path', () => {
    const u = unitsOf(passage(0, 'Training is cheap now. Anyone can fine-tune a model at home.'));
    expect(u.map((x) => x.kind)).toEqual([UNIT_PASSAGE, UNIT_SENTENCE, UNIT_SENTENCE, UNIT_HEADING]);
    expect(u[1]?.text).toBe('Training is cheap now.');
    expect(u[3]?.text).toBe('Open AI › Costs');
    expect(headingPath(passage(0, 'x', 'Open AI'))).toBe('Open AI');
  });

  it('gives a single short sentence no sentence unit (the passage is that sentence)', () => {
    expect(unitsOf(passage(0, 'Bees pollinate flowering plants.')).map((x) => x.kind)).toEqual([
      UNIT_PASSAGE,
      UNIT_HEADING,
    ]);
  });

  it('cuts a long sentence into overlapping windows that cover it', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
    const u = unitsOf(passage(0, words.join(' '))).filter((x) => x.kind === UNIT_SENTENCE);
    expect(u.length).toBeGreaterThan(2);
    for (const w of u) expect(w.text.split(' ').length).toBeLessThanOrEqual(WINDOW_WORDS);
    expect(u[0]?.text.startsWith('w0 ')).toBe(true);
    expect(u.at(-1)?.text.endsWith(' w99')).toBe(true);
  });

  it('embeds a repeated text (a heading path) once', () => {
    const plan = planUnits([
      passage(0, 'One thing. Another thing here.'),
      passage(1, 'A third thing is said.'),
    ]);
    expect(plan.start[2]).toBe(plan.kind.length);
    expect(plan.texts.filter((t) => t === 'Open AI › Costs')).toHaveLength(1);
    expect(new Set(plan.texts).size).toBe(plan.texts.length);
  });

  it('scores a passage by its own text, best sentence and heading, from unit-length rows', () => {
    const plan = planUnits([passage(0, 'One thing is here. Another thing here.')]);
    // Rows: passage, two sentences, heading; vectors not yet unit length.
    const vecs = [
      [2, 0, 0],
      [0, 3, 0],
      [1, 1, 0],
      [0, 0, 5],
    ].map((v) => Float32Array.from(v));
    const units = unitVectors(plan, vecs);
    checkUnits(units, 1);
    const sims = rowSimilarities(units, Float32Array.from([0, 2, 0]));
    expect(sims[1]).toBeCloseTo(1, 6);
    const e = passageSimilarity(units, sims, 0);
    expect(e.passage).toBeCloseTo(0, 6);
    expect(e.sentence).toBeCloseTo(1, 6);
    expect(e.heading).toBeCloseTo(0, 6);
    expect(plan.texts[plan.row[e.bestUnit] as number]).toBe('One thing is here.');
  });

  it('refuses unit vectors that do not fit the passages', () => {
    const plan = planUnits([passage(0, 'One. Two.')]);
    const units = unitVectors(
      plan,
      plan.texts.map(() => Float32Array.from([1, 0])),
    );
    expect(() => checkUnits(units, 2)).toThrow(/passages/);
  });

  it('plans, normalises and lists known texts in steps with a pause between, as at once', async () => {
    // Seven passages, two of them the same text: a text is planned (and embedded) once.
    const texts = [
      'Alpha one. Beta two.',
      'Gamma three.',
      'Alpha one. Beta two.',
      'Delta. Epsilon.',
      'Zeta.',
      'Eta theta.',
      'Iota.',
    ];
    const passages = texts.map((t, i) => passage(i, t, i < 4 ? 'Costs' : 'Risks'));
    let pauses = 0;
    const pause = () => {
      pauses++;
      return Promise.resolve();
    };
    const plan = await paced(planSteps(passages, 3), pause);
    expect(pauses).toBe(2);
    expect(plan).toEqual(planUnits(passages));
    const vectors = plan.texts.map((_, i) => Float32Array.from([i + 1, 2, 0]));
    pauses = 0;
    const units = await paced(unitVectorSteps(plan, vectors, 1), pause);
    expect(pauses).toBe(Math.floor(plan.texts.length / 8));
    expect(units).toEqual(unitVectors(plan, vectors));
    pauses = 0;
    const known = await paced(knownUnitTextSteps(passages, units, 2), pause);
    expect(pauses).toBe(4);
    expect(known).toEqual(knownUnitTexts(passages, units));
    expect(known.size).toBe(plan.texts.length);
  });
});
