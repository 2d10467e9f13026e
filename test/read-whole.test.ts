import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_CHUNK, readRest, readWhole } from '../src/corpus/read-whole.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reading a whole file with several reads in flight', () => {
  it('gives the bytes of files of every size around the chunk size, in order', async () => {
    for (const size of [0, 1, READ_CHUNK - 1, READ_CHUNK, READ_CHUNK + 1, 5 * READ_CHUNK + 12_345]) {
      const bytes = randomBytes(size);
      const file = path.join(dir, `f${size}`);
      await writeFile(file, bytes);
      expect((await readWhole(file)).equals(bytes)).toBe(true);
      const fh = await open(file, 'r');
      try {
        expect((await readRest(fh, Math.min(size, 7))).equals(bytes.subarray(Math.min(size, 7)))).toBe(true);
      } finally {
        await fh.close();
      }
    }
  });

  it('rejects as readFile does for a missing file or a folder', async () => {
    await expect(readWhole(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readWhole(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('gives what is there when the file is cut short after its size was read', async () => {
    const bytes = randomBytes(3 * READ_CHUNK);
    const file = path.join(dir, 'shrinking');
    await writeFile(file, bytes);
    const fh = await open(file, 'r+');
    try {
      const reading = readRest(fh);
      await fh.truncate(READ_CHUNK + 10);
      const got = await reading;
      expect(got.length).toBeLessThanOrEqual(bytes.length);
      expect(got.equals(bytes.subarray(0, got.length))).toBe(true);
    } finally {
      await fh.close();
    }
  });
});
