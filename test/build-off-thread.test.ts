import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex, type IndexData } from '../src/core/corpus-index.js';
import type { SourceText } from '../src/core/types.js';
import { buildSnapshot } from '../src/corpus/build-off-thread.js';
import { Library } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';

const corpus = fileURLToPath(new URL('../corpus/', import.meta.url));
const QUESTIONS = ['who can use open source models?', 'what are the risks', 'PyTorch', 'does it cost money'];
let sources: SourceText[];
let dir: string;
beforeAll(async () => {
  sources = (await loadCorpus(corpus)).sources;
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-build-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A snapshot's data without the build time, which differs between two builds. */
const dataOf = (index: CorpusIndex) => ({ ...index.toData(), buildMs: 0 });
/**
 * The snapshot as a restart reads it back from its file. (Read back, the search index packs its
 * terms in another order, so the thread's result is compared with this, and answers with a build's.)
 */
const readBack = (index: CorpusIndex) =>
  CorpusIndex.fromData(v8.deserialize(v8.serialize(index.toData())) as IndexData);
const answersOf = (index: CorpusIndex) =>
  QUESTIONS.map((q) => answerQuestion(index, q).passages.map((p) => [p.passage.id, p.quote]));

describe('building a snapshot off the main thread', () => {
  it('gives, from the build thread, the snapshot a build here gives, and its serialised form', async () => {
    const here = CorpusIndex.build(sources);
    const built = await buildSnapshot(sources, {}, 0);
    expect(built.body).toBeInstanceOf(Buffer);
    expect(dataOf(built.index)).toEqual(dataOf(readBack(here)));
    expect(answersOf(built.index)).toEqual(answersOf(here));
    // The body is the snapshot file's: it is the build's own data, not yet read back.
    expect({ ...(v8.deserialize(built.body as Buffer) as IndexData), buildMs: 0 }).toEqual(dataOf(here));
  });

  it('reads a snapshot back in slices with pauses, as fromData does at once', async () => {
    const data = CorpusIndex.build(sources).toData();
    let pauses = 0;
    const back = await CorpusIndex.fromDataPaced(data, () => {
      pauses++;
      return Promise.resolve();
    });
    // After the documents, after the passages, and after each slice of terms.
    expect(pauses).toBeGreaterThanOrEqual(2);
    expect(dataOf(back)).toEqual(dataOf(CorpusIndex.fromData(data)));
    expect(answersOf(back)).toEqual(answersOf(CorpusIndex.fromData(data)));
  });

  it('builds on this thread below the size given, with the same ranking options', async () => {
    const ranking = { boost: { title: 3, section: 2, text: 1, context: 0.5 } };
    const built = await buildSnapshot(sources, ranking);
    expect(built.body).toBeUndefined();
    expect(built.index.ranking.boost).toEqual(ranking.boost);
    const threaded = await buildSnapshot(sources, ranking, 0);
    expect(dataOf(threaded.index)).toEqual(dataOf(readBack(built.index)));
  });

  it("rejects with the build's own error from the thread", async () => {
    const bad = [{ file: 'a.txt', text: 42, hash: 'x' } as unknown as SourceText];
    await expect(buildSnapshot(bad, {}, 0)).rejects.toThrow(Error);
    await expect(buildSnapshot(bad, {}, 0)).rejects.not.toThrow(/build thread (failed|ended)/u);
  });

  it('serves and saves a snapshot built off the thread; a restart loads it', async () => {
    const lib = new Library({ dir: corpus, cacheDir: dir, offThreadBuildChars: 0 });
    const report = await lib.reindex();
    expect(report).toMatchObject({ ok: true, source: 'built' });
    expect(report.snapshot).toMatch(/saved \d+ bytes/u);
    const restarted = new Library({ dir: corpus, cacheDir: dir });
    expect(await restarted.reindex()).toMatchObject({ ok: true, source: 'snapshot' });
    expect(answersOf(restarted.index)).toEqual(answersOf(CorpusIndex.build(sources)));
    expect(dataOf(restarted.index)).toEqual(dataOf(lib.index));
  });
});
