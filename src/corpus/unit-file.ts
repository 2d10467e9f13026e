/**
 * The semantic stage's vectors of one snapshot, saved as laid out in memory, so a restart of an
 * unchanged corpus attaches them with one read: no sentence planning, no text hashing, no vector
 * cache lookups (which cost seconds at 50,000 passages). The vector cache stays the source for a
 * re-index of changed text; this file only short-cuts the unchanged case.
 *
 * `units-<model hash>.bin`: "CITEBOT-UNITS\n" + header JSON line + body. The header names the layout
 * version, the model, the snapshot fingerprint the vectors belong to, the passage count, the sizes
 * of the five sections and two CRC-32s: one over the layout sections (start, kind, row, mean), one
 * over a sample of the vectors (every 64th 4 KiB block plus the last one: a full CRC of hundreds of
 * MB would take a second of the restart it is meant to shorten; truncation is caught by the sizes).
 * The body: start (uint32 × passages+1), kind (uint8 × units), padding to 4 bytes, row (uint32 ×
 * units), data (float32 × rows × dim), mean (float32 × 0 or dim: the vector search's mean of the
 * rows, which takes a pass over all of them to compute), little-endian. A file that is missing,
 * foreign, of another model or snapshot, truncated or corrupt is reported as a reason, never thrown.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { checkUnits, type UnitVectors } from '../core/passage-units.js';
import { writeFileAtomic } from './atomic-write.js';
import { readRest } from './read-whole.js';

const MAGIC = 'CITEBOT-UNITS\n';
export const UNIT_FILE_VERSION = 2;
const SAMPLE_BLOCK = 4096;
const SAMPLE_EVERY = 64;

interface Header {
  version: number;
  model: string;
  fingerprint: string;
  passages: number;
  dim: number;
  units: number;
  rows: number;
  /** Floats in the mean section: 0 (none saved) or dim. */
  mean: number;
  layoutCrc: number;
  dataCrc: number;
}

/** The unit file of `model` in `dir`. */
export function unitFile(dir: string, model: string): string {
  return path.join(dir, `units-${createHash('sha256').update(model).digest('hex').slice(0, 16)}.bin`);
}

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function sampledCrc(data: Buffer): number {
  let crc = 0;
  const step = SAMPLE_BLOCK * SAMPLE_EVERY;
  for (let at = 0; at < data.length; at += step) crc = crc32(data.subarray(at, at + SAMPLE_BLOCK), crc);
  if (data.length > SAMPLE_BLOCK) crc = crc32(data.subarray(data.length - SAMPLE_BLOCK), crc);
  return crc;
}

function layoutCrc(start: Buffer, kind: Buffer, row: Buffer, mean: Buffer): number {
  return crc32(mean, crc32(row, crc32(kind, crc32(start))));
}

/**
 * Saves `units` (for `passages` passages of the snapshot `fingerprint`) and, when given, the vector
 * search's mean of their rows (`VectorIndex#mean`); returns the bytes written.
 */
export async function saveUnits(
  dir: string,
  model: string,
  fingerprint: string,
  passages: number,
  units: UnitVectors,
  rowMean?: Float32Array,
): Promise<number> {
  if (rowMean && rowMean.length !== units.dim) {
    throw new Error(`unit file: a mean of ${rowMean.length} numbers for vectors of ${units.dim}`);
  }
  const start = bytesOf(units.start);
  const kind = bytesOf(units.kind);
  const pad = Buffer.alloc((4 - (kind.length % 4)) % 4);
  const row = bytesOf(units.row);
  const data = bytesOf(units.data);
  const mean = rowMean ? bytesOf(rowMean) : Buffer.alloc(0);
  const header: Header = {
    version: UNIT_FILE_VERSION,
    model,
    fingerprint,
    passages,
    dim: units.dim,
    units: units.kind.length,
    rows: units.dim > 0 ? units.data.length / units.dim : 0,
    mean: rowMean ? rowMean.length : 0,
    layoutCrc: layoutCrc(start, kind, row, mean),
    dataCrc: sampledCrc(data),
  };
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  // The body starts on a 4-byte boundary so the typed arrays can view the file's buffer.
  const headPad = Buffer.alloc((4 - (head.length % 4)) % 4, 0x20);
  return writeFileAtomic(unitFile(dir, model), [head, headPad, start, kind, pad, row, data, mean]);
}

/** Enough bytes to hold the magic and the header line. */
const HEADER_READ_BYTES = 64 * 1024;

function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no unit file' : `unit file unreadable: ${code ?? String(err)}`;
}

/** The header of a unit file from its first bytes, and where its line ends. */
function parseHeader(head: Buffer): { ok: true; h: Header; nl: number } | { ok: false; reason: string } {
  if (head.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return { ok: false, reason: 'not a unit file' };
  const nl = head.indexOf(0x0a, MAGIC.length);
  if (nl < 0) return { ok: false, reason: 'unit file header is cut off' };
  try {
    return { ok: true, h: JSON.parse(head.subarray(MAGIC.length, nl).toString('utf8')) as Header, nl };
  } catch {
    return { ok: false, reason: 'unit file header is not JSON' };
  }
}

/** Loaded unit vectors; `mean` is the vector search's mean of their rows, when it was saved. */
export type UnitLoad =
  | { ok: true; units: UnitVectors; mean: Float32Array | undefined; bytes: number }
  | { ok: false; reason: string };

/** A unit file read for a snapshot, not yet checked against its passages (`fitUnits`). */
export type UnitRead = { ok: true; header: Header; buf: Buffer; body: number } | { ok: false; reason: string };

/** Reads the unit file saved for `fingerprint` by `model`; `fitUnits` checks it against the snapshot. */
export async function readUnits(dir: string, model: string, fingerprint: string): Promise<UnitRead> {
  // The header first: a file of another model or snapshot is refused without reading its vectors.
  let fh: FileHandle;
  try {
    fh = await open(unitFile(dir, model), 'r');
  } catch (err) {
    return { ok: false, reason: unreadable(err) };
  }
  try {
    const head = Buffer.alloc(HEADER_READ_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const parsed = parseHeader(head.subarray(0, bytesRead));
    if (!parsed.ok) return parsed;
    const { h, nl } = parsed;
    if (h.version !== UNIT_FILE_VERSION) return { ok: false, reason: `unit file layout ${String(h.version)}` };
    if (h.model !== model) return { ok: false, reason: 'unit file of another model' };
    if (h.fingerprint !== fingerprint) return { ok: false, reason: 'unit file of another snapshot' };
    return { ok: true, header: h, buf: await readRest(fh), body: nl + 1 };
  } catch (err) {
    return { ok: false, reason: unreadable(err) };
  } finally {
    await fh.close();
  }
}

/** The unit vectors of a read unit file, if they fit a snapshot of `passages` passages. */
export function fitUnits(read: UnitRead, passages: number): UnitLoad {
  if (!read.ok) return read;
  const { header: h, buf } = read;
  if (h.passages !== passages) return { ok: false, reason: 'unit file of another snapshot' };
  const ints = [h.dim, h.units, h.rows, h.passages, h.mean];
  if (!ints.every((x) => Number.isSafeInteger(x) && x >= 0) || (h.mean !== 0 && h.mean !== h.dim)) {
    return { ok: false, reason: 'unit file header is bad' };
  }
  let at = read.body;
  at += (4 - (at % 4)) % 4;
  const startBytes = (h.passages + 1) * 4;
  const kindBytes = h.units;
  const padBytes = (4 - (kindBytes % 4)) % 4;
  const rowBytes = h.units * 4;
  const dataBytes = h.rows * h.dim * 4;
  const meanBytes = h.mean * 4;
  if (buf.length !== at + startBytes + kindBytes + padBytes + rowBytes + dataBytes + meanBytes) {
    return { ok: false, reason: 'unit file is truncated or too long' };
  }
  const slice = (n: number) => {
    const b = buf.subarray(at, at + n);
    at += n;
    return b;
  };
  const start = slice(startBytes);
  const kind = slice(kindBytes);
  slice(padBytes);
  const row = slice(rowBytes);
  const data = slice(dataBytes);
  const mean = slice(meanBytes);
  if (layoutCrc(start, kind, row, mean) !== h.layoutCrc || sampledCrc(data) !== h.dataCrc) {
    return { ok: false, reason: 'unit file is corrupt (checksum)' };
  }
  const view = <T>(b: Buffer, C: new (buffer: ArrayBufferLike, offset: number, length: number) => T, size: number) =>
    b.byteOffset % size === 0
      ? new C(b.buffer, b.byteOffset, b.length / size)
      : new C(Uint8Array.from(b).buffer, 0, b.length / size);
  const units: UnitVectors = {
    dim: h.dim,
    data: view(data, Float32Array, 4),
    start: view(start, Uint32Array, 4),
    kind: view(kind, Uint8Array, 1),
    row: view(row, Uint32Array, 4),
  };
  try {
    checkUnits(units, passages);
  } catch (err) {
    return { ok: false, reason: `unit file does not fit: ${(err as Error).message}` };
  }
  return { ok: true, units, mean: h.mean > 0 ? view(mean, Float32Array, 4) : undefined, bytes: buf.length };
}

/** Loads the unit vectors saved for `fingerprint` and `passages` passages by `model`. */
export async function loadUnits(
  dir: string,
  model: string,
  fingerprint: string,
  passages: number,
): Promise<UnitLoad> {
  return fitUnits(await readUnits(dir, model, fingerprint), passages);
}
