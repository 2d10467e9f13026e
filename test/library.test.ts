import { cp, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { Library } from '../src/corpus/library.js';

const root = path.resolve(import.meta.dirname, '..');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-lib-'));
  await cp(path.join(root, 'corpus'), dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the index snapshot', () => {
  it('is immutable: its passage list cannot be changed', async () => {
    const lib = new Library({ dir });
    await lib.reindex();
    expect(() => (lib.index.passages as unknown[]).push({})).toThrow();
  });

  it('reports added, changed and removed articles on re-index', async () => {
    const lib = new Library({ dir });
    const first = await lib.reindex();
    expect(first).toMatchObject({ ok: true, files: 2, articles: 2 });
    expect(first.added).toHaveLength(2);
    await writeFile(path.join(dir, 'new.md'), '# Gardening\n\nTomatoes need full sun and steady watering.\n');
    await writeFile(
      path.join(dir, 'the-rise-of-open-source-ai.txt'),
      'Changed Title\nOnly one paragraph remains here.\n',
    );
    await unlink(path.join(dir, 'why-open-source-AI-is-thriving.txt'));
    const second = await lib.reindex();
    expect(second.added).toEqual(['new.md']);
    expect(second.changed).toEqual(['the-rise-of-open-source-ai.txt']);
    expect(second.removed).toEqual(['why-open-source-AI-is-thriving.txt']);
    expect(answerQuestion(lib.index, 'tomatoes sun').answered).toBe(true);
  });

  it('shares one run between overlapping re-index requests', async () => {
    const lib = new Library({ dir });
    const a = lib.reindex();
    const b = lib.reindex();
    expect(a).toBe(b);
    await a;
    const c = lib.reindex();
    expect(c).not.toBe(a);
    await c;
  });

  it('keeps the old snapshot serving when a rebuild fails, and says why', async () => {
    const lib = new Library({ dir });
    await lib.reindex();
    const before = lib.index;
    await rename(dir, `${dir}-gone`);
    try {
      const report = await lib.reindex();
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/does not exist/);
      expect(lib.index).toBe(before);
      expect(answerQuestion(lib.index, 'What is nanoGPT?').answered).toBe(true);
    } finally {
      await rename(`${dir}-gone`, dir);
    }
  });

  it('refuses to swap in an empty corpus over a populated one', async () => {
    const lib = new Library({ dir });
    await lib.reindex();
    const before = lib.index;
    await unlink(path.join(dir, 'the-rise-of-open-source-ai.txt'));
    await unlink(path.join(dir, 'why-open-source-AI-is-thriving.txt'));
    const report = await lib.reindex();
    expect(report.ok).toBe(false);
    expect(lib.index).toBe(before);
  });

  it('answers every concurrent query from one whole snapshot, old or new, never a mix', async () => {
    const lib = new Library({ dir });
    await lib.reindex();
    const oldIndex = lib.index;
    // The new corpus answers the same question from a different article.
    await writeFile(
      path.join(dir, 'zz-nano.txt'),
      'Nano Notes\nnanoGPT nanoGPT nanoGPT is a tiny teaching model.\n',
    );
    const seen = new Set<unknown>();
    let answers = 0;
    let stop = false;
    const asker = (async () => {
      while (!stop) {
        const snapshot = lib.index;
        seen.add(snapshot);
        const a = answerQuestion(snapshot, 'nanoGPT');
        // Every passage must come from the snapshot that answered.
        for (const p of a.passages) expect(snapshot.passages[p.passage.id]).toBe(p.passage);
        answers++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const report = await lib.reindex();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    stop = true;
    await asker;
    expect(report.ok).toBe(true);
    expect(answers).toBeGreaterThan(1);
    expect(seen.has(oldIndex)).toBe(true);
    expect(seen.has(lib.index)).toBe(true);
    expect(lib.index).not.toBe(oldIndex);
    expect(answerQuestion(lib.index, 'nanoGPT').passages[0]?.passage.origin.file).toBe('zz-nano.txt');
  });
});
