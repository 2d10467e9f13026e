import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { passageVectorsOf, planUnits, unitVectors } from '../src/core/passage-units.js';
import { Library } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { listingFingerprint, loadSnapshot, SNAPSHOT_FILE, saveSnapshot } from '../src/corpus/snapshot.js';

const root = path.resolve(import.meta.dirname, '..');
let dir: string;
let corpus: string;
let cache: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-snap-'));
  corpus = path.join(dir, 'corpus');
  cache = path.join(dir, 'cache');
  await cp(path.join(root, 'corpus'), corpus, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const questions = [
  'What is nanoGPT?',
  'federeted lerning',
  'open-source hardware',
  'Who painted the Mona Lisa?',
];

/** Deterministic stand-in vectors for unit texts (no model needed). */
const fakeVector = (text: string) =>
  Float32Array.from({ length: 16 }, (_, i) => Math.sin((text.charCodeAt(i % text.length) || 1) * (i + 1)));

describe('index snapshots', () => {
  it('keep the unit vectors (passage, sentence, heading) and answer alike with them', async () => {
    const { sources } = await loadCorpus(corpus);
    const base = CorpusIndex.build(sources);
    const plan = planUnits(base.passages);
    const units = unitVectors(plan, plan.texts.map(fakeVector));
    const built = base.withVectors({
      model: 'fake',
      vectors: passageVectorsOf(units, base.passages.length),
      units,
    });
    const fp = (await listingFingerprint(corpus, {})) as string;
    await saveSnapshot(cache, built, fp);
    const loaded = await loadSnapshot(cache, fp);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const got = loaded.index.vectors;
    expect(got?.model).toBe('fake');
    expect(got?.units?.data).toEqual(units.data);
    expect(got?.units?.start).toEqual(units.start);
    expect(got?.units?.kind).toEqual(units.kind);
    expect(got?.vectors[3]).toEqual(built.vectors?.vectors[3]);
    const queryVector = fakeVector('open models cost less');
    for (const q of questions) {
      expect(answerQuestion(loaded.index, q, { queryVector })).toEqual(
        answerQuestion(built, q, { queryVector }),
      );
    }
  });

  it('round-trip: a loaded snapshot answers exactly like the index it was saved from', async () => {
    const { sources } = await loadCorpus(corpus);
    const built = CorpusIndex.build(sources);
    const fp = (await listingFingerprint(corpus, {})) as string;
    await saveSnapshot(cache, built, fp);
    const loaded = await loadSnapshot(cache, fp);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.index.passages).toEqual(built.passages);
    expect(loaded.index.articles).toEqual(built.articles);
    for (const q of questions) {
      expect(answerQuestion(loaded.index, q)).toEqual(answerQuestion(built, q));
      expect(loaded.index.suggest(q)).toEqual(built.suggest(q));
    }
  });

  it('is used at start-up when the fingerprint matches, and rebuilt and saved when it does not', async () => {
    const first = await new Library({ dir: corpus, cacheDir: cache }).reindex();
    expect(first.source).toBe('built');
    expect(first.snapshot).toMatch(/no snapshot yet; saved \d+ bytes/);
    const second = await new Library({ dir: corpus, cacheDir: cache }).reindex();
    expect(second.source).toBe('snapshot');
    await writeFile(path.join(corpus, 'extra.md'), '# Extra\n\nA brand new paragraph about glaciers.\n');
    const lib = new Library({ dir: corpus, cacheDir: cache });
    const third = await lib.reindex();
    expect(third.source).toBe('built');
    expect(third.snapshot).toMatch(/fingerprint differs/);
    expect(answerQuestion(lib.index, 'glaciers paragraph').answered).toBe(true);
    expect((await new Library({ dir: corpus, cacheDir: cache }).reindex()).source).toBe('snapshot');
  });

  it('changes the fingerprint when the index options or the files change, and only then', async () => {
    const base = await listingFingerprint(corpus, {});
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(await listingFingerprint(corpus, {})).toBe(base);
    expect(await listingFingerprint(corpus, { partWeight: 0.7 })).not.toBe(base);
    await writeFile(path.join(corpus, 'the-rise-of-open-source-ai.txt'), 'Edited\nA different body.\n');
    expect(await listingFingerprint(corpus, {})).not.toBe(base);
    expect(await listingFingerprint(path.join(dir, 'missing'), {})).toBeUndefined();
  });

  it('detects truncated, corrupt and foreign snapshot files, never trusts them, and rebuilds', async () => {
    await new Library({ dir: corpus, cacheDir: cache }).reindex();
    const file = path.join(cache, SNAPSHOT_FILE);
    const good = await readFile(file);
    const cases: [string, () => Promise<void>, RegExp][] = [
      ['truncated', () => truncate(file, Math.floor(good.length / 2)), /truncated/],
      [
        'corrupt',
        async () => {
          const bad = Buffer.from(good);
          bad[bad.length - 100] = (bad[bad.length - 100] ?? 0) ^ 0xff;
          await writeFile(file, bad);
        },
        /corrupt/,
      ],
      ['foreign', () => writeFile(file, '{"this": "is not a snapshot"}'), /not a citebot snapshot/],
      ['empty', () => writeFile(file, ''), /not a citebot snapshot/],
      ['header only', () => writeFile(file, good.subarray(0, good.indexOf(10, 20))), /header is truncated/],
    ];
    for (const [name, damage, reason] of cases) {
      await damage();
      const lib = new Library({ dir: corpus, cacheDir: cache });
      const report = await lib.reindex();
      expect(report.ok, name).toBe(true);
      expect(report.source, name).toBe('built');
      expect(report.snapshot, name).toMatch(reason);
      expect(answerQuestion(lib.index, 'What is nanoGPT?').answered, name).toBe(true);
      // The rebuild wrote a good snapshot again.
      expect((await new Library({ dir: corpus, cacheDir: cache }).reindex()).source, name).toBe('snapshot');
    }
  });

  it('writes atomically: no temporary file is left behind and a save never leaves a partial file', async () => {
    const { sources } = await loadCorpus(corpus);
    const index = CorpusIndex.build(sources);
    await Promise.all([1, 2, 3].map(() => saveSnapshot(cache, index, 'fp')));
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(cache)).toEqual([SNAPSHOT_FILE]);
    expect((await loadSnapshot(cache, 'fp')).ok).toBe(true);
  });
});
