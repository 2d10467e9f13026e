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

describe('an uncontested leader', () => {
  // One strong passage whose neighbours are weak, and weaker passages whose nearest
  // neighbour is that strong one: smoothing lends them its score and they pass it.
  const texts = ['hive colony bees', 'hive honey bees', 'hive nectar bees', 'hive colony swarm'];
  const scores = [1, 0.55, 0.5, 0.45];
  const heavy = { candidates: 10, neighbours: 3, weight: 0.7 };

  it('is passed by the passages that borrow its score when nothing protects it', () => {
    const out = smoothScores(scores, (r) => vec(texts[r] as string), heavy);
    expect(Math.max(...out.slice(1))).toBeGreaterThan(out[0] as number);
  });

  it('keeps the highest smoothed score when named, and the others are smoothed as before', () => {
    const plain = smoothScores(scores, (r) => vec(texts[r] as string), heavy);
    const out = smoothScores(scores, (r) => vec(texts[r] as string), heavy, 0);
    expect(out[0]).toBe(Math.max(...out));
    expect(out.slice(1)).toEqual(plain.slice(1));
  });

  it('may be any rank, and a rank out of range changes nothing', () => {
    const plain = smoothScores(scores, (r) => vec(texts[r] as string), heavy);
    const out = smoothScores(scores, (r) => vec(texts[r] as string), heavy, 2);
    expect(out[2]).toBe(Math.max(...plain));
    expect(smoothScores(scores, (r) => vec(texts[r] as string), heavy, 9)).toEqual(plain);
  });
});
