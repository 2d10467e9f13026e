/**
 * Sentence vectors kept on disk beside the snapshot, keyed by (model, hash of the text), so a
 * restart or a re-index embeds only new or changed text. Works for any list of texts: the cache
 * is a lookup (`get(text)`) to pass as `embedIndex`'s `known`, and `recording(embedder)` wraps
 * an embedder so every vector it makes is added.
 *
 * One file per model (`vectors-<model hash>.bin`):
 *
 *   "CITEBOT-VECTORS\n" + header JSON line + body
 *
 * The header holds the layout version, the model name, the dimension, the number of vectors and
 * the body's size and CRC-32; the body is the 16-byte text keys (SHA-256 prefix) of all entries,
 * then their vectors as little-endian float32, in the same order. Saving writes a temporary file
 * and renames it over. A file that is foreign, of another layout or model, truncated or corrupt
 * is reported as a reason (the cache starts empty), never thrown.
 *
 * `sharedThrough` puts the vectors the store shares (PostgreSQL, several instances) in front of an
 * embedder, under the same text keys (`vectorKey`).
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Embedder } from '../semantic/embedder.js';
import type { SharedVectors } from '../store/vector-types.js';
import { writeFileAtomic } from './atomic-write.js';
import { readWhole } from './read-whole.js';

const MAGIC = 'CITEBOT-VECTORS\n';
export const VECTOR_CACHE_VERSION = 1;
const KEY_BYTES = 16;

interface Header {
  version: number;
  model: string;
  dim: number;
  count: number;
  bodyBytes: number;
  crc32: number;
  createdAt: string;
}

/** The cache file of `model` in `dir`. */
export function vectorCacheFile(dir: string, model: string): string {
  return path.join(dir, `vectors-${createHash('sha256').update(model).digest('hex').slice(0, 16)}.bin`);
}

/** The key of a text's vector, in the cache file and in the store: 32 hex digits of its SHA-256. */
export function vectorKey(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, KEY_BYTES * 2);
}

export interface VectorCacheSave {
  file: string;
  bytes: number;
  vectors: number;
  ms: number;
}

/** Entries hashed or copied between two pauses of `addMissing` and `save` (a few ms of work). */
const PACED_ENTRIES = 2000;

export class VectorCache {
  readonly model: string;
  readonly file: string | undefined;
  /** Why the file on disk was not used (missing, foreign, corrupt…); undefined when it loaded. */
  readonly note: string | undefined;
  readonly #entries: Map<string, Float32Array>;
  /** Keys looked up with a hit or added since the last `retainTouched`. */
  #touched = new Set<string>();
  /** Vectors added or dropped so far, and how many of those the file on disk holds. */
  #changes = 0;
  #savedChanges = 0;
  #dim = 0;

  private constructor(model: string, file: string | undefined, entries: Map<string, Float32Array>, note?: string) {
    this.model = model;
    this.file = file;
    this.#entries = entries;
    this.note = note;
    for (const v of entries.values()) {
      this.#dim = v.length;
      break;
    }
  }

  /** An empty cache that is never saved (no cache folder). */
  static memory(model: string): VectorCache {
    return new VectorCache(model, undefined, new Map());
  }

  /** Opens the cache of `model` in `dir`; an unusable file gives an empty cache with a `note`. */
  static async open(dir: string, model: string): Promise<VectorCache> {
    const file = vectorCacheFile(dir, model);
    const loaded = await readCache(file, model);
    return 'entries' in loaded
      ? new VectorCache(model, file, loaded.entries)
      : new VectorCache(model, file, new Map(), loaded.reason);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True when vectors were added or dropped since the file was read or written. */
  get dirty(): boolean {
    return this.#changes !== this.#savedChanges;
  }

  /** The cached vector of `text` from this cache's model, if any. */
  get(text: string): Float32Array | undefined {
    const key = vectorKey(text);
    const v = this.#entries.get(key);
    if (v) this.#touched.add(key);
    return v;
  }

  set(text: string, vector: Float32Array): void {
    if (vector.length === 0 || (this.#dim && vector.length !== this.#dim)) return;
    this.#dim = vector.length;
    const key = vectorKey(text);
    this.#entries.set(key, vector);
    this.#touched.add(key);
    this.#changes++;
  }

  /**
   * Adds the vectors of `vectors` whose text it lacks (those it has count as looked up), a pause
   * every PACED_ENTRIES texts (each is hashed).
   */
  async addMissing(vectors: ReadonlyMap<string, Float32Array>, pause: () => Promise<void>): Promise<void> {
    let i = 0;
    for (const [text, v] of vectors) {
      if (!this.get(text)) this.set(text, v);
      if (++i % PACED_ENTRIES === 0) await pause();
    }
  }

  /** `embedder` with every vector it makes added to this cache (same model name). */
  recording(embedder: Embedder): Embedder {
    return {
      model: embedder.model,
      embed: async (texts: string[]) => {
        const vectors = await embedder.embed(texts);
        texts.forEach((t, i) => {
          const v = vectors[i];
          if (v) this.set(t, v);
        });
        return vectors;
      },
    };
  }

  /** Drops every vector not looked up or added since the last call (texts no longer in the corpus). */
  retainTouched(): void {
    for (const key of this.#entries.keys()) {
      if (!this.#touched.has(key)) {
        this.#entries.delete(key);
        this.#changes++;
      }
    }
    this.#touched = new Set();
  }

  /** Writes the cache atomically (temporary file, then rename), `pause` awaited every PACED_ENTRIES vectors. */
  async save(pause: () => Promise<void> = () => Promise.resolve()): Promise<VectorCacheSave> {
    if (!this.file) throw new Error('this vector cache has no file');
    const t0 = performance.now();
    const dim = this.#dim;
    // The entries as they are now: they may change while the save pauses.
    const entries = [...this.#entries];
    const changes = this.#changes;
    const count = entries.length;
    const body = Buffer.alloc(count * (KEY_BYTES + dim * 4));
    const floats = new Float32Array(body.buffer, body.byteOffset + count * KEY_BYTES, count * dim);
    let i = 0;
    for (const [key, v] of entries) {
      body.write(key, i * KEY_BYTES, KEY_BYTES, 'hex');
      floats.set(v, i * dim);
      if (++i % PACED_ENTRIES === 0) await pause();
    }
    const header: Header = {
      version: VECTOR_CACHE_VERSION,
      model: this.model,
      dim,
      count,
      bodyBytes: body.length,
      crc32: crc32(body),
      createdAt: new Date().toISOString(),
    };
    const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
    await mkdir(path.dirname(this.file), { recursive: true });
    const bytes = await writeFileAtomic(this.file, [head, body]);
    this.#savedChanges = changes;
    return { file: this.file, bytes, vectors: count, ms: performance.now() - t0 };
  }
}

/** An embedder behind the store's shared vectors, with what it got from the store and gave it. */
export interface SharedEmbedder extends Embedder {
  /** Vectors found in the store (not embedded). */
  readonly found: number;
  /** Vectors embedded and written to the store. */
  readonly stored: number;
  /** False once the store failed (this embedder then embeds every text itself). */
  readonly usable: boolean;
}

/**
 * `embedder` behind the vectors shared through the store: each batch's texts are looked up there
 * first, only the ones missing are embedded, and their vectors are written back; the vectors come
 * back in the order of the texts. A failure of the store never fails the embedding: it is told to
 * `onTrouble` once, and from then on this embedder embeds every text itself. The keys found in
 * the store or written to it are added to `confirmed` (see share-held.ts).
 */
export function sharedThrough(
  embedder: Embedder,
  shared: SharedVectors,
  onTrouble: (message: string) => void,
  confirmed?: Set<string>,
): SharedEmbedder {
  const model = embedder.model;
  let usable = true;
  let found = 0;
  let stored = 0;
  const trouble = (what: string, err: unknown) => {
    if (!usable) return;
    usable = false;
    const why = err instanceof Error ? err.message : String(err);
    onTrouble(`shared vectors could not be ${what} (${why}); embedding without them`);
  };
  return {
    model,
    get found() {
      return found;
    },
    get stored() {
      return stored;
    },
    get usable() {
      return usable;
    },
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (!usable || texts.length === 0) return embedder.embed(texts);
      const keys = texts.map(vectorKey);
      let hits = new Map<string, Float32Array>();
      try {
        hits = await shared.getVectors(model, keys);
      } catch (err) {
        trouble('read', err);
      }
      const out = keys.map((k) => hits.get(k));
      for (const k of hits.keys()) confirmed?.add(k);
      const missing = out.flatMap((v, i) => (v === undefined ? [i] : []));
      found += texts.length - missing.length;
      if (missing.length === 0) return out as Float32Array[];
      const made = await embedder.embed(missing.map((i) => texts[i] as string));
      const entries: { key: string; vector: Float32Array }[] = [];
      missing.forEach((i, k) => {
        const vector = made[k];
        out[i] = vector;
        if (vector) entries.push({ key: keys[i] as string, vector });
      });
      if (usable) {
        try {
          await shared.putVectors(model, entries);
          stored += entries.length;
          for (const e of entries) confirmed?.add(e.key);
        } catch (err) {
          trouble('written', err);
        }
      }
      return out as Float32Array[];
    },
  };
}

async function readCache(
  file: string,
  model: string,
): Promise<{ entries: Map<string, Float32Array> } | { reason: string }> {
  let buf: Buffer;
  try {
    buf = await readWhole(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no vector cache yet' : `vector cache cannot be read (${code ?? 'error'})` };
  }
  if (buf.length < MAGIC.length || buf.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) {
    return { reason: 'not a citebot vector cache (bad magic)' };
  }
  const nl = buf.indexOf(10, MAGIC.length);
  if (nl < 0 || nl - MAGIC.length > 4096) return { reason: 'vector cache header is truncated' };
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(MAGIC.length, nl).toString('utf8')) as Header;
  } catch {
    return { reason: 'vector cache header is not valid JSON' };
  }
  if (header.version !== VECTOR_CACHE_VERSION) {
    return { reason: `vector cache layout version ${header.version}, expected ${VECTOR_CACHE_VERSION}` };
  }
  if (header.model !== model) return { reason: `vector cache is of model ${JSON.stringify(header.model)}` };
  const { dim, count } = header;
  if (!Number.isInteger(dim) || !Number.isInteger(count) || dim < 0 || count < 0) {
    return { reason: 'vector cache header is invalid' };
  }
  const body = buf.subarray(nl + 1);
  if (body.length !== header.bodyBytes || body.length !== count * (KEY_BYTES + dim * 4)) {
    return { reason: `vector cache is truncated (${body.length} of ${header.bodyBytes} bytes)` };
  }
  if (crc32(body) !== header.crc32) return { reason: 'vector cache is corrupt (checksum mismatch)' };
  // One aligned copy of all vectors; each entry is a view into it.
  const floats = new Float32Array(count * dim);
  new Uint8Array(floats.buffer).set(body.subarray(count * KEY_BYTES));
  const entries = new Map<string, Float32Array>();
  for (let i = 0; i < count; i++) {
    const key = body.toString('hex', i * KEY_BYTES, (i + 1) * KEY_BYTES);
    entries.set(key, floats.subarray(i * dim, (i + 1) * dim));
  }
  return { entries };
}
