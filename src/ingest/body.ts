/**
 * Reading a response body within the limits: the bytes on the wire and the bytes after every
 * decompression stage are each capped at `maxBytes`, counted as they stream, so neither a huge
 * body nor a small compressed bomb is ever held whole. Reading stops at the first byte too many.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { sizeOverLimit, shown } from './format.js';
import { connectError } from './hop.js';
import { IngestError } from './types.js';

/** How to read one body. */
export interface BodyLimits {
  maxBytes: number;
  /** Aborts the read (the fetch's deadline). */
  signal: AbortSignal;
  /** "the page" or "the file", as messages say it. */
  subject: string;
  /** The host, for connection failures. */
  host: string;
}

const DECODERS: ReadonlyMap<string, () => Transform> = new Map([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/** The decompression stages a Content-Encoding asks for, in the order to apply them. */
export function decoders(
  encoding: string | undefined,
  subject: string,
): { name: string; make: () => Transform }[] {
  const names = (encoding ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && s !== 'identity');
  const stages = names.map((name) => {
    const make = DECODERS.get(name);
    if (make === undefined || names.length > 2) {
      throw new IngestError(
        'content_type',
        `that address sends ${subject.replace(/^the /u, 'its ')} packed as “${shown(encoding ?? '', 40)}”, which citebot cannot unpack`,
      );
    }
    return { name, make };
  });
  return stages.reverse();
}

/** A pass-through stage that fails as soon as more than `max` bytes went through it. */
function cap(max: number, failure: () => IngestError): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > max) done(failure());
      else done(null, chunk);
    },
  });
}

/** Whether `err` came from zlib (corrupt or truncated compressed data). */
function isZlibError(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown } | undefined;
  return typeof e?.code === 'string' && e.code.startsWith('Z_');
}

/**
 * Reads `res` whole, decompressed per its Content-Encoding, or fails: `too_large` past
 * `maxBytes` (on the wire: "the page is more than 5 MB"; unpacked: "the page unpacks to more than
 * 5 MB"), `bad_file` for damaged compressed data, `connect` when the connection breaks, and the
 * deadline's error when `signal` aborts.
 */
export async function readBody(res: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const { maxBytes, signal, subject } = limits;
  const stages = decoders(res.headers['content-encoding'], subject);
  const wire = () => new IngestError('too_large', sizeOverLimit(`${subject} is`, maxBytes + 1, maxBytes));
  const unpacked = () =>
    new IngestError('too_large', sizeOverLimit(`${subject} unpacks to`, maxBytes + 1, maxBytes));
  const later: Transform[] = [];
  for (const stage of stages) later.push(stage.make(), cap(maxBytes, unpacked));
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void) {
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline(res, cap(maxBytes, wire), ...later, sink, { signal });
  } catch (err) {
    res.destroy();
    if (signal.aborted) throw signal.reason;
    if (err instanceof IngestError) throw err;
    if (isZlibError(err)) {
      const names = stages.map((s) => s.name).join(', ');
      throw new IngestError('bad_file', `${subject}'s packed (${names}) data is damaged`, { cause: err });
    }
    throw connectError(err, limits.host);
  }
  return Buffer.concat(chunks);
}
