import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planUnits, unitVectors } from '../src/core/passage-units.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { Library, type SemanticEvent } from '../src/corpus/library.js';
import { loadUnits, saveUnits, unitFile } from '../src/corpus/unit-file.js';
import type { Embedder } from '../src/semantic/embedder.js';
import { charVector } from './models.js';
import { DEFAULT_SEED, generateCorpus } from '../bench/generate.js';
import { hashVector } from '../bench/hash-vector.js';
import { readSourceTexts, writeCorpus } from '../bench/write-corpus.js';
import { EXACT_SCAN_MAX_ROWS, unitRows } from '../src/core/semantic-rank.js';
import { builtVectorIndex } from '../src/core/vector-index.js';

const root = path.resolve(import.meta.dirname, '..');
let dir: string;
let cacheDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-units-'));
  cacheDir = path.join(dir, 'cache');
  await cp(path.join(root, 'corpus'), path.join(dir, 'corpus'), { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A deterministic stand-in model: 8 dimensions from the text's character codes. */
function countingEmbedder(model = 'test-model'): Embedder & { calls: number; texts: number } {
  const e = {
    model,
    calls: 0,
    texts: 0,
    embed: (texts: string[]) => {
      e.calls++;
      e.texts += texts.length;
      return Promise.resolve(texts.map(charVector));
    },
  };
  return e;
}

async function sampleUnits() {
  const lib = new Library({ dir: path.join(dir, 'corpus') });
  await lib.reindex();
  const index: CorpusIndex = lib.index;
  const plan = planUnits(index.passages);
  const units = unitVectors(
    plan,
    plan.texts.map((t, i) => Float32Array.from({ length: 8 }, (_, k) => ((i + 1) * (k + 3) + t.length) % 7)),
  );
  return { index, units };
}

describe('the unit file', () => {
  it('gives back the same unit vectors for the same model, snapshot and passage count', async () => {
    const { index, units } = await sampleUnits();
    const n = index.passages.length;
    await saveUnits(dir, 'm1', 'fp-1', n, units);
    const loaded = await loadUnits(dir, 'm1', 'fp-1', n);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.units.dim).toBe(units.dim);
    expect(Array.from(loaded.units.start)).toEqual(Array.from(units.start));
    expect(Array.from(loaded.units.kind)).toEqual(Array.from(units.kind));
    expect(Array.from(loaded.units.row)).toEqual(Array.from(units.row));
    expect(Array.from(loaded.units.data)).toEqual(Array.from(units.data));
  });

  it("keeps the vector search's mean when one is given, checked like the layout", async () => {
    const { index, units } = await sampleUnits();
    const n = index.passages.length;
    await saveUnits(dir, 'm1', 'fp-1', n, units);
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toMatchObject({ ok: true, mean: undefined });
    const mean = Float32Array.from({ length: units.dim }, (_, j) => j / 3);
    await saveUnits(dir, 'm1', 'fp-1', n, units, mean);
    const loaded = await loadUnits(dir, 'm1', 'fp-1', n);
    expect(loaded.ok && Array.from(loaded.mean ?? [])).toEqual(Array.from(mean));
    await expect(saveUnits(dir, 'm1', 'fp-1', n, units, new Float32Array(units.dim + 1))).rejects.toThrow(
      /a mean of 9 numbers for vectors of 8/,
    );
    const file = unitFile(dir, 'm1');
    const flipped = await readFile(file);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 0xff;
    await writeFile(file, flipped);
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toMatchObject({ ok: false, reason: /checksum/ });
  });

  it('refuses a file of the first layout (no mean), which a restart replaces', async () => {
    const { index, units } = await sampleUnits();
    const n = index.passages.length;
    await saveUnits(dir, 'm1', 'fp-1', n, units);
    const file = unitFile(dir, 'm1');
    const bytes = await readFile(file);
    const at = bytes.indexOf('"version":2');
    expect(at).toBeGreaterThan(0);
    bytes.write('"version":1', at, 'latin1');
    await writeFile(file, bytes);
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toEqual({ ok: false, reason: 'unit file layout 1' });
  });

  it('refuses another model, another snapshot, a truncated, corrupt or foreign file with a reason', async () => {
    const { index, units } = await sampleUnits();
    const n = index.passages.length;
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toEqual({ ok: false, reason: 'no unit file' });
    await saveUnits(dir, 'm1', 'fp-1', n, units);
    expect(await loadUnits(dir, 'm1', 'fp-2', n)).toMatchObject({ ok: false, reason: /another snapshot/ });
    expect(await loadUnits(dir, 'm1', 'fp-1', n + 1)).toMatchObject({
      ok: false,
      reason: /another snapshot/,
    });
    const file = unitFile(dir, 'm1');
    const good = await readFile(file);
    await writeFile(unitFile(dir, 'm2'), good);
    expect(await loadUnits(dir, 'm2', 'fp-1', n)).toMatchObject({ ok: false, reason: /another model/ });
    await writeFile(file, good.subarray(0, good.length - 4));
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toMatchObject({ ok: false, reason: /truncated/ });
    // A flipped byte in the layout (the row section ends just before the vectors).
    const flipped = Buffer.from(good);
    const at = good.length - units.data.byteLength - 2;
    flipped[at] = (flipped[at] as number) ^ 0xff;
    await writeFile(file, flipped);
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toMatchObject({ ok: false, reason: /checksum/ });
    // A flipped byte in the last block of the vectors.
    const tail = Buffer.from(good);
    tail[tail.length - 1] = (tail[tail.length - 1] as number) ^ 0xff;
    await writeFile(file, tail);
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toMatchObject({ ok: false, reason: /checksum/ });
    await writeFile(file, 'not a unit file at all\n');
    expect(await loadUnits(dir, 'm1', 'fp-1', n)).toMatchObject({ ok: false, reason: /not a unit file/ });
  });
});

describe('a restart with the unit file', () => {
  it('attaches the saved vectors without embedding anything, the same vectors as before', async () => {
    const corpus = path.join(dir, 'corpus');
    const first = countingEmbedder();
    const lib1 = new Library({ dir: corpus, cacheDir, embedder: first });
    await lib1.reindex();
    expect((await lib1.whenSemanticReady()).state).toBe('on');
    expect(first.texts).toBeGreaterThan(0);
    const before = lib1.index.vectors?.units;

    const second = countingEmbedder();
    const events: SemanticEvent[] = [];
    const lib2 = new Library({ dir: corpus, cacheDir, embedder: second, onSemantic: (e) => events.push(e) });
    await lib2.reindex();
    expect((await lib2.whenSemanticReady()).state).toBe('on');
    expect(second.calls).toBe(0);
    expect(events).toEqual([
      expect.objectContaining({ kind: 'ready', embedded: 0, cache: expect.stringMatching(/^unit file/) }),
    ]);
    expect(Array.from(lib2.index.vectors?.units?.data ?? [])).toEqual(Array.from(before?.data ?? []));
  });

  it('is not used once the corpus changed: only the changed text is embedded, from the vector cache', async () => {
    const corpus = path.join(dir, 'corpus');
    const lib1 = new Library({ dir: corpus, cacheDir, embedder: countingEmbedder() });
    await lib1.reindex();
    await lib1.whenSemanticReady();
    await writeFile(
      path.join(corpus, 'extra.md'),
      '# Extra\n\nA short new article about compost heaps and worms.\n',
    );
    const second = countingEmbedder();
    const lib2 = new Library({ dir: corpus, cacheDir, embedder: second });
    await lib2.reindex();
    expect((await lib2.whenSemanticReady()).state).toBe('on');
    expect(second.texts).toBeGreaterThan(0);
    expect(second.texts).toBeLessThan(10);
  });
});

describe('a corrupt unit file', () => {
  it('is ignored with a warning, and the vector cache supplies every vector', async () => {
    const corpus = path.join(dir, 'corpus');
    const first = countingEmbedder();
    const lib1 = new Library({ dir: corpus, cacheDir, embedder: first });
    await lib1.reindex();
    await lib1.whenSemanticReady();
    const file = unitFile(cacheDir, first.model);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(file, bytes);
    const second = countingEmbedder();
    const warnings: string[] = [];
    const lib2 = new Library({
      dir: corpus,
      cacheDir,
      embedder: second,
      onSemantic: (e) => {
        if (e.kind === 'warning') warnings.push(e.message);
      },
    });
    await lib2.reindex();
    expect((await lib2.whenSemanticReady()).state).toBe('on');
    expect(warnings.join('\n')).toMatch(/unit file is corrupt.*vector cache/);
    expect(second.texts).toBe(0);
  });
});

describe('a restart of a corpus large enough for the vector search', () => {
  it("saves the search's mean with the vectors and builds the same search from it", async () => {
    const big = path.join(dir, 'big');
    const generated = generateCorpus({ scale: 60, seed: DEFAULT_SEED, sourceTexts: await readSourceTexts() });
    await writeCorpus(big, generated.files);
    const hashing: Embedder = {
      model: 'hashed',
      embed: (texts) => Promise.resolve(texts.map((t) => hashVector(t))),
    };
    const lib1 = new Library({ dir: big, cacheDir, embedder: hashing });
    await lib1.reindex();
    expect((await lib1.whenSemanticReady()).state).toBe('on');
    expect(unitRows(lib1.index)).toBeGreaterThan(EXACT_SCAN_MAX_ROWS);
    const rows = lib1.index.vectors?.vectors ?? [];
    const first = builtVectorIndex(rows);
    expect(first).toBeDefined();
    // The header line of the file the first run saved names the snapshot it belongs to.
    const header = (await readFile(unitFile(cacheDir, 'hashed'), 'latin1')).split('\n')[1] ?? '{}';
    const { fingerprint } = JSON.parse(header) as { fingerprint: string };
    const saved = await loadUnits(cacheDir, 'hashed', fingerprint, lib1.index.passages.length);
    expect(saved.ok && Array.from(saved.mean ?? [])).toEqual(Array.from(first?.mean ?? [1]));

    let embedded = 0;
    const refusing: Embedder = {
      model: 'hashed',
      embed: (texts) => {
        embedded += texts.length;
        return Promise.reject(new Error('embedded again'));
      },
    };
    const lib2 = new Library({ dir: big, cacheDir, embedder: refusing });
    await lib2.reindex();
    expect((await lib2.whenSemanticReady()).state).toBe('on');
    expect(embedded).toBe(0);
    const again = builtVectorIndex(lib2.index.vectors?.vectors ?? []);
    expect(Array.from(again?.mean ?? [])).toEqual(Array.from(first?.mean ?? [1]));
    for (const id of [0, Math.floor(rows.length / 2), rows.length - 1]) {
      const q = rows[id] as Float32Array;
      expect(again?.search(q, 10)).toEqual(first?.search(q, 10));
    }
  }, 120_000);
});
