/**
 * SharedVectors (vector-types.ts) on the store's Kysely database: reads by chunks of keys, inserts
 * in key order that leave a key already there as it was (`on conflict do nothing`, on SQLite and
 * PostgreSQL).
 */
import { KyselyFleetStore } from './queries-fleet.js';
import { vectorBytes, vectorFrom } from './rows.js';
import { toNumber } from './schema.js';
import type { SharedVector, SharedVectors } from './vector-types.js';

/** Keys per read and rows per insert (well under either database's limit of bound parameters). */
const CHUNK = 500;

/** The FleetStore plus the shared vectors; KyselyStore (queries-corpus.ts) adds the corpus. */
export class KyselyVectorStore extends KyselyFleetStore implements SharedVectors {
  getVectors(model: string, keys: readonly string[]): Promise<Map<string, Float32Array>> {
    const unique = [...new Set(keys)];
    return this.use('read shared vectors', async () => {
      const found = new Map<string, Float32Array>();
      for (let i = 0; i < unique.length; i += CHUNK) {
        const rows = await this.db
          .selectFrom('vector_cache')
          .select(['key', 'dim', 'vector'])
          .where('model', '=', model)
          .where('key', 'in', unique.slice(i, i + CHUNK))
          .execute();
        for (const row of rows) {
          // A row of the wrong length (written by something else) is not a vector of this model.
          if (row.vector.byteLength !== toNumber(row.dim) * 4) continue;
          // A copy: the driver's bytes may be a slice of a larger pooled buffer.
          found.set(row.key, vectorFrom(row.vector).slice());
        }
      }
      return found;
    });
  }

  storedVectorKeys(model: string, keys: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(keys)];
    return this.use('read shared vector keys', async () => {
      const stored = new Set<string>();
      for (let i = 0; i < unique.length; i += CHUNK) {
        const rows = await this.db
          .selectFrom('vector_cache')
          .select('key')
          .where('model', '=', model)
          .where('key', 'in', unique.slice(i, i + CHUNK))
          .execute();
        for (const row of rows) stored.add(row.key);
      }
      return stored;
    });
  }

  putVectors(model: string, entries: readonly SharedVector[], at = Date.now()): Promise<void> {
    // One row per key, the first (as a key stored already keeps its first vector), in key order:
    // writers inserting the same keys at once then wait for each other in one order, never in a
    // cycle (PostgreSQL would end one of them as a deadlock).
    const first = new Map<string, SharedVector>();
    for (const e of entries) if (!first.has(e.key)) first.set(e.key, e);
    const unique = [...first.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (unique.length === 0) return Promise.resolve();
    return this.use('keep shared vectors', async () => {
      for (let i = 0; i < unique.length; i += CHUNK) {
        const rows = unique.slice(i, i + CHUNK).map((e) => ({
          model,
          key: e.key,
          dim: e.vector.length,
          vector: vectorBytes(e.vector),
          created_at: at,
        }));
        await this.db
          .insertInto('vector_cache')
          .values(rows)
          .onConflict((oc) => oc.columns(['model', 'key']).doNothing())
          .execute();
      }
    });
  }
}
