import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AskResult } from '../src/commands/commands.js';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex, INDEX_DATA_VERSION } from '../src/core/corpus-index.js';
import { packPassages, unpackPassages } from '../src/core/passage-pack.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { listingFingerprint, loadSnapshot, SNAPSHOT_FILE, saveSnapshot } from '../src/corpus/snapshot.js';
import { answerJson } from '../src/render/json.js';

const root = path.resolve(import.meta.dirname, '..');
const GUIDE_URL = 'https://example.org/compilers';
const plain = {
  file: 'plain.txt',
  text: 'Plain Notes\n\nA paragraph about compilers without a link.\n',
  hash: 'p',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-url-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixtureIndex(): Promise<CorpusIndex> {
  const { sources } = await loadCorpus(path.join(root, 'test/fixture/markdown'));
  return CorpusIndex.build([...sources, plain]);
}

describe('source links', () => {
  it('every passage of an article with a front-matter url carries it; others have none', async () => {
    const index = await fixtureIndex();
    const guide = index.passages.filter((p) => p.origin.file === 'guide.md');
    const other = index.passages.filter((p) => p.origin.file === 'plain.txt');
    expect(guide.length).toBeGreaterThan(1);
    expect(other.length).toBeGreaterThan(0);
    for (const p of guide) expect(p.origin.url).toBe(GUIDE_URL);
    for (const p of other) expect('url' in p.origin).toBe(false);
    expect(index.articles.find((a) => a.file === 'guide.md')?.url).toBe(GUIDE_URL);
  });

  it('survives packing and a snapshot save/load round-trip', async () => {
    const index = await fixtureIndex();
    expect(unpackPassages(packPassages(index.passages))).toEqual(index.passages);
    const cache = path.join(dir, 'cache');
    const fp = (await listingFingerprint(path.join(root, 'test/fixture/markdown'), {})) as string;
    await saveSnapshot(cache, index, fp);
    const loaded = await loadSnapshot(cache, fp);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.index.passages).toEqual(index.passages);
    const urls = loaded.index.passages.filter((p) => p.origin.file === 'guide.md').map((p) => p.origin.url);
    expect(urls.length).toBeGreaterThan(1);
    expect(new Set(urls)).toEqual(new Set([GUIDE_URL]));
  });

  it('refuses a snapshot of the previous layout (rebuilt, not misread)', async () => {
    const index = await fixtureIndex();
    const cache = path.join(dir, 'cache');
    await saveSnapshot(cache, index, 'fp');
    const file = path.join(cache, SNAPSHOT_FILE);
    const buf = await readFile(file);
    const text = buf.toString('latin1');
    const old = text.replace(`"version":${INDEX_DATA_VERSION},`, `"version":${INDEX_DATA_VERSION - 1},`);
    expect(old).not.toBe(text);
    await writeFile(file, Buffer.from(old, 'latin1'));
    const loaded = await loadSnapshot(cache, 'fp');
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.reason).toMatch(/layout version/);
    // Passages packed in the old column layout (no url column) are refused too.
    const packed = { ...packPassages(index.passages), format: 'citebot-passages-1' };
    expect(() => unpackPassages(packed as unknown as ReturnType<typeof packPassages>)).toThrow(/layout/);
  });

  it('puts url on each JSON passage only when the article has one', async () => {
    const index = await fixtureIndex();
    const result = (q: string): AskResult => ({
      kind: 'answer',
      answer: answerQuestion(index, q),
      articles: [],
    });
    const withLink = answerJson('front end syntax errors', result('front end syntax errors'));
    expect(withLink.passages.length).toBeGreaterThan(0);
    for (const p of withLink.passages) {
      if (p.file === 'guide.md') expect(p.url).toBe(GUIDE_URL);
      else expect('url' in p).toBe(false);
    }
    expect(withLink.passages.some((p) => p.file === 'guide.md')).toBe(true);
    const without = answerJson('paragraph without a link', result('paragraph without a link'));
    const plainPassages = without.passages.filter((p) => p.file === 'plain.txt');
    expect(plainPassages.length).toBeGreaterThan(0);
    for (const p of plainPassages) expect('url' in p).toBe(false);
  });
});
