/**
 * The store (feedback and corpus) in an embedded SQLite file, `citebot.sqlite` in the data folder (WAL
 * journal, a busy timeout for a second process). Opening checks everything an operator could
 * get wrong up front — an unwritable folder, a file that is not a database or is damaged, a
 * database of a newer citebot — and says so in one line naming the path.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from './kysely.js';
import { describeError, errorCode, errorText } from './errors.js';
import { migrate } from './migrations.js';
import { KyselyStore } from './queries-corpus.js';
import type { Database } from './schema.js';
import type { Store } from './corpus-types.js';
import { StoreError } from './types.js';

/** The database file's name inside the data folder. */
export const SQLITE_FILE = 'citebot.sqlite';

/** What the operator can change, in every message. */
const REMEDY = 'set DATA_DIR';

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** A database in memory, gone on close (for tests); `dir` is then ignored. */
  memory?: boolean;
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating the folder and the file if missing) and migrates the SQLite store in `dir`;
 * `dir` `':memory:'` is the same as `{ memory: true }`. Throws a StoreError whose message is
 * one line naming the folder or file when it cannot.
 */
export async function openSqliteStore(dir: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const memory = options.memory === true || dir === ':memory:';
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const file = memory ? ':memory:' : join(resolve(dir), SQLITE_FILE);
  if (!memory) prepareFolder(resolve(dir));

  let raw: Sqlite.Database;
  try {
    raw = new Sqlite(file, { timeout: busyTimeoutMs });
  } catch (error) {
    throw openError(error, file);
  }
  let db: Kysely<Database> | undefined;
  try {
    configure(raw, memory, busyTimeoutMs);
    checkIntegrity(raw, file);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    await migrateRetrying(db, raw, file);
  } catch (error) {
    if (db) await db.destroy().catch(() => undefined);
    if (raw.open) raw.close();
    throw error instanceof StoreError ? error : openError(error, file);
  }
  return new KyselyStore(db, memory ? 'SQLite in memory' : `SQLite at ${file}`);
}

/** Attempts at migrating while another process holds the new file's lock. */
const MIGRATE_ATTEMPTS = 6;

/**
 * Migrates inside one `BEGIN IMMEDIATE` transaction, so processes opening a new database at once
 * migrate one after the other: Kysely's Migrator takes no lock on SQLite and runs the migrations
 * statement by statement, so a second process could run a migration the first had begun and not yet
 * recorded (two shards starting together failed with "UNIQUE constraint failed: citebot_meta.key").
 * The transaction also makes the migrations all-or-nothing. A lock held longer than the busy timeout
 * ("database is locked") is tried again a few times.
 */
async function migrateRetrying(db: Kysely<Database>, raw: Sqlite.Database, file: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      raw.exec('BEGIN IMMEDIATE');
      try {
        await migrate(db, { flavor: 'sqlite', where: file, remedy: REMEDY });
        raw.exec('COMMIT');
      } finally {
        if (raw.inTransaction) raw.exec('ROLLBACK');
      }
      return;
    } catch (error) {
      const busy = /SQLITE_BUSY|database is locked/u.test(
        `${describeError(error)} ${describeError((error as Error).cause)}`,
      );
      if (!busy || attempt >= MIGRATE_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** Creates the data folder if missing and checks that it can be written to. */
function prepareFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = errorCode(error) ?? errorText(error);
    throw new StoreError(
      `citebot can't write its data folder ${dir} (${code}): ${REMEDY} to a writable folder`,
      { cause: error },
    );
  }
}

/** Busy timeout, WAL journal (not for memory), and the sync level WAL makes safe. */
function configure(raw: Sqlite.Database, memory: boolean, busyTimeoutMs: number): void {
  raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  if (memory) return;
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
}

/** Reads the whole file's structure now, so a damaged file is refused at open, not at a vote. */
function checkIntegrity(raw: Sqlite.Database, file: string): void {
  const rows = raw.pragma('quick_check(1)') as { quick_check: string }[];
  const found = rows[0]?.quick_check ?? 'ok';
  if (found !== 'ok') {
    // "*** in database main ***\nTree 17 page 17: …" as one line, without the banner.
    const verdict = found
      .replace(/\*\*\* in database \S+ \*\*\*/u, '')
      .replace(/\s+/gu, ' ')
      .trim();
    throw new StoreError(
      `${file} is not a citebot database (damaged: ${verdict}): move it away or ${REMEDY}`,
    );
  }
}

/** One operator's line for a failure of SQLite at open. */
function openError(error: unknown, file: string): StoreError {
  const code = errorCode(error) ?? '';
  const why = describeError(error);
  const opts = { cause: error };
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      `${file} is not a citebot database (${errorText(error)}): move it away or ${REMEDY}`,
      opts,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new StoreError(`citebot can't write ${file} (${why}): make it writable or ${REMEDY}`, opts);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(`${file} is locked by another program (${why}): stop it or ${REMEDY}`, opts);
  }
  return new StoreError(`citebot can't open ${file} (${why}): ${REMEDY} to a writable folder`, opts);
}
