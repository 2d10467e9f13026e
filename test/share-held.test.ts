// The pass that writes to the store the vectors an instance held without it (corpus/share-held.ts):
// slice by slice with a pause after each, the same vectors whatever the slice, each key asked once,
// and a stop as soon as the snapshot is no longer served.
import { describe, expect, it } from 'vitest';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { knownUnitTexts, planUnits, unitVectors, vectorsFromUnits } from '../src/core/passage-units.js';
import { shareHeldVectors } from '../src/corpus/share-held.js';
import { vectorKey } from '../src/corpus/vector-cache.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { charVector } from './models.js';

const MODEL = 'test-model';

/** The bundled-style fixture articles with a stand-in vector for every unit text. */
function indexWithVectors(): CorpusIndex {
  const index = CorpusIndex.build([
    {
      file: 'a.md',
      hash: 'a',
      text: '# Tides\n\n## Lanterns\n\nA tide lantern is lit at dusk. It is put out at dawn.\n\n## Ferries\n\nThe ferry runs twice a day.\n',
    },
    {
      file: 'b.md',
      hash: 'b',
      text: '# Gardens\n\nTomatoes need full sun. They need steady watering.\n\nBeans climb. Peas climb too.\n',
    },
  ]);
  const plan = planUnits(index.passages);
  return index.withVectors(
    vectorsFromUnits(MODEL, unitVectors(plan, plan.texts.map(charVector)), index.passages.length),
  );
}

describe('shareHeldVectors', () => {
  it('writes every unit vector once, the same whatever the slice, pausing after each slice', async () => {
    const index = indexWithVectors();
    const n = index.passages.length;
    expect(n).toBeGreaterThan(2);
    const units = index.vectors?.units;
    if (!units) throw new Error('no units');
    const held = knownUnitTexts(index.passages, units);
    for (const slice of [1, 2, 500]) {
      const store = await openSqliteStore(':memory:');
      let pauses = 0;
      const report = await shareHeldVectors(index, store, () => true, {
        slice,
        pause: () => {
          pauses++;
          return Promise.resolve();
        },
      });
      expect(report).toMatchObject({ checked: held.size, written: held.size });
      expect(pauses).toBe(Math.ceil(n / slice));
      const got = await store.getVectors(MODEL, [...held.keys()].map(vectorKey));
      expect(got.size).toBe(held.size);
      for (const [text, v] of held) expect(Array.from(got.get(vectorKey(text)) ?? [])).toEqual(Array.from(v));
      await store.close();
    }
  });

  it('asks about a confirmed key no more, and stops once the snapshot is no longer served', async () => {
    const index = indexWithVectors();
    const store = await openSqliteStore(':memory:');
    const confirmed = new Set<string>();
    await shareHeldVectors(index, store, () => true, { confirmed });
    expect(confirmed.size).toBeGreaterThan(0);
    expect(await shareHeldVectors(index, store, () => true, { confirmed })).toMatchObject({
      checked: 0,
      written: 0,
    });

    const fresh = await openSqliteStore(':memory:');
    let served = true;
    const report = await shareHeldVectors(index, fresh, () => served, {
      slice: 1,
      pause: () => {
        served = false;
        return Promise.resolve();
      },
    });
    expect(report).toBeUndefined();
    const all = [...knownUnitTexts(index.passages, index.vectors!.units!).keys()].map(vectorKey);
    const stored = await fresh.storedVectorKeys(MODEL, all);
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(all.length);
    await store.close();
    await fresh.close();
  });
});
