/**
 * The one way entry points open the feedback store. SQLite in the data folder today; a
 * PostgreSQL URL will choose PostgreSQL here later, behind the same FeedbackStore.
 */
import { openSqliteStore } from './sqlite.js';
import type { FeedbackStore } from './types.js';

/** Where the store lives. */
export interface StoreOptions {
  /** The data folder (DATA_DIR): the SQLite file `citebot.sqlite` is kept in it. */
  dataDir: string;
}

/**
 * Opens and migrates the feedback store. Throws a StoreError whose message is one line an
 * operator can act on (unwritable folder, damaged file, newer schema).
 */
export function openStore({ dataDir }: StoreOptions): Promise<FeedbackStore> {
  return openSqliteStore(dataDir);
}
