// The sentence vectors instances share (SharedVectors) on SQLite: the shared cases of
// cases/vectors.ts (each store in memory; the concurrent case opens two connections on one file),
// then a row not of its dimension's length, which only a raw write can make.
import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE, openSqliteStore } from '../../src/store/sqlite.js';
import { sqliteFixture } from './cases/fixture.js';
import { vectorCases } from './cases/vectors.js';
import { tempDir } from './helpers.js';

describe('shared vectors', () => vectorCases(sqliteFixture('memory')));

describe('shared vectors, a row of the wrong length', () => {
  let folder: { dir: string; remove: () => void };
  beforeEach(() => {
    folder = tempDir();
  });
  afterEach(() => folder.remove());

  it('is skipped as no vector', async () => {
    const store = await openSqliteStore(folder.dir);
    const good = Float32Array.of(1, 2, 3);
    await store.putVectors('m', [{ key: 'a'.repeat(32), vector: good }]);
    await store.close();
    const raw = new Sqlite(join(folder.dir, SQLITE_FILE));
    raw
      .prepare('insert into vector_cache (model, key, dim, vector, created_at) values (?, ?, ?, ?, ?)')
      .run('m', 'b'.repeat(32), 3, Buffer.alloc(8), 1);
    raw.close();
    const reopened = await openSqliteStore(folder.dir);
    try {
      const found = await reopened.getVectors('m', ['a'.repeat(32), 'b'.repeat(32)]);
      expect([...found.keys()]).toEqual(['a'.repeat(32)]);
      expect(Array.from(found.get('a'.repeat(32)) ?? [])).toEqual([1, 2, 3]);
    } finally {
      await reopened.close();
    }
  });
});
