/**
 * Writes a file so that readers see the old content or the new, never a part: the buffers go to a
 * temporary file beside it, are synced to disk, and the temporary file is renamed over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/** Writes `parts` to `file` atomically; returns the bytes written. A failed write leaves no temporary file. */
export async function writeFileAtomic(file: string, parts: readonly Buffer[]): Promise<number> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writev([...parts]);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
  return parts.reduce((n, p) => n + p.length, 0);
}
