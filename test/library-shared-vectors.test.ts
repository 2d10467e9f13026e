// The Library with the store's shared vectors (several instances on one database): a text embedded
// by one instance is not embedded by the next, and a store that fails only costs the embedding
// time (a warning, every text embedded, the snapshot still gets its vectors).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planUnits } from '../src/core/passage-units.js';
import { Library, type SemanticEvent } from '../src/corpus/library.js';
import { vectorKey } from '../src/corpus/vector-cache.js';
import type { Embedder } from '../src/semantic/embedder.js';
import type { Store } from '../src/store/corpus-types.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { SharedVectors } from '../src/store/vector-types.js';
import { charVector } from './models.js';

const root = path.resolve(import.meta.dirname, '..');
const MODEL = 'test-model';
let dir: string;
let corpus: string;
const stores: Store[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-shared-vectors-'));
  corpus = path.join(dir, 'corpus');
  await cp(path.join(root, 'corpus'), corpus, { recursive: true });
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

/** A store on the SQLite file of this test's data folder (each call another connection). */
async function store(): Promise<Store> {
  const s = await openSqliteStore(path.join(dir, 'data'));
  stores.push(s);
  return s;
}

/** A deterministic stand-in model (8 dimensions from the character codes) counting its texts. */
function counting(): Embedder & { texts: number } {
  const e = {
    model: MODEL,
    texts: 0,
    embed: (texts: string[]) => {
      e.texts += texts.length;
      return Promise.resolve(texts.map(charVector));
    },
  };
  return e;
}

/** A Library on `dir` with `shared`, embedded; its events and the texts its model embedded. */
async function embedded(shared: SharedVectors, dirOf = corpus) {
  const model = counting();
  const events: SemanticEvent[] = [];
  const library = new Library({
    dir: dirOf,
    embedder: model,
    sharedVectors: shared,
    onSemantic: (e) => events.push(e),
  });
  expect((await library.reindex()).ok).toBe(true);
  expect((await library.whenSemanticReady()).state).toBe('on');
  return { library, events, texts: model.texts };
}

/** The unit texts of a Library's snapshot (every distinct text embedded once). */
const unitTexts = (library: Library) => planUnits(library.index.passages).texts;

describe('the vectors shared through the store', () => {
  it('are embedded by the first instance only; the second gets the same vectors', async () => {
    const first = await embedded(await store());
    const n = unitTexts(first.library).length;
    expect(n).toBeGreaterThan(0);
    expect(first.texts).toBe(n);
    expect(first.events).toEqual([
      expect.objectContaining({ kind: 'ready', embedded: n, cache: `store: 0 vectors found, ${n} written` }),
    ]);

    const second = await embedded(await store());
    expect(second.texts).toBe(0);
    expect(second.events).toEqual([
      expect.objectContaining({ kind: 'ready', embedded: 0, cache: `store: ${n} vectors found, 0 written` }),
    ]);
    const a = first.library.index.vectors;
    const b = second.library.index.vectors;
    expect(b?.model).toBe(MODEL);
    expect(b?.vectors.map((v) => Array.from(v))).toEqual(a?.vectors.map((v) => Array.from(v)));
    expect(Array.from(b?.units?.data ?? [])).toEqual(Array.from(a?.units?.data ?? []));
  });

  it('spare the next instance all but the texts new to it', async () => {
    const first = await embedded(await store());
    const known = new Set(unitTexts(first.library));
    const bigger = path.join(dir, 'bigger');
    await cp(corpus, bigger, { recursive: true });
    await writeFile(
      path.join(bigger, 'new.md'),
      '# Gardening\n\nTomatoes need full sun and steady watering.\n',
    );
    const second = await embedded(await store(), bigger);
    const added = unitTexts(second.library).filter((t) => !known.has(t));
    expect(added.length).toBeGreaterThan(0);
    expect(second.texts).toBe(added.length);
    expect(second.events).toEqual([expect.objectContaining({ kind: 'ready', embedded: added.length })]);
    const kept = await (await store()).getVectors(MODEL, added.map(vectorKey));
    expect(kept.size).toBe(added.length);
  });

  it('when the store cannot be read: a warning once, every text embedded, a snapshot with vectors', async () => {
    const real = await store();
    const failing: SharedVectors = {
      getVectors: () => Promise.reject(new Error('connection refused')),
      putVectors: (model, entries) => real.putVectors(model, entries),
    };
    const { library, events, texts } = await embedded(failing);
    const n = unitTexts(library).length;
    expect(texts).toBe(n);
    expect(library.index.vectors?.vectors).toHaveLength(library.index.passages.length);
    expect(events.map((e) => e.kind)).toEqual(['warning', 'ready']);
    expect(events[0]).toEqual({
      kind: 'warning',
      message: 'shared vectors could not be read (connection refused); embedding without them',
    });
    expect(events[1]).toMatchObject({ kind: 'ready', embedded: n });
  });

  it('when the store cannot be written: a warning once, and the embedding goes on', async () => {
    const real = await store();
    let writes = 0;
    const failing: SharedVectors = {
      getVectors: (model, keys) => real.getVectors(model, keys),
      putVectors: () => {
        writes++;
        return Promise.reject(new Error('disk full'));
      },
    };
    const { library, events, texts } = await embedded(failing);
    const n = unitTexts(library).length;
    expect(texts).toBe(n);
    expect(writes).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['warning', 'ready']);
    expect(events[0]).toMatchObject({
      message: expect.stringMatching(/^shared vectors could not be written \(disk full\)/u),
    });
    expect(events[1]).toMatchObject({ kind: 'ready', embedded: n });
  });
});
