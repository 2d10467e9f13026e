/**
 * Reads the corpus folder: every .txt and .md file below it (recursively), with
 * checks that skip a bad file with a named reason and never stop the others.
 */
import { createHash } from 'node:crypto';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SkippedFile, SourceText } from '../core/types.js';

/** Options of the loader. */
export interface LoadOptions {
  /** Largest file read, in bytes (default 5 MiB). */
  maxFileBytes?: number;
  /** Most files read (default 20,000); the rest are skipped with a reason. */
  maxFiles?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 20_000;
const EXTENSIONS = new Set(['.txt', '.md']);

/** What loading a corpus folder produced. */
export interface LoadedCorpus {
  sources: SourceText[];
  skipped: SkippedFile[];
  /** Total bytes of the files read. */
  bytes: number;
}

/** The corpus folder itself is missing or unreadable. */
export class CorpusFolderError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`Corpus folder ${dir}: ${reason}`);
    this.name = 'CorpusFolderError';
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Why a buffer is not indexable text, or undefined when it is. */
export function textProblem(buf: Uint8Array): string | undefined {
  if (buf.length === 0) return 'empty file';
  const sample = buf.subarray(0, 8192);
  if (sample.includes(0)) return 'binary file (contains NUL bytes)';
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    return 'not valid UTF-8 text';
  }
  if (text.replace(/^\uFEFF/u, '').trim() === '') return 'empty file (only whitespace)';
  // Many control characters other than tab, CR, LF, FF mean a binary format.
  let controls = 0;
  const n = Math.min(text.length, 8192);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) controls++;
  }
  if (controls > n / 100 + 2) return 'binary file (control characters)';
  return undefined;
}

/** Decodes an indexable buffer to text, without a BOM's effect on content (the BOM stays at offset 0). */
export function decodeText(buf: Uint8Array): string {
  return decoder.decode(buf);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Loads every .txt and .md file under `dir`. Throws CorpusFolderError only when the folder itself is unusable. */
export async function loadCorpus(dir: string, options: LoadOptions = {}): Promise<LoadedCorpus> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  let root: string;
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new CorpusFolderError(dir, 'not a folder');
    root = await realpath(dir);
  } catch (err) {
    if (err instanceof CorpusFolderError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CorpusFolderError(
      dir,
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'permission denied' : 'cannot be read',
    );
  }

  const sources: SourceText[] = [];
  const skipped: SkippedFile[] = [];
  let bytes = 0;
  let seen = 0;
  const seenReal = new Set<string>();

  const walk = async (abs: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      if (abs === root) throw new CorpusFolderError(dir, 'cannot be read');
      skipped.push({
        file: toPosix(path.relative(root, abs)) || '.',
        reason: `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(abs, e.name);
      const rel = toPosix(path.relative(root, full));
      if (e.name.startsWith('.')) continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(full);
        } catch {
          skipped.push({ file: rel, reason: 'broken link' });
          continue;
        }
        if (target !== root && !target.startsWith(root + path.sep)) {
          skipped.push({ file: rel, reason: 'link pointing outside the corpus folder' });
          continue;
        }
        const st = await stat(target).catch(() => undefined);
        isDir = st?.isDirectory() ?? false;
        isFile = st?.isFile() ?? false;
        if (isDir && seenReal.has(target)) continue;
        if (isDir) seenReal.add(target);
      }
      if (isDir) {
        if (depth < 32) await walk(full, depth + 1);
        else skipped.push({ file: rel, reason: 'folder nested too deep' });
        continue;
      }
      if (!isFile || !EXTENSIONS.has(path.extname(e.name).toLowerCase())) continue;
      seen++;
      if (seen > maxFiles) {
        skipped.push({ file: rel, reason: `more than ${maxFiles} files in the corpus` });
        continue;
      }
      const result = await readOne(full, maxBytes);
      if ('reason' in result) {
        skipped.push({ file: rel, reason: result.reason });
        continue;
      }
      bytes += result.buf.length;
      const text = decodeText(result.buf);
      sources.push({
        file: rel,
        text,
        hash: createHash('sha256').update(result.buf).digest('hex').slice(0, 16),
      });
    }
  };
  await walk(root, 0);
  return { sources, skipped, bytes };
}

async function readOne(file: string, maxBytes: number): Promise<{ buf: Buffer } | { reason: string }> {
  try {
    const st = await lstat(file);
    const size = st.isSymbolicLink() ? (await stat(file)).size : st.size;
    if (size > maxBytes)
      return { reason: `larger than the ${formatBytes(maxBytes)} limit (${formatBytes(size)})` };
    const fh = await open(file, 'r');
    try {
      // Read at most maxBytes + 1 so a file that grew after stat() is still caught.
      const buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > maxBytes) return { reason: `larger than the ${formatBytes(maxBytes)} limit` };
      const data = buf.subarray(0, bytesRead);
      const problem = textProblem(data);
      return problem ? { reason: problem } : { buf: data };
    } finally {
      await fh.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? 'error'})` };
  }
}

/** "5 MiB", "120 KiB", "17 B". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} B`;
}
