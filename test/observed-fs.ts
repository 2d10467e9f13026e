/**
 * The loader's file reads, observed (for `vi.mock('node:fs/promises', …)` in the hostile-corpus
 * tests): bytes read per file name, a size that fstat() reports instead of the real one (a file
 * that grows after the size check), and an open() that lands on another file (a file swapped
 * for a link between the checks and the read). It does not import `node:fs/promises` itself, so
 * the mock factory can load it without reaching the module it replaces.
 */
import type * as FsPromises from 'node:fs/promises';
import path from 'node:path';

export interface FsObservations {
  bytesRead: Map<string, number>;
  fakeSize: Map<string, number>;
  /** File name → the path open() really opens. */
  redirect?: Map<string, string>;
}

/** `node:fs/promises` with an open() whose file handles record reads and may report a fake size. */
export function observedFs(real: typeof FsPromises, io: FsObservations): typeof FsPromises {
  const open = async (file: Parameters<typeof real.open>[0], ...rest: unknown[]) => {
    const name = path.basename(String(file));
    const fh = await (real.open as (...a: unknown[]) => ReturnType<typeof real.open>)(
      io.redirect?.get(name) ?? file,
      ...rest,
    );
    const read = fh.read.bind(fh) as (...a: unknown[]) => Promise<{ bytesRead: number; buffer: Buffer }>;
    const stat = fh.stat.bind(fh) as (...a: unknown[]) => Promise<import('node:fs').Stats>;
    Object.assign(fh, {
      read: async (...a: unknown[]) => {
        const r = await read(...a);
        io.bytesRead.set(name, (io.bytesRead.get(name) ?? 0) + r.bytesRead);
        return r;
      },
      stat: async (...a: unknown[]) => {
        const st = await stat(...a);
        const fake = io.fakeSize.get(name);
        if (fake !== undefined) st.size = fake;
        return st;
      },
    });
    return fh;
  };
  return { ...real, open } as typeof FsPromises;
}
