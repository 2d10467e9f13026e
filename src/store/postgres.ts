/**
 * The store (feedback and corpus) on PostgreSQL (DATABASE_URL): Kysely's PostgresDialect on a small
 * `pg` pool, the same queries as SQLite. Several citebots may share the database: opening migrates
 * under an advisory lock, so instances starting together migrate once. A dropped connection (a
 * restart of the server) is replaced by the pool on the next call. Changes are pushed to every
 * instance (`watch`, LISTEN/NOTIFY on a connection of its own: postgres-listen.ts). Messages name the server as
 * "PostgreSQL at host:port/db", never with the password.
 */
import { createRequire } from 'node:module';
import type * as PgModule from 'pg';
import { Kysely, PostgresDialect } from './kysely.js';
import { errorCode, errorText } from './errors.js';
import { migrate } from './migrations.js';
import { ChangeFeed } from './postgres-listen.js';
import { KyselyStore } from './queries-corpus.js';
import type { Database } from './schema.js';
import type { ChangeListener, Store } from './corpus-types.js';
import { StoreError } from './types.js';

/** What the operator can change, in every message. */
const REMEDY = 'check DATABASE_URL';

/**
 * The session advisory lock held around the migrations: any constant of citebot's own. It must
 * differ from the one Kysely's Migrator takes inside (on another connection of the pool), or the
 * two would wait on each other.
 */
export const MIGRATION_LOCK_KEY = 0x63697465626f74; // "citebot"

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** Most connections held at once (default 10; at least 2: migrating holds the lock on one). */
  poolSize?: number;
  /** How long connecting may take, in ms (default 5000). */
  connectTimeoutMs?: number;
  /** A statement running longer than this is cancelled by the server, in ms (default 30000). */
  statementTimeoutMs?: number;
}

/** `pg` loaded as CommonJS (as Kysely is, see kysely.ts), and only when PostgreSQL is used. */
function loadPg(): typeof PgModule {
  return createRequire(import.meta.url)('pg') as typeof PgModule;
}

/**
 * Where the URL points, for messages: "host:port/db" without user or password. Throws a
 * StoreError when `url` is not a postgres:// or postgresql:// URL.
 */
export function describePostgresUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreError(`DATABASE_URL is not a URL (postgresql://user:password@host:5432/db): ${REMEDY}`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StoreError(
      `DATABASE_URL must start with postgresql:// or postgres:// (got ${u.protocol}): ${REMEDY}`,
    );
  }
  const host = u.searchParams.get('host') ?? (u.hostname === '' ? 'localhost' : u.hostname);
  const port = u.port === '' ? '5432' : u.port;
  const user = decodeURIComponent(u.username) || (process.env.USER ?? '');
  const db = decodeURIComponent(u.pathname.replace(/^\//u, '')) || user;
  return `${host}:${port}/${db}`;
}

/**
 * Opens the store on the PostgreSQL database of `url` and migrates it (once, whoever else opens it
 * at the same time). Throws a StoreError of one line, without the password, when the server can't
 * be reached or refuses the login, or the database is a newer citebot's or someone else's.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const where = `PostgreSQL at ${describePostgresUrl(url)}`;
  const password = passwordOf(url);
  const pg = loadPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: Math.max(2, options.poolSize ?? 10),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: 60_000,
    idleTimeoutMillis: 30_000,
    application_name: 'citebot',
  });
  // An idle connection that breaks (the server restarted) is dropped by the pool and replaced on
  // the next query; without a listener, its 'error' event would end the process.
  pool.on('error', () => undefined);
  // A connection that breaks while checked out (in a query or a transaction) emits 'error' too, and the
  // pool listens only to idle ones: the call on it fails with the error, the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateLocked(pool, db, where, password);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  return new PostgresStore(db, where, new ChangeFeed({ pg, connectionString: url, connectTimeoutMs }));
}

/** The store whose revision bumps notify, with `watch` on its own listening connection. */
class PostgresStore extends KyselyStore {
  readonly #feed: ChangeFeed;

  constructor(db: Kysely<Database>, where: string, feed: ChangeFeed) {
    super(db, where, true, { notify: true });
    this.#feed = feed;
  }

  watch(listener: ChangeListener): Promise<() => Promise<void>> {
    return this.#feed.watch(listener);
  }

  override async close(): Promise<void> {
    await this.#feed.close();
    await super.close();
  }
}

/** Migrates while holding MIGRATION_LOCK_KEY on one connection of the pool. */
async function migrateLocked(
  pool: PgModule.Pool,
  db: Kysely<Database>,
  where: string,
  password: string,
): Promise<void> {
  let client: PgModule.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new StoreError(`citebot could not reach ${where} (${reason(error, password)}): ${REMEDY}`, {
      cause: error,
    });
  }
  let broken: unknown;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(db, { flavor: 'postgres', where, remedy: 'set DATABASE_URL to another database' });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    broken = error;
    if (error instanceof StoreError) throw error;
    throw new StoreError(`citebot could not use ${where} (${reason(error, password)}): ${REMEDY}`, {
      cause: error,
    });
  } finally {
    // A connection whose lock may still be held is closed rather than given back.
    client.release(broken !== undefined);
  }
}

/** The password inside the URL ('' when none), to keep it out of every message. */
function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/**
 * A failure as the parenthesis of a message: a system error by its code ("ECONNREFUSED"), a
 * server's by SQLSTATE and text ("28P01: password authentication failed for user …"); the
 * password, should it appear, is replaced by "***".
 */
function reason(error: unknown, password: string): string {
  const code = errorCode(error);
  const text = errorText(error);
  const said =
    code !== undefined && /^E[A-Z]+$/u.test(code)
      ? code
      : code !== undefined && text !== '' && !text.startsWith(code)
        ? `${code}: ${text}`
        : text || code || 'unknown error';
  return password === '' ? said : said.split(password).join('***');
}
