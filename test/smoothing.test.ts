import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dot, similarities, smoothScores, type TermVector, termVector } from '../src/core/smoothing.js';

const ids = new Map<string, number>();
const idOf = (t: string) => {
  if (!ids.has(t)) ids.set(t, ids.size);
  return ids.get(t);
};
const vec = (text: string): TermVector => termVector(text.split(' '), idOf, () => 1);
const SETTINGS = { candidates: 10, neighbours: 2, weight: 0.5 };

describe('term vectors', () => {
  it('are unit length with ids in ascending order', () => {
    const v = vec('wing wing lift drag lift wing');
    let norm = 0;
    for (const w of v.weights) norm += w * w;
    expect(norm).toBeCloseTo(1, 6);
    expect([...v.ids]).toEqual([...v.ids].sort((a, b) => a - b));
  });

  it('leave out terms the index does not know', () => {
    const v = termVector(
      ['known', 'unknown'],
      (t) => (t === 'known' ? 7 : undefined),
      () => 2,
    );
    expect([...v.ids]).toEqual([7]);
    expect(v.weights[0]).toBeCloseTo(1, 6);
  });

  it('give identical texts a cosine of 1 and disjoint texts 0', () => {
    expect(dot(vec('heat flux slab'), vec('slab heat flux'))).toBeCloseTo(1, 6);
    expect(dot(vec('heat flux slab'), vec('wing lift drag'))).toBe(0);
  });
});

describe('the pairwise similarity matrix', () => {
  it('equals the pairwise dot products, symmetric with a zero diagonal', () => {
    const words = fc.constantFrom('wing', 'lift', 'drag', 'heat', 'slab', 'flow', 'shock', 'mach');
    fc.assert(
      fc.property(
        fc.array(fc.array(words, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        (docs) => {
          const vectors = docs.map((d) => vec(d.join(' ')));
          const n = vectors.length;
          const m = similarities(vectors);
          for (let i = 0; i < n; i++) {
            expect(m[i * n + i]).toBe(0);
            for (let j = 0; j < n; j++) {
              if (i === j) continue;
              expect(m[i * n + j]).toBeCloseTo(dot(vectors[i] as TermVector, vectors[j] as TermVector), 9);
              expect(m[i * n + j]).toBe(m[j * n + i]);
            }
          }
        },
      ),
    );
  });
});

describe('neighbour smoothing', () => {
  it('changes nothing but the scale when its weight is 0', () => {
    const scores = [4, 2, 1];
    const out = smoothScores(scores, (r) => vec(['a b', 'a c', 'd e'][r] as string), {
      ...SETTINGS,
      weight: 0,
    });
    expect(out).toEqual([1, 0.5, 0.25]);
  });

  it('lifts a candidate that resembles the best ones above an equal one that resembles nothing', () => {
    // Ranks 2 and 3 score the same; rank 2 shares the top passages' topic, rank 3 doesn't.
    const texts = ['shock wave mach', 'shock wave boundary', 'shock mach wave layer', 'recipe bread flour'];
    const out = smoothScores([1, 0.9, 0.5, 0.5], (r) => vec(texts[r] as string), SETTINGS);
    expect(out[2]).toBeGreaterThan(out[3] as number);
  });

  it('leaves candidates beyond its reach below the smoothed ones, in their old order', () => {
    const texts = ['x y', 'x z', 'y z', 'q r', 's t'];
    const out = smoothScores([5, 4, 3, 2, 1], (r) => vec(texts[r] as string), { ...SETTINGS, candidates: 3 });
    expect(out[3]).toBeGreaterThan(out[4] as number);
    expect(out[3]).toBeCloseTo(0.5 * (2 / 5), 9);
  });

  it('reaches only the vectors of the candidates it smooths', () => {
    const asked: number[] = [];
    smoothScores([3, 2, 1, 0.5], (r) => (asked.push(r), vec('a')), { ...SETTINGS, candidates: 2 });
    expect(asked.sort()).toEqual([0, 1]);
  });
});
