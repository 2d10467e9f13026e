// How the shared store cases (cases/*.ts) get their stores: SQLite here (the fast suite), PostgreSQL
// in test/scale/store-postgres.scale.test.ts, the same cases against each.
import { afterEach, beforeEach, expect } from 'vitest';
import type { Store } from '../../../src/store/corpus-types.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';
import { StoreError } from '../../../src/store/types.js';
import { tempDir } from '../helpers.js';

/** Opens stores on new, empty databases of one kind. */
export interface StoreFixture {
  /** A store on a new empty database. */
  open(): Promise<Store>;
  /** Two stores on one new empty database (two processes sharing it). */
  openTwo(): Promise<[Store, Store]>;
  /** Removes what the opens made (after their stores are closed). */
  cleanup(): Promise<void>;
}

/** SQLite, each store in memory or in a file of a new temp folder. */
export function sqliteFixture(where: 'memory' | 'file'): StoreFixture {
  const folders: { remove(): void }[] = [];
  const folder = () => {
    const f = tempDir();
    folders.push(f);
    return f.dir;
  };
  return {
    open: () => openSqliteStore(where === 'memory' ? ':memory:' : folder()),
    async openTwo() {
      const dir = folder();
      return [await openSqliteStore(dir), await openSqliteStore(dir)];
    },
    cleanup() {
      for (const f of folders.splice(0)) f.remove();
      return Promise.resolve();
    },
  };
}

/**
 * Gives each test of the calling suite a store on a new empty database of `fixture` (through `use`),
 * and closes it and removes what the fixture made after the test.
 */
export function storePerTest(fixture: StoreFixture, use: (store: Store) => void): void {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await fixture.open();
    use(store);
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await fixture.cleanup();
  });
}

/** The message of a failed `what` of `store`: one line naming the store and the work. */
export function failedWork(store: Store, what: string): RegExp {
  const name = store.description.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  return new RegExp(`^${name}: could not ${what} \\(.+\\)$`, 'u');
}

/** The StoreError `work` fails with, of one line (the test fails when it does not). */
export async function failure(work: Promise<unknown>): Promise<StoreError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as Error).message).not.toContain('\n');
  return error as StoreError;
}
