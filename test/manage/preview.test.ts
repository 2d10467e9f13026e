import { describe, expect, it } from 'vitest';
import { storeFileName } from '../../src/manage/draft.js';
import { readPayload } from '../../src/manage/payload.js';
import { contentHash, diffPassages, previewArticle } from '../../src/manage/preview.js';

describe('the preview of an article', () => {
  it('is split as the index splits it: title, sections, passages, a long passage as the sample', () => {
    const text =
      '# Bees\n\n## Hives\n\nShort.\n\nA hive holds one queen, thousands of workers and a few hundred drones in summer.\n\n## Honey\n\nBees make honey from nectar they bring back and dry in the comb.\n';
    const { preview, texts } = previewArticle('discord/bees-000000.md', text, 'bees.md');
    expect(preview.title).toBe('Bees');
    expect(preview.sections).toEqual(['Hives', 'Honey']);
    expect(preview.passages).toBe(texts.length);
    expect(texts).toContain('Short.');
    expect(preview.sample).toMatch(/^A hive holds one queen/u);
    expect(preview.bytes).toBe(Buffer.byteLength(text));
  });
});

describe('the diff of an update', () => {
  it('counts passages by text, whitespace aside, pairing removed with added as changed', () => {
    expect(diffPassages(['a  b', 'c', 'd'], ['a b', 'c2', 'e', 'f'])).toEqual({
      added: 1,
      changed: 2,
      removed: 0,
      unchanged: 1,
    });
    expect(diffPassages(['x', 'x', 'y'], ['x'])).toEqual({ added: 0, changed: 0, removed: 2, unchanged: 1 });
    expect(diffPassages([], [])).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 0 });
  });
});

describe('a Discord article’s file name', () => {
  it('is a slug of the title under discord/, with part of the hash', () => {
    const h = contentHash('text');
    expect(storeFileName('Écoles & Bees: 2025!', h, '.md')).toBe(
      `discord/ecoles-bees-2025-${h.slice(0, 6)}.md`,
    );
    expect(storeFileName('!!!', h, '.txt')).toBe(`discord/article-${h.slice(0, 6)}.txt`);
    expect(storeFileName('a'.repeat(300), h, '.md').length).toBeLessThan(80);
  });
});

describe('a stored proposal’s payload', () => {
  const article = {
    file: 'discord/a-000000.md',
    title: 'A',
    text: '# A\n\nText.',
    contentHash: 'h',
    addedBy: '1',
    addedAt: 5,
  };
  it('reads back what was written', () => {
    const p = { kind: 'add', article, replaces: { file: 'a.txt', origin: 'folder', title: 'A' } };
    expect(readPayload(JSON.stringify(p))).toEqual(p);
    expect(
      readPayload(JSON.stringify({ kind: 'remove', file: 'a.txt', title: 'A', origin: 'folder' })),
    ).toBeDefined();
  });
  it('refuses anything else', () => {
    for (const bad of [
      'not json',
      '[]',
      JSON.stringify({ kind: 'add', article: { ...article, addedAt: 'x' } }),
      JSON.stringify({ kind: 'remove', file: 'a.txt', title: 'A', origin: 'elsewhere' }),
      JSON.stringify({ kind: 'drop', file: 'a.txt' }),
      JSON.stringify({ kind: 'update', article }),
    ]) {
      expect(readPayload(bad), bad).toBeUndefined();
    }
  });
});
