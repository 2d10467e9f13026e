/**
 * The store's schema as versioned migrations in code, run by Kysely's Migrator (its tables
 * `kysely_migration` and `kysely_migration_lock` record which ran). Migration names start with
 * their schema number ("0001_…"); a database that ran a migration this code does not know was
 * written by a newer citebot and is refused, as is a database full of someone else's tables.
 */
import { Migrator, sql } from './kysely.js';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { describeError } from './errors.js';
import type { MetaTable } from './schema.js';
import { StoreError } from './types.js';

/** Which SQL the migrations write where the dialects differ (byte and auto-increment columns). */
export type SqlFlavor = 'sqlite' | 'postgres';

/** Where the migrations run, for the messages of a refusal. */
export interface MigrationTarget {
  flavor: SqlFlavor;
  /** The database as an operator knows it ("/srv/.data/citebot.sqlite"). */
  where: string;
  /** What the operator can do instead ("set DATA_DIR"). */
  remedy: string;
}

/** The migrations' own view of the database: only what they touch, frozen as of their writing. */
type MigrationDb = Kysely<{ citebot_meta: MetaTable }>;

const MIGRATION_TABLE = 'kysely_migration';

/** Version 1: answers, votes, picks, their vectors, and the revision counter. */
function initial(flavor: SqlFlavor): Migration {
  return {
    async up(db: MigrationDb): Promise<void> {
      await db.schema
        .createTable('citebot_meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('citebot_meta').values({ key: 'revision', value: 0 }).execute();

      await db.schema
        .createTable('answers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('asker_id', 'text', (c) => c.notNull())
        .addColumn('private', 'integer', (c) => c.notNull())
        .addColumn('article', 'text')
        .addColumn('answered', 'integer', (c) => c.notNull())
        .addColumn('candidates', 'text', (c) => c.notNull())
        .addColumn('shown', 'integer', (c) => c.notNull())
        .addColumn('surface', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('answers_created_at').on('answers').column('created_at').execute();

      await db.schema
        .createTable('votes')
        .addColumn('answer_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('value', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('votes_pk', ['answer_id', 'user_id'])
        .execute();
      await db.schema.createIndex('votes_created_at').on('votes').column('created_at').execute();

      await db.schema
        .createTable('picks')
        .addColumn('id', 'integer', (c) =>
          flavor === 'sqlite'
            ? c.primaryKey().autoIncrement()
            : c.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('answer_id', 'text')
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('anchors', 'text', (c) => c.notNull())
        .addColumn('by_user', 'text', (c) => c.notNull())
        .addColumn('by_role', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('confirmed_by', 'text')
        .addColumn('confirmed_at', 'bigint')
        .addColumn('undone_by', 'text')
        .addColumn('undone_at', 'bigint')
        .addColumn('reinforced_at', 'bigint')
        .addColumn('contradictions', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('picks_created_at').on('picks').column('created_at').execute();

      await db.schema
        .createTable('pick_vectors')
        .addColumn('pick_id', 'integer', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('vector', flavor === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint('pick_vectors_pk', ['pick_id', 'model'])
        .execute();
    },
  };
}

/** Every migration this code knows, by name, oldest first. */
function migrations(flavor: SqlFlavor): Record<string, Migration> {
  return { '0001_initial': initial(flavor) };
}

/** The schema version this code writes: the number of the newest migration it knows. */
export const SCHEMA_VERSION = Math.max(...Object.keys(migrations('sqlite')).map(schemaNumber));

/** The schema number a migration's name starts with (0 when it starts with none). */
function schemaNumber(name: string): number {
  const n = Number.parseInt(name, 10);
  return Number.isFinite(n) ? n : 0;
}

/** The in-code migration provider for Kysely's Migrator. */
export function migrationProvider(flavor: SqlFlavor): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(flavor)) };
}

/**
 * Brings the database up to `SCHEMA_VERSION` (nothing to do when it is there already). Throws a
 * StoreError when the database was written by a newer citebot, is someone else's, or a
 * migration failed.
 */
export async function migrate<DB>(db: Kysely<DB>, target: MigrationTarget): Promise<void> {
  await refuseForeign(db, target);
  const { error } = await new Migrator({ db, provider: migrationProvider(target.flavor) }).migrateToLatest();
  if (error !== undefined) {
    throw new StoreError(
      `citebot could not update the schema of ${target.where} (${describeError(error)}): ${target.remedy}`,
      { cause: error },
    );
  }
}

/** Refuses a database of a newer citebot, or one holding tables but no citebot migrations. */
async function refuseForeign<DB>(db: Kysely<DB>, target: MigrationTarget): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const names = tables.map((t) => t.name);
  if (!names.includes(MIGRATION_TABLE)) {
    const others = names.filter((n) => !n.startsWith('kysely_'));
    if (others.length > 0) {
      const list = others.slice(0, 3).join(', ') + (others.length > 3 ? ', …' : '');
      throw new StoreError(
        `${target.where} is not a citebot database (it holds other tables: ${list}): move it away or ${target.remedy}`,
      );
    }
    return;
  }
  const ran = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  const known = new Set(Object.keys(migrations(target.flavor)));
  const unknown = ran.rows.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const theirs = Math.max(...ran.rows.map((r) => schemaNumber(r.name)));
    throw new StoreError(
      `${target.where} was written by a newer citebot (schema ${theirs}; this one knows ${SCHEMA_VERSION}): upgrade citebot or ${target.remedy}`,
    );
  }
}
