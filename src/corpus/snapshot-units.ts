/**
 * A snapshot's vectors on disk. A restart of an unchanged corpus reads the snapshot and its unit
 * file, the unit file while the snapshot unpacks (most of a second at 50,000 passages: its pages
 * are mapped on another core meanwhile), and the vector search is built from the mean saved with
 * it, without a pass over every vector. After an embedding, the vector cache and the unit file are saved.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import { vectorsFromUnits } from '../core/passage-units.js';
import { vectorSearchMean } from '../core/semantic-prepare.js';
import { nextTurn } from '../next-turn.js';
import { type LoadResult, loadSnapshot } from './snapshot.js';
import { fitUnits, readUnits, saveUnits, type UnitRead } from './unit-file.js';
import type { VectorCache } from './vector-cache.js';

export interface SnapshotRead {
  loaded: LoadResult;
  /** The unit file of `model`, read beside a snapshot that loaded; undefined otherwise. */
  units: Promise<UnitRead> | undefined;
}

/**
 * Loads the snapshot in `cacheDir` for `fingerprint` and, once its header matches, starts reading
 * the unit file of `model` (when there is one and the snapshot has at most `maxPassages` passages).
 */
export async function loadSnapshotAndUnits(
  cacheDir: string,
  fingerprint: string,
  model: string | undefined,
  maxPassages: number,
): Promise<SnapshotRead> {
  let units: Promise<UnitRead> | undefined;
  const loaded = await loadSnapshot(cacheDir, fingerprint, (passages) => {
    if (model !== undefined && passages <= maxPassages) units = readUnits(cacheDir, model, fingerprint);
  });
  return { loaded, units: loaded.ok ? units : undefined };
}

export type Attached =
  | { ok: true; index: CorpusIndex; mean: Float32Array | undefined; bytes: number }
  | { ok: false; reason: string };

/**
 * `index` with the vectors of its unit file (read by `read`) attached, and the vector search's mean
 * saved with them (for `prepareVectorSearch`), or why the file does not fit.
 */
export async function attachUnits(index: CorpusIndex, model: string, read: Promise<UnitRead>): Promise<Attached> {
  const n = index.passages.length;
  const saved = fitUnits(await read, n);
  if (!saved.ok) return saved;
  return { ok: true, index: index.withVectors(vectorsFromUnits(model, saved.units, n)), mean: saved.mean, bytes: saved.bytes };
}

/**
 * After `next` was embedded: adds to `cache` the vectors of `previous` it lacks, keeps only what
 * was used, saves it if it changed, and saves `next`'s unit file (of the model and snapshot `unitsTo` names).
 * Returns what was done, in parts for the semantic stage's report; a failed save is told, not thrown.
 */
export async function saveVectors(
  next: CorpusIndex,
  cache: VectorCache,
  previous: ReadonlyMap<string, Float32Array>,
  unitsTo: { dir: string; model: string; fingerprint: string } | undefined,
): Promise<string[]> {
  const parts: string[] = [];
  await cache.addMissing(previous, nextTurn);
  cache.retainTouched();
  if (cache.file && cache.dirty) {
    try {
      const saved = await cache.save(nextTurn);
      parts.push(`saved ${saved.vectors} vectors, ${saved.bytes} bytes in ${Math.round(saved.ms)} ms`);
    } catch (err) {
      parts.push(`could not be saved: ${(err as Error).message}`);
    }
  }
  const units = next.vectors?.units;
  if (unitsTo && units) {
    const { dir, model, fingerprint } = unitsTo;
    try {
      await saveUnits(dir, model, fingerprint, next.passages.length, units, vectorSearchMean(next));
    } catch (err) {
      parts.push(`unit file could not be saved: ${(err as Error).message}`);
    }
  }
  return parts;
}
