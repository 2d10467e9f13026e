import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusFolderError, loadCorpus } from '../src/corpus/loader.js';

let base: string;
let dir: string;
const good = 'Good Article\nThis body text is perfectly fine to index.\n';

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'citebot-loader-'));
  dir = path.join(base, 'corpus');
  await mkdir(path.join(dir, 'nested/deeper'), { recursive: true });
  await writeFile(
    path.join(base, 'secret.txt'),
    'Outside Secret\nThis text lives outside the corpus folder.\n',
  );
  await writeFile(path.join(dir, 'good.txt'), good);
  await writeFile(path.join(dir, 'nested/deeper/also-good.md'), '# Deep\n\nA nested Markdown article.\n');
  await writeFile(path.join(dir, 'empty.txt'), '');
  await writeFile(path.join(dir, 'blank.md'), '  \n\n\t\n');
  await writeFile(path.join(dir, 'latin1.txt'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]));
  await writeFile(path.join(dir, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
  await writeFile(path.join(dir, 'huge.txt'), `Huge\n${'word '.repeat(3000)}\n`);
  await writeFile(path.join(dir, 'ignored.pdf'), 'not a text article');
  await symlink(path.join(base, 'secret.txt'), path.join(dir, 'escape.txt'));
  await symlink(base, path.join(dir, 'escape-dir'));
  await symlink(path.join(dir, 'good.txt'), path.join(dir, 'inside-link.txt'));
  await symlink(path.join(base, 'missing.txt'), path.join(dir, 'dangling.txt'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('loading a corpus folder', () => {
  it('reads .txt and .md files recursively and skips each bad file with a named reason', async () => {
    const loaded = await loadCorpus(dir, { maxFileBytes: 10_000 });
    const files = loaded.sources.map((s) => s.file).sort();
    expect(files).toEqual(['good.txt', 'inside-link.txt', 'nested/deeper/also-good.md']);
    const reasons = Object.fromEntries(loaded.skipped.map((s) => [s.file, s.reason]));
    expect(reasons['empty.txt']).toMatch(/empty/);
    expect(reasons['blank.md']).toMatch(/empty/);
    expect(reasons['latin1.txt']).toMatch(/UTF-8/);
    expect(reasons['binary.txt']).toMatch(/binary/);
    expect(reasons['huge.txt']).toMatch(/larger than/);
    expect(reasons['escape.txt']).toMatch(/outside the corpus/);
    expect(reasons['escape-dir']).toMatch(/outside the corpus/);
    expect(reasons['dangling.txt']).toMatch(/broken link/);
    expect(reasons['ignored.pdf']).toBeUndefined();
  });

  it('never reads a byte from outside the corpus folder', async () => {
    const loaded = await loadCorpus(dir);
    expect(loaded.sources.some((s) => s.text.includes('outside the corpus folder'))).toBe(false);
  });

  it('keeps the text byte for byte', async () => {
    const loaded = await loadCorpus(dir);
    expect(loaded.sources.find((s) => s.file === 'good.txt')?.text).toBe(good);
  });

  it('fails with a clear error when the folder itself is missing', async () => {
    await expect(loadCorpus(path.join(base, 'nope'))).rejects.toThrow(CorpusFolderError);
    await expect(loadCorpus(path.join(base, 'nope'))).rejects.toThrow(/does not exist/);
    await expect(loadCorpus(path.join(dir, 'good.txt'))).rejects.toThrow(/not a folder/);
  });
});
