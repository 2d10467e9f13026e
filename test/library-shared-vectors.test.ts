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

/**
 * A Library on `dir` with `shared` (none: undefined) and a cache folder when given, embedded; its
 * events and the texts its model embedded.
 */
async function embedded(shared: SharedVectors | undefined, dirOf = corpus, cacheDir?: string) {
  const model = counting();
  const events: SemanticEvent[] = [];
  const library = new Library({
    dir: dirOf,
    embedder: model,
    ...(shared ? { sharedVectors: shared } : {}),
    ...(cacheDir ? { cacheDir } : {}),
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
      storedVectorKeys: () => Promise.reject(new Error('connection refused')),
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
      storedVectorKeys: (model, keys) => real.storedVectorKeys(model, keys),
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

  it('that an instance held before it had the store (its cache folder) go to the store; the next embeds none', async () => {
    const cache = path.join(dir, 'cache');
    const before = await embedded(undefined, corpus, cache);
    const n = unitTexts(before.library).length;
    expect(before.texts).toBe(n);

    // The same instance restarted with the store: it serves its unit file and shares what it holds.
    const moved = await embedded(await store(), corpus, cache);
    expect(moved.texts).toBe(0);
    expect(moved.events.map((e) => e.kind)).toEqual(['ready', 'shared']);
    expect(moved.events[1]).toMatchObject({ kind: 'shared', checked: n, written: n });
    const keys = unitTexts(moved.library).map(vectorKey);
    expect((await (await store()).storedVectorKeys(MODEL, keys)).size).toBe(n);

    // A new instance (no cache of its own) finds every vector in the store. The held ones are the
    // snapshot's unit-length rows, so normalising them again may move a float's last bit.
    const next = await embedded(await store());
    expect(next.texts).toBe(0);
    expect(next.events).toEqual([
      expect.objectContaining({ kind: 'ready', embedded: 0, cache: `store: ${n} vectors found, 0 written` }),
    ]);
    const a = before.library.index.vectors?.units?.data ?? new Float32Array(0);
    const b = next.library.index.vectors?.units?.data ?? new Float32Array(0);
    expect(b.length).toBe(a.length);
    expect(a.length).toBeGreaterThan(0);
    expect(Math.max(...a.map((x, i) => Math.abs(x - (b[i] as number))))).toBeLessThan(1e-6);

    // Restarted again: everything is in the store already, nothing is written or told.
    const again = await embedded(await store(), corpus, cache);
    expect(again.events.map((e) => e.kind)).toEqual(['ready']);
  });

  it('that were shared once are not asked about again: a re-index asks about none of them', async () => {
    const cache = path.join(dir, 'cache');
    const own = path.join(dir, 'own');
    await cp(corpus, own, { recursive: true });
    await embedded(undefined, own, cache);
    const real = await store();
    const asked: string[][] = [];
    const counting: SharedVectors = {
      getVectors: (model, keys) => real.getVectors(model, keys),
      storedVectorKeys: (model, keys) => {
        asked.push([...keys]);
        return real.storedVectorKeys(model, keys);
      },
      putVectors: (model, entries) => real.putVectors(model, entries),
    };
    const { library, events } = await embedded(counting, own, cache);
    const before = new Set(unitTexts(library));
    expect(asked.flat()).toHaveLength(before.size);
    expect(events.at(-1)).toMatchObject({ kind: 'shared', checked: before.size, written: before.size });

    asked.length = 0;
    await writeFile(path.join(own, 'new.md'), '# Gardening\n\nTomatoes need full sun and steady watering.\n');
    expect((await library.reindex()).ok).toBe(true);
    await library.whenSemanticReady();
    const added = unitTexts(library).filter((t) => !before.has(t));
    expect(added.length).toBeGreaterThan(0);
    // The added texts were looked up and written while they were embedded: nothing is left to ask.
    expect(asked.flat()).toEqual([]);
    expect((await real.storedVectorKeys(MODEL, unitTexts(library).map(vectorKey))).size).toBe(
      unitTexts(library).length,
    );
  });

  it('found in the store or written to it while embedding are not asked about again', async () => {
    const real = await store();
    let asked = 0;
    const counting = (): SharedVectors => ({
      getVectors: (model, keys) => real.getVectors(model, keys),
      storedVectorKeys: (model, keys) => {
        asked += keys.length;
        return real.storedVectorKeys(model, keys);
      },
      putVectors: (model, entries) => real.putVectors(model, entries),
    });
    const first = await embedded(counting());
    expect(first.texts).toBe(unitTexts(first.library).length);
    const second = await embedded(counting());
    expect(second.texts).toBe(0);
    expect(asked).toBe(0);
  });

  it('that cannot be shared because the store fails: a warning, and the vectors are served all the same', async () => {
    const cache = path.join(dir, 'cache');
    await embedded(undefined, corpus, cache);
    const real = await store();
    const failing: SharedVectors = {
      getVectors: (model, keys) => real.getVectors(model, keys),
      storedVectorKeys: () => Promise.reject(new Error('connection reset')),
      putVectors: (model, entries) => real.putVectors(model, entries),
    };
    const { library, events, texts } = await embedded(failing, corpus, cache);
    expect(texts).toBe(0);
    expect(library.semanticCoverage.state).toBe('on');
    expect(library.index.vectors?.vectors).toHaveLength(library.index.passages.length);
    expect(events.map((e) => e.kind)).toEqual(['ready', 'warning']);
    expect(events[1]).toEqual({
      kind: 'warning',
      message:
        'the vectors held here could not be shared through the store (connection reset); other instances embed them again',
    });
  });
});
