/**
 * The one way entry points open the store: PostgreSQL when a DATABASE_URL is given (several
 * instances sharing one database), else SQLite in the data folder; the same Store (FeedbackStore
 * and CorpusStore) either way.
 */
import type { Store } from './corpus-types.js';
import { openSqliteStore } from './sqlite.js';

/** Where the store lives. */
export interface StoreOptions {
  /** The data folder (DATA_DIR): the SQLite file `citebot.sqlite` is kept in it. */
  dataDir: string;
  /** A postgresql:// URL (DATABASE_URL): the store is then on PostgreSQL, and `dataDir` unused. */
  databaseUrl?: string;
}

/**
 * Opens and migrates the store (feedback and corpus). Throws a StoreError whose message is one line an
 * operator can act on (unwritable folder, damaged file, unreachable server, newer schema).
 */
export async function openStore({ dataDir, databaseUrl }: StoreOptions): Promise<Store> {
  if (databaseUrl === undefined) return openSqliteStore(dataDir);
  // Loaded only here: a SQLite deployment never loads pg.
  const { openPostgresStore } = await import('./postgres.js');
  return openPostgresStore(databaseUrl);
}
