/**
 * Reads the corpus folder: every .txt and .md file below it (recursively), with
 * checks that skip a bad file with a named reason and never stop the others.
 *
 * Nothing outside the folder is ever read: a link is followed only when its target
 * (resolved fully) is inside the folder; a file is opened without following a link in
 * its last part, and (on Linux) the opened file's real path is checked again, so a file
 * swapped for a link while the folder is read is refused too. Each folder is read once:
 * folder links back into the corpus (loops, a link to a parent) are skipped with a reason.
 * A file's size is checked on the open file before reading, and at most the limit + 1
 * bytes are ever read, so a huge file costs nothing.
 */
import { constants, readlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SkippedFile, SourceText } from '../core/types.js';

/** Options of the loader. */
export interface LoadOptions {
  /** Largest file read, in bytes (default 5 MiB). */
  maxFileBytes?: number;
  /** Most files read (default 20,000); the rest are skipped with a reason. */
  maxFiles?: number;
  /** Most bytes read in all (default 1 GiB); files beyond it are skipped with a reason. */
  maxTotalBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 20_000;
export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Folders deeper than this are skipped. */
const MAX_DEPTH = 32;
const EXTENSIONS = new Set(['.txt', '.md']);
/** Open flags: never follow a link in the last part of the path, never block on a FIFO. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** Characters a file name must not hold: control characters and bidirectional overrides. */
const BAD_NAME_RE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

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
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return 'UTF-16 text (only UTF-8 is read; save it as UTF-8)';
  }
  if (buf.indexOf(0) !== -1) return 'binary file (contains NUL bytes)';
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    const at = invalidUtf8At(buf);
    return at < 0
      ? 'not valid UTF-8 text'
      : `not valid UTF-8 text (byte 0x${(buf[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at offset ${at})`;
  }
  if (text.replace(/^\uFEFF/u, '').trim() === '') return 'empty file (only whitespace)';
  // Many control characters other than tab, CR, LF, FF mean a binary format.
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) controls++;
  }
  if (controls > text.length / 100 + 2) return 'binary file (control characters)';
  return undefined;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function invalidUtf8At(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Decodes an indexable buffer to text, without a BOM's effect on content (the BOM stays at offset 0). */
export function decodeText(buf: Uint8Array): string {
  return decoder.decode(buf);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A path fit to show in a report: control and bidirectional characters written as \u escapes. */
function shown(rel: string): string {
  return rel.replace(
    new RegExp(BAD_NAME_RE.source, 'gu'),
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Why a link can't be followed, from the error of resolving it. */
function linkProblem(code: string | undefined): string {
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'broken link (its target does not exist)';
  if (code === 'ELOOP') return 'broken link (a loop of links)';
  if (code === 'EACCES') return 'broken link (permission denied)';
  return `broken link (${code ?? 'error'})`;
}

/** Loads every .txt and .md file under `dir`. Throws CorpusFolderError only when the folder itself is unusable. */
export async function loadCorpus(dir: string, options: LoadOptions = {}): Promise<LoadedCorpus> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const maxTotal = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
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
  const skip = (rel: string, reason: string) => skipped.push({ file: shown(rel) || '.', reason });
  let bytes = 0;
  let seen = 0;
  let overCap: SkippedFile | undefined;
  let overCapCount = 0;
  /** Real paths of the folders read (or queued), and where they were read. */
  const folders = new Map<string, string>([[root, '.']]);
  /** Folder links, followed after the real folders so that files keep their real paths. */
  const linkedFolders: { abs: string; rel: string; real: string; parentReal: string; depth: number }[] = [];

  const readFile = async (rel: string, openPath: string) => {
    seen++;
    if (seen > maxFiles) {
      overCapCount++;
      if (!overCap) {
        overCap = { file: shown(rel), reason: '' };
        skipped.push(overCap);
      }
      return;
    }
    const result = await readOne(openPath, root, { maxFileBytes: maxBytes, left: maxTotal - bytes, maxTotal });
    if ('reason' in result) {
      skip(rel, result.reason);
      return;
    }
    bytes += result.buf.length;
    sources.push({
      file: rel,
      text: decodeText(result.buf),
      hash: createHash('sha256').update(result.buf).digest('hex').slice(0, 16),
    });
  };

  const walk = async (abs: string, real: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      if (abs === root) throw new CorpusFolderError(dir, 'cannot be read');
      skip(toPosix(path.relative(root, abs)), `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(abs, e.name);
      const rel = toPosix(path.relative(root, full));
      const wanted = EXTENSIONS.has(path.extname(e.name).toLowerCase());
      if (!wanted && !e.isDirectory() && !e.isSymbolicLink()) continue;
      if (BAD_NAME_RE.test(e.name)) {
        skip(rel, 'name contains control or bidirectional-override characters');
        continue;
      }
      if (e.name.includes('\uFFFD')) {
        // Node replaces bytes that are not UTF-8 in a name by U+FFFD: such a path can't be opened.
        const exists = await lstat(full).then(
          () => true,
          () => false,
        );
        if (!exists) {
          skip(rel, 'name is not valid UTF-8');
          continue;
        }
      }
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(full);
        } catch (err) {
          skip(rel, linkProblem((err as NodeJS.ErrnoException).code));
          continue;
        }
        if (!isInside(root, target)) {
          skip(rel, 'link pointing outside the corpus folder');
          continue;
        }
        const st = await stat(target).catch(() => undefined);
        if (st?.isDirectory()) {
          if (depth >= MAX_DEPTH) skip(rel, 'folder nested too deep');
          else linkedFolders.push({ abs: full, rel, real: target, parentReal: real, depth: depth + 1 });
          continue;
        }
        if (!wanted) continue;
        if (!st?.isFile()) {
          skip(rel, 'link to something that is not a regular file');
          continue;
        }
        await readFile(rel, target);
        continue;
      }
      if (e.isDirectory()) {
        const childReal = path.join(real, e.name);
        if (depth >= MAX_DEPTH) skip(rel, 'folder nested too deep');
        else if (!folders.has(childReal)) {
          folders.set(childReal, rel);
          await walk(full, childReal, depth + 1);
        }
        continue;
      }
      if (!e.isFile()) {
        skip(rel, 'not a regular file (a FIFO, socket or device)');
        continue;
      }
      await readFile(rel, full);
    }
  };

  await walk(root, root, 0);
  // Folder links: each real folder is read once, under its own path when the walk reached it.
  for (let k = 0; k < linkedFolders.length; k++) {
    const link = linkedFolders[k] as (typeof linkedFolders)[number];
    if (isInside(link.real, link.parentReal)) {
      skip(link.rel, 'link loop (a folder link to the folder holding it or to one of its parents)');
      continue;
    }
    const already = folders.get(link.real);
    if (already !== undefined) {
      skip(link.rel, `folder link to a folder already read (${shown(already)})`);
      continue;
    }
    folders.set(link.real, link.rel);
    await walk(link.abs, link.real, link.depth);
  }
  if (overCap) {
    overCap.reason = `more than ${maxFiles} files in the corpus: this file and ${overCapCount - 1} more were not read`;
  }
  return { sources, skipped, bytes };
}

interface ReadLimits {
  maxFileBytes: number;
  /** Bytes left under the corpus total. */
  left: number;
  maxTotal: number;
}

/**
 * Reads one file: opened without following a link, checked to be a regular file inside the
 * corpus and within the limits by its size, then read up to the limit + 1 bytes at most (so a
 * file that grew after the size check is caught without reading it whole).
 */
async function readOne(file: string, root: string, limits: ReadLimits): Promise<{ buf: Buffer } | { reason: string }> {
  let fh: FileHandle;
  try {
    fh = await open(file, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { reason: 'became a link while the corpus was read' };
    return { reason: code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? 'error'})` };
  }
  const tooLarge = (size?: number) =>
    limits.maxFileBytes <= limits.left
      ? `larger than the ${formatBytes(limits.maxFileBytes)} limit${size === undefined ? '' : ` (${formatBytes(size)})`}`
      : `over the corpus total limit of ${formatBytes(limits.maxTotal)} (${formatBytes(Math.max(0, limits.left))} left)`;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { reason: 'not a regular file (a FIFO, socket or device)' };
    if (!(await openedInside(fh, file, root, st))) {
      return { reason: 'resolves outside the corpus folder (changed while the corpus was read)' };
    }
    const max = Math.max(0, Math.min(limits.maxFileBytes, limits.left));
    if (st.size > max) return { reason: tooLarge(st.size) };
    const cap = max + 1;
    const chunks: Buffer[] = [];
    let total = 0;
    let want = Math.min(st.size + 1, cap);
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(want, cap - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, total);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total >= cap) return { reason: tooLarge() };
      // A short read of a regular file is its end; a full one means it grew since fstat().
      if (bytesRead < buf.length) break;
      want = 64 * 1024;
    }
    const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
    const problem = textProblem(data);
    return problem ? { reason: problem } : { buf: data };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? 'error'})` };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Whether an open file is inside the corpus folder: its real path from /proc/self/fd where
 * there is one (Linux), else the path resolved again and compared by device and inode.
 */
async function openedInside(
  fh: FileHandle,
  file: string,
  root: string,
  st: { dev: number; ino: number },
): Promise<boolean> {
  // Reading a /proc link is a kernel lookup that never blocks: done synchronously, it costs
  // microseconds instead of a trip through the thread pool for every file.
  let viaProc: string | undefined;
  try {
    viaProc = readlinkSync(`/proc/self/fd/${fh.fd}`);
  } catch {
    viaProc = undefined;
  }
  if (viaProc !== undefined && path.isAbsolute(viaProc)) return isInside(root, viaProc);
  const real = await realpath(file).catch(() => undefined);
  if (real === undefined || !isInside(root, real)) return false;
  const again = await stat(real).catch(() => undefined);
  return again !== undefined && again.dev === st.dev && again.ino === st.ino;
}

/** "5 MiB", "120 KiB", "17 B". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} B`;
}
