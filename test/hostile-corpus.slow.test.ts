/**
 * The heavy hostile-corpus cases (`npm run test:slow`): a 50 MB file, 10,000 small files,
 * the file-count cap on them, and a maximum-size file of one-line paragraphs. Files are made
 * in a temporary folder at test time; the times measured are printed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { Library } from '../src/corpus/library.js';
import { DEFAULT_MAX_FILE_BYTES, loadCorpus } from '../src/corpus/loader.js';

/** Bytes the loader reads, per file name, and a size that fstat() reports instead of the real one. */
const io = vi.hoisted(() => ({ bytesRead: new Map<string, number>(), fakeSize: new Map<string, number>() }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const { observedFs } = await import('./observed-fs.js');
  return observedFs(await importOriginal(), io);
});

const MiB = 1024 * 1024;
let base: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'citebot-hostile-slow-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('a 50 MB file', () => {
  let dir: string;

  beforeAll(async () => {
    dir = path.join(base, 'huge');
    await mkdir(dir, { recursive: true });
    const para = 'The huge file repeats this sentence about a walrus and a carpenter. ';
    const chunk = Buffer.from(`${para.repeat(Math.ceil(MiB / para.length))}\n`.slice(0, MiB));
    await writeFile(
      path.join(dir, 'huge.txt'),
      Buffer.concat([Buffer.from('Huge File\n'), ...Array(50).fill(chunk)]),
    );
    await writeFile(path.join(dir, 'fine.txt'), 'Fine Article\nThe fine article is about oysters.\n');
  });

  it('is skipped by the size limit without being read, and the rest is indexed', async () => {
    io.bytesRead.delete('huge.txt');
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const lib = new Library({ dir });
    const report = await lib.reindex();
    const ms = performance.now() - t0;
    expect(report.ok).toBe(true);
    expect(report.files).toBe(1);
    expect(report.skipped).toEqual([{ file: 'huge.txt', reason: 'larger than the 5 MiB limit (50 MiB)' }]);
    expect(io.bytesRead.get('huge.txt') ?? 0).toBe(0);
    expect(answerQuestion(lib.index, 'walrus carpenter').answered).toBe(false);
    console.log(
      `50 MB file: skipped in ${Math.round(ms)} ms, ${io.bytesRead.get('huge.txt') ?? 0} bytes of it read, heap +${Math.round((process.memoryUsage().heapUsed - heap0) / MiB)} MiB`,
    );
  });

  it('is read no further than the limit + 1 bytes when its size looks small (it grew after the check)', async () => {
    io.bytesRead.delete('huge.txt');
    io.fakeSize.set('huge.txt', 1000);
    try {
      const loaded = await loadCorpus(dir);
      expect(loaded.sources.map((s) => s.file)).toEqual(['fine.txt']);
      expect(loaded.skipped).toEqual([{ file: 'huge.txt', reason: 'larger than the 5 MiB limit' }]);
      expect(io.bytesRead.get('huge.txt')).toBe(DEFAULT_MAX_FILE_BYTES + 1);
    } finally {
      io.fakeSize.delete('huge.txt');
    }
  });
});

describe('10,000 small files', () => {
  const N = 10_000;
  let dir: string;
  const topics = ['otters', 'comets', 'teapots', 'glaciers', 'violins', 'lichens', 'ferries', 'quasars'];

  beforeAll(async () => {
    dir = path.join(base, 'many');
    for (let d = 0; d < 100; d++) {
      const sub = path.join(dir, `d${String(d).padStart(2, '0')}`);
      await mkdir(sub, { recursive: true });
      await Promise.all(
        Array.from({ length: N / 100 }, (_, k) => {
          const i = d * 100 + k;
          const t = topics[i % topics.length] ?? 'otters';
          return writeFile(
            path.join(sub, `note-${String(i).padStart(5, '0')}.${i % 2 ? 'md' : 'txt'}`),
            `Note ${i} About ${t}\nThe note numbered ${i} says ${t} are studied in depth here.\n\nA second paragraph mentions serial s${i}x.\n`,
          );
        }),
      );
    }
  });

  it('indexes all of them, and reports the time', async () => {
    let t0 = performance.now();
    const loaded = await loadCorpus(dir);
    const loadMs = performance.now() - t0;
    expect(loaded.sources).toHaveLength(N);
    expect(loaded.skipped).toEqual([]);
    t0 = performance.now();
    const index = CorpusIndex.build(loaded.sources);
    const buildMs = performance.now() - t0;
    expect(index.articles).toHaveLength(N);
    expect(index.passages).toHaveLength(2 * N);
    t0 = performance.now();
    const a = answerQuestion(index, 'serial s4242x');
    const answerMs = performance.now() - t0;
    expect(a.passages[0]?.passage.origin.file).toBe('d42/note-04242.txt');
    t0 = performance.now();
    const report = await new Library({ dir }).reindex();
    const reindexMs = performance.now() - t0;
    expect(report).toMatchObject({ ok: true, files: N, articles: N, skipped: [] });
    console.log(
      `10,000 files: load ${Math.round(loadMs)} ms, build ${Math.round(buildMs)} ms, answer ${answerMs.toFixed(1)} ms, Library.reindex ${Math.round(reindexMs)} ms`,
    );
  });

  it('stops at maxFiles, naming the first file left out and the count', async () => {
    const loaded = await loadCorpus(dir, { maxFiles: 9_000 });
    expect(loaded.sources).toHaveLength(9_000);
    expect(loaded.skipped).toEqual([
      {
        file: 'd90/note-09000.txt',
        reason: 'more than 9000 files in the corpus: this file and 999 more were not read',
      },
    ]);
  });
});

describe('a maximum-size file of one-line paragraphs', () => {
  it('is indexed, and the time is reported', async () => {
    const dir = path.join(base, 'lines');
    await mkdir(dir, { recursive: true });
    const words = ['amber', 'basalt', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'heath'];
    const lines: string[] = ['Many Lines'];
    let size = 11;
    for (let i = 0; size < DEFAULT_MAX_FILE_BYTES - 64; i++) {
      const line = `${words[i % 8]} line ${i}.`;
      lines.push(line);
      size += line.length + 1;
    }
    await writeFile(path.join(dir, 'lines.txt'), `${lines.join('\n')}\n`);
    const t0 = performance.now();
    const lib = new Library({ dir });
    const report = await lib.reindex();
    const ms = performance.now() - t0;
    expect(report).toMatchObject({ ok: true, files: 1, skipped: [] });
    expect(report.passages).toBe(lines.length - 1);
    const t1 = performance.now();
    const a = answerQuestion(lib.index, 'cobalt line 4242');
    const answerMs = performance.now() - t1;
    expect(a.passages[0]?.passage.text).toBe('cobalt line 4242.');
    console.log(
      `5 MiB of one-line paragraphs: ${report.passages} passages, reindex ${Math.round(ms)} ms (build ${Math.round(lib.index.stats.buildMs)} ms), answer ${answerMs.toFixed(1)} ms`,
    );
  });
});
