import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, generateQuestions, type GeneratedCorpus } from '../bench/generate.js';
import { readSourceTexts, writeCorpus, WriteCorpusError } from '../bench/write-corpus.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { type LoadedCorpus, loadCorpus } from '../src/corpus/loader.js';

/** The bundled articles' size: scale 1 is about this many bytes (≈ 26 KB). */
const SOURCE_BYTES = 26_000;

let sourceTexts: string[];
let base: string;
let small: GeneratedCorpus;
let loaded: LoadedCorpus;
let index: CorpusIndex;

const indexOf = (corpus: GeneratedCorpus) =>
  CorpusIndex.build(corpus.files.map((f) => ({ file: f.name, text: f.text, hash: 'h' })));

beforeAll(async () => {
  sourceTexts = await readSourceTexts();
  base = await mkdtemp(path.join(tmpdir(), 'citebot-generate-'));
  small = generateCorpus({ scale: 3, seed: 7, sourceTexts });
  await writeCorpus(path.join(base, 'corpus'), small.files);
  loaded = await loadCorpus(path.join(base, 'corpus'));
  index = CorpusIndex.build(loaded.sources);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('generating a synthetic corpus', () => {
  it('gives byte-identical output for the same seed and scale', () => {
    const a = generateCorpus({ scale: 2, seed: 42, sourceTexts });
    const b = generateCorpus({ scale: 2, seed: 42, sourceTexts });
    expect(b).toEqual(a);
    expect(generateQuestions({ files: a.files, count: 30, seed: 5 })).toEqual(
      generateQuestions({ files: b.files, count: 30, seed: 5 }),
    );
  });

  it('gives a different corpus for a different seed', () => {
    const a = generateCorpus({ scale: 2, seed: 1, sourceTexts });
    const b = generateCorpus({ scale: 2, seed: 2, sourceTexts });
    expect(b.files.map((f) => f.text).join('')).not.toEqual(a.files.map((f) => f.text).join(''));
  });

  it.each([1, 20])('makes scale %i within 10% of 26 KB × scale, and counts its bytes exactly', (scale) => {
    const corpus = generateCorpus({ scale, sourceTexts });
    expect(corpus.bytes).toBeGreaterThan(SOURCE_BYTES * scale * 0.9);
    expect(corpus.bytes).toBeLessThan(SOURCE_BYTES * scale * 1.1);
    expect(corpus.bytes).toBe(corpus.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0));
  });

  it('writes articles of 1–25 KB under unique, readable names in topic folders', () => {
    const corpus = generateCorpus({ scale: 20, sourceTexts });
    const names = corpus.files.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^topic-\d\d\/[a-z0-9]+(?:-[a-z0-9]+)*\.(?:txt|md)$/);
    expect(new Set(names.map((n) => n.split('/')[0])).size).toBeGreaterThan(1);
    expect(names.some((n) => n.endsWith('.md'))).toBe(true);
    for (const f of corpus.files) {
      expect(f.text.length).toBeGreaterThan(1_000);
      expect(f.text.length).toBeLessThan(25_000);
    }
  });

  it('writes Markdown articles with front matter and headings', () => {
    const md = small.files.filter((f) => f.name.endsWith('.md'));
    expect(md.length).toBeGreaterThan(0);
    for (const f of md) {
      expect(f.text).toMatch(/^---\ntitle: .+\ndate: \d{4}-\d\d-\d\d\n(?:author: .+\n)?---\n/);
      expect(f.text).toMatch(/^## \S/m);
    }
  });

  it('repeats a few topic words within an article that are rare elsewhere', () => {
    // The most repeated long word of an article, counted in the others.
    const words = (text: string) => text.toLowerCase().match(/\p{L}{6,}/gu) ?? [];
    const [first, ...others] = small.files;
    const counts = new Map<string, number>();
    for (const w of words(first?.text ?? '')) counts.set(w, (counts.get(w) ?? 0) + 1);
    const elsewhere = new Set(others.flatMap((f) => words(f.text)));
    const topical = [...counts].filter(([w, n]) => n >= 3 && !elsewhere.has(w));
    expect(topical.length).toBeGreaterThan(0);
  });
});

describe('the generated corpus in the real pipeline', () => {
  it('loads every file without skipping any', () => {
    expect(loaded.skipped).toEqual([]);
    expect(loaded.sources).toHaveLength(small.files.length);
    expect(loaded.bytes).toBe(small.bytes);
  });

  it('gives every article the title written in it, not one made from its file name', () => {
    expect(index.articles).toHaveLength(small.files.length);
    for (const a of index.articles) {
      const text = small.files.find((f) => f.name === a.file)?.text ?? '';
      expect(text.split('\n')).toContain(a.file.endsWith('.md') ? `title: ${a.title}` : a.title);
      expect(index.passages.some((p) => p.text === a.title)).toBe(false);
    }
    expect(index.articles.some((a) => a.date !== undefined)).toBe(true);
  });

  it('puts most passages in a section, some in nested sections, and has list items with their lead-in', () => {
    const passages = index.passages;
    expect(passages.filter((p) => p.origin.section !== '').length).toBeGreaterThan(passages.length * 0.8);
    expect(passages.some((p) => p.origin.section.includes(' › '))).toBe(true);
    const items = passages.filter((p) => p.kind === 'item');
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((p) => p.context?.endsWith(':'))).toBe(true);
  });

  it('joins hard-wrapped paragraphs into one passage of whole sentences', () => {
    const wrapped = index.passages.filter((p) => p.origin.lines[1] > p.origin.lines[0]);
    expect(wrapped.length).toBeGreaterThan(0);
    for (const p of index.passages) expect(p.text).toMatch(/[.:]$/);
  });

  it('answers at least 90% of the sentence-like questions', () => {
    const questions = generateQuestions({ files: small.files, count: 50 });
    const sentences = questions.filter((q) => q.kind === 'sentence');
    const answered = sentences.filter((q) => index.search(q.q).length > 0);
    expect(answered.length).toBeGreaterThanOrEqual(sentences.length * 0.9);
  });

  it('grows its vocabulary with the scale', () => {
    const terms1 = indexOf(generateCorpus({ scale: 1, seed: 7, sourceTexts })).stats.terms;
    const terms10 = indexOf(generateCorpus({ scale: 10, seed: 7, sourceTexts })).stats.terms;
    expect(index.stats.terms).toBeGreaterThan(terms1);
    expect(terms10).toBeGreaterThan(index.stats.terms * 1.5);
  });
});

describe('the benchmark question set', () => {
  const questions = () => generateQuestions({ files: small.files, count: 100, seed: 3 });

  it('mixes 60% sentence-like, 30% keyword and 10% head questions', () => {
    const kinds = questions().map((q) => q.kind);
    expect(kinds.filter((k) => k === 'sentence')).toHaveLength(60);
    expect(kinds.filter((k) => k === 'keyword')).toHaveLength(30);
    expect(kinds.filter((k) => k === 'head')).toHaveLength(10);
  });

  it('keeps keyword queries to 1–3 words and head queries to 1–2 common words', () => {
    for (const q of questions()) {
      const n = q.q.split(' ').length;
      if (q.kind === 'keyword') expect(n).toBeLessThanOrEqual(3);
      if (q.kind === 'head') {
        expect(n).toBeLessThanOrEqual(2);
        expect(index.search(q.q, { limit: 1000 }).length).toBeGreaterThan(20);
      }
    }
  });

  it('changes with the seed', () => {
    const other = generateQuestions({ files: small.files, count: 100, seed: 4 });
    expect(other).not.toEqual(questions());
  });
});

describe('writing a corpus to a folder', () => {
  it('refuses a folder that is not empty, unless forced', async () => {
    const dir = await mkdtemp(path.join(base, 'busy-'));
    await writeFile(path.join(dir, 'mine.txt'), 'Keep Me\nThis file belongs to someone.\n');
    const files = [{ name: 'topic-01/a.txt', text: 'A\nText.\n' }];
    await expect(writeCorpus(dir, files)).rejects.toThrow(WriteCorpusError);
    expect(await readdir(dir)).toEqual(['mine.txt']);
    await writeCorpus(dir, files, { force: true });
    expect((await readdir(dir)).sort()).toEqual(['mine.txt', 'topic-01']);
  });

  it('refuses file names that would leave the folder', async () => {
    const dir = path.join(base, 'escape');
    for (const name of ['../x.txt', '/etc/x.txt', 'a/../../x.txt', 'a//b.txt', 'a\\..\\x.txt']) {
      await expect(writeCorpus(dir, [{ name, text: 'X\nY.\n' }], { force: true })).rejects.toThrow(
        WriteCorpusError,
      );
    }
    expect(await readdir(base)).not.toContain('x.txt');
  });
});
