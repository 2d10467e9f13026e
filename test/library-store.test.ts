import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { Library } from '../src/corpus/library.js';
import type { StoreSources } from '../src/corpus/store-sources.js';

const root = path.resolve(import.meta.dirname, '..');
const RISE = 'the-rise-of-open-source-ai.txt';
let dir: string;
let cache: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-libstore-'));
  cache = await mkdtemp(path.join(tmpdir(), 'citebot-libstore-cache-'));
  await cp(path.join(root, 'corpus'), dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(cache, { recursive: true, force: true });
});

const garden = (revision: number, hidden: string[] = []): StoreSources => ({
  revision,
  hidden: new Set(hidden),
  sources: [
    {
      file: 'discord/gardening-abc123.md',
      text: '# Gardening\n\nTomatoes need full sun and steady watering through the summer.\n',
      hash: 'abc123',
    },
  ],
});

describe('the index from the folder plus the store', () => {
  it('adds the store’s articles and leaves the hidden folder files out', async () => {
    let extra = garden(1);
    const lib = new Library({ dir, cacheDir: cache, storeSources: () => Promise.resolve(extra) });
    const first = await lib.reindex();
    expect(first.ok).toBe(true);
    expect(lib.index.articles.map((a) => a.file).sort()).toEqual(
      ['discord/gardening-abc123.md', RISE, 'why-open-source-AI-is-thriving.txt'].sort(),
    );
    expect(answerQuestion(lib.index, 'tomatoes full sun').passages[0]?.passage.origin.file).toBe(
      'discord/gardening-abc123.md',
    );
    // Same folder, same store revision: the serving snapshot is kept as it is.
    expect((await lib.reindex()).snapshot).toBe('unchanged');
    // A new revision (a tombstone) is a new snapshot, built without the hidden file.
    extra = garden(2, [RISE]);
    const second = await lib.reindex();
    expect(second.removed).toEqual([RISE]);
    expect(lib.index.articles.some((a) => a.file === RISE)).toBe(false);
  });

  it('skips a folder file that has a Discord article’s name, with the reason', async () => {
    const clash: StoreSources = {
      revision: 1,
      hidden: new Set(),
      sources: [{ file: RISE, text: 'Stored\n\nA stored article with the folder file’s name.\n', hash: 'x' }],
    };
    const lib = new Library({ dir, storeSources: () => Promise.resolve(clash) });
    const r = await lib.reindex();
    expect(r.skipped).toEqual([{ file: RISE, reason: expect.stringMatching(/added from Discord/u) }]);
    expect(lib.index.articles.filter((a) => a.file === RISE)).toHaveLength(1);
  });

  it('keeps the old snapshot when the store cannot be read', async () => {
    let fail = false;
    const lib = new Library({
      dir,
      storeSources: () =>
        fail ? Promise.reject(new Error('database is locked')) : Promise.resolve(garden(1)),
    });
    await lib.reindex();
    const before = lib.index;
    fail = true;
    const r = await lib.reindex();
    expect(r).toMatchObject({ ok: false, error: 'database is locked' });
    expect(lib.index).toBe(before);
  });

  it('runs once more after a run under way for a fresh request, shared by every fresh request', async () => {
    let reads = 0;
    let extra = garden(1);
    const lib = new Library({
      dir,
      storeSources: () => {
        reads++;
        return Promise.resolve(extra);
      },
    });
    const a = lib.reindex();
    // The change is stored while the first run is under way: a fresh request sees it.
    extra = garden(2, [RISE]);
    const b = lib.reindex({ fresh: true });
    const c = lib.reindex({ fresh: true });
    expect(b).toBe(c);
    expect(b).not.toBe(a);
    await Promise.all([a, b]);
    expect(reads).toBe(2);
    expect(lib.index.articles.some((x) => x.file === RISE)).toBe(false);
    // Without a run under way, fresh is an ordinary run.
    const d = lib.reindex({ fresh: true });
    expect(d).toBe(lib.reindex());
    await d;
  });
});
