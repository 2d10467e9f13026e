/**
 * Persisted index snapshots. A file is:
 *
 *   "CITEBOT-SNAPSHOT\n" + header JSON line + body
 *
 * The header holds the layout version, the fingerprint of the corpus files and index
 * options, the body's size and CRC-32. The body is the snapshot's data in V8's
 * structured-clone serialisation (several times faster to write and read than JSON).
 * Saving writes a temporary file beside the target and renames it over, so a reader
 * sees the old file or the new one, never half of one. Any mismatch (foreign file,
 * truncation, corruption, other fingerprint) is reported as a reason, never thrown.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { crc32 } from 'node:zlib';
import { CorpusIndex, INDEX_DATA_VERSION, type IndexData, type RankingOptions } from '../core/corpus-index.js';
import type { SkippedFile } from '../core/types.js';
import { nextTurn } from '../next-turn.js';
import { writeFileAtomic } from './atomic-write.js';
import { readWhole } from './read-whole.js';

const MAGIC = 'CITEBOT-SNAPSHOT\n';
export const SNAPSHOT_FILE = 'index.snapshot';

interface Header {
  version: number;
  fingerprint: string;
  bodyBytes: number;
  crc32: number;
  createdAt: string;
  passages: number;
  /** Files the loader skipped when the snapshot was built, with reasons. */
  skipped: SkippedFile[];
}

/**
 * A fingerprint of the corpus folder without reading the articles: every .txt/.md file and
 * link below it (relative path, size, modification time; a link's target too) and the
 * index options. Any edit, addition, removal or rename changes it.
 */
export async function listingFingerprint(dir: string, ranking: Partial<RankingOptions>): Promise<string | undefined> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return undefined;
  }
  const lines: string[] = [];
  for (const e of entries) {
    const parent = (e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? dir;
    const full = path.join(parent, e.name);
    const rel = path.relative(dir, full);
    if (e.isSymbolicLink()) {
      const target = await realpath(full).catch(() => 'broken');
      const st = await stat(full).catch(() => undefined);
      lines.push(`L ${rel} ${target} ${st?.size ?? -1} ${st?.mtimeMs ?? -1}`);
    } else if (e.isFile() && /\.(txt|md)$/iu.test(e.name)) {
      const st = await stat(full).catch(() => undefined);
      lines.push(`F ${rel} ${st?.size ?? -1} ${st?.mtimeMs ?? -1}`);
    }
  }
  lines.sort();
  const h = createHash('sha256');
  h.update(`layout ${INDEX_DATA_VERSION}\n${JSON.stringify(ranking, Object.keys(ranking).sort())}\n`);
  for (const l of lines) h.update(`${l}\n`);
  return h.digest('hex').slice(0, 32);
}

export interface SaveResult {
  file: string;
  bytes: number;
  ms: number;
}

/**
 * Saves a snapshot atomically (write aside, then rename). `serialised`, when given, is
 * `v8.serialize(index.toData())` already made (by the build thread), so it is not made again here.
 */
export async function saveSnapshot(
  dir: string,
  index: CorpusIndex,
  fingerprint: string,
  skipped: SkippedFile[] = [],
  serialised?: Buffer,
): Promise<SaveResult> {
  const t0 = performance.now();
  await mkdir(dir, { recursive: true });
  const body = serialised ?? v8.serialize(index.toData());
  const header: Header = {
    version: INDEX_DATA_VERSION,
    fingerprint,
    bodyBytes: body.length,
    crc32: crc32(body),
    createdAt: new Date().toISOString(),
    passages: index.passages.length,
    skipped,
  };
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const file = path.join(dir, SNAPSHOT_FILE);
  const bytes = await writeFileAtomic(file, [head, body]);
  return { file, bytes, ms: performance.now() - t0 };
}

/**
 * A snapshot file's body (`v8.serialize(index.toData())`) as a CorpusIndex, read back in steps
 * with pauses: unpacking takes most of a second at 48,000 passages, and a re-index does it while
 * answers are served. Throws when the body is not a snapshot of this version.
 */
export function indexFromBody(body: Buffer): Promise<CorpusIndex> {
  return CorpusIndex.fromDataPaced(v8.deserialize(body) as IndexData, nextTurn);
}

export type LoadResult =
  | { ok: true; index: CorpusIndex; bytes: number; ms: number; skipped: SkippedFile[] }
  | { ok: false; reason: string; missing?: boolean };

/**
 * Loads the snapshot in `dir` if it is intact and matches `fingerprint`. `onRead` is told its
 * passage count once its bytes are in and its header matches, before they are unpacked (a caller
 * can start another read to run meanwhile).
 */
export async function loadSnapshot(
  dir: string,
  fingerprint: string,
  onRead?: (passages: number) => void,
): Promise<LoadResult> {
  const t0 = performance.now();
  const file = path.join(dir, SNAPSHOT_FILE);
  let buf: Buffer;
  try {
    buf = await readWhole(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { ok: false, reason: 'no snapshot yet', missing: true }
      : { ok: false, reason: `snapshot cannot be read (${code ?? 'error'})` };
  }
  if (buf.length < MAGIC.length || buf.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) {
    return { ok: false, reason: 'not a citebot snapshot (bad magic)' };
  }
  const nl = buf.indexOf(10, MAGIC.length);
  if (nl < 0 || nl - MAGIC.length > 4096) return { ok: false, reason: 'snapshot header is truncated' };
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length, nl).toString('utf8')) as Header;
  } catch {
    return { ok: false, reason: 'snapshot header is not valid JSON' };
  }
  if (header.version !== INDEX_DATA_VERSION) {
    return { ok: false, reason: `snapshot layout version ${header.version}, expected ${INDEX_DATA_VERSION}` };
  }
  if (header.fingerprint !== fingerprint) return { ok: false, reason: 'corpus or options changed (fingerprint differs)' };
  if (Number.isSafeInteger(header.passages)) onRead?.(header.passages);
  const body = buf.subarray(nl + 1);
  if (body.length !== header.bodyBytes) {
    return { ok: false, reason: `snapshot is truncated (${body.length} of ${header.bodyBytes} bytes)` };
  }
  if (crc32(body) !== header.crc32) return { ok: false, reason: 'snapshot is corrupt (checksum mismatch)' };
  try {
    const index = await indexFromBody(body);
    const skipped = Array.isArray(header.skipped) ? header.skipped : [];
    return { ok: true, index, bytes: buf.length, ms: performance.now() - t0, skipped };
  } catch (err) {
    return { ok: false, reason: `snapshot cannot be decoded: ${(err as Error).message}` };
  }
}
