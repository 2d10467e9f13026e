/**
 * The one way entry points open the store. SQLite in the data folder today; a PostgreSQL URL
 * will choose PostgreSQL here later, behind the same Store (FeedbackStore and CorpusStore).
 */
import type { Store } from './corpus-types.js';
import { openSqliteStore } from './sqlite.js';

/** Where the store lives. */
export interface StoreOptions {
  /** The data folder (DATA_DIR): the SQLite file `citebot.sqlite` is kept in it. */
  dataDir: string;
}

/**
 * Opens and migrates the store (feedback and corpus). Throws a StoreError whose message is one line an
 * operator can act on (unwritable folder, damaged file, newer schema).
 */
export function openStore({ dataDir }: StoreOptions): Promise<Store> {
  return openSqliteStore(dataDir);
}
