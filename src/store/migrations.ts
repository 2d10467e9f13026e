/**
 * The store's schema as versioned migrations in code, run by Kysely's Migrator (its tables
 * `kysely_migration` and `kysely_migration_lock` record which ran). Migration names start with
 * their schema number ("0001_…"); a database that ran a migration this code does not know was
 * written by a newer citebot and is refused, as is a database full of someone else's tables.
 */
import { Migrator, sql } from './kysely.js';
import type { ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
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
        .addColumn('id', 'integer', (c) => identity(flavor, c))
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
        .addColumn('vector', bytes(flavor), (c) => c.notNull())
        .addPrimaryKeyConstraint('pick_vectors_pk', ['pick_id', 'model'])
        .execute();
    },
  };
}

/**
 * Version 2: what moderators change from Discord and what citebot was asked — articles added from
 * Discord, tombstones hiding folder articles, the audit log, the question log (no user id) and
 * proposals waiting for confirmation — and the corpus revision counter.
 */
function corpus(flavor: SqlFlavor): Migration {
  return {
    async up(db: MigrationDb): Promise<void> {
      await db.insertInto('citebot_meta').values({ key: 'corpus_revision', value: 0 }).execute();

      await db.schema
        .createTable('articles')
        .addColumn('file', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('source_url', 'text')
        .addColumn('attachment_name', 'text')
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', 'bigint')
        .execute();

      await db.schema
        .createTable('tombstones')
        .addColumn('file', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('by_user', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'integer', (c) => identity(flavor, c))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

      await db.schema
        .createTable('questions')
        .addColumn('id', 'integer', (c) => identity(flavor, c))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('answered', 'integer', (c) => c.notNull())
        .addColumn('surface', 'text', (c) => c.notNull())
        .addColumn('answer_id', 'text')
        .addColumn('quoted', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('questions_at').on('questions').column('at').execute();

      await db.schema
        .createTable('proposals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('by_user', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('decided_at', 'bigint')
        .execute();
    },
  };
}

/**
 * Version 3: what was per process and is shared by the instances behind a load balancer — the
 * answers behind buttons, the "Post to channel" claims, the question cooldown's buckets.
 */
function fleet(): Migration {
  return {
    async up(db: MigrationDb): Promise<void> {
      await db.schema
        .createTable('button_answers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('button_answers_expires')
        .on('button_answers')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('post_claims')
        .addColumn('answer_id', 'text', (c) => c.primaryKey())
        .addColumn('claimed_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cooldowns')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cooldowns_pk', ['user_id', 'window_start'])
        .execute();
      await db.schema.createIndex('cooldowns_window').on('cooldowns').column('window_start').execute();
    },
  };
}

/**
 * Version 4: the sentence vectors of corpus texts per model, shared by the instances on one
 * database so a text is embedded once (keyed like the vector cache file: a SHA-256 prefix of the
 * text). Not user data: retention leaves it alone.
 */
function vectors(flavor: SqlFlavor): Migration {
  return {
    async up(db: MigrationDb): Promise<void> {
      await db.schema
        .createTable('vector_cache')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('dim', 'integer', (c) => c.notNull())
        .addColumn('vector', bytes(flavor), (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('vector_cache_pk', ['model', 'key'])
        .execute();
    },
  };
}

/** An auto-numbered integer primary key in either flavor. */
function identity(flavor: SqlFlavor, c: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return flavor === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity();
}

/** The column type of raw bytes in either flavor. */
function bytes(flavor: SqlFlavor): 'blob' | 'bytea' {
  return flavor === 'sqlite' ? 'blob' : 'bytea';
}

/** Every migration this code knows, by name, oldest first. */
function migrations(flavor: SqlFlavor): Record<string, Migration> {
  return {
    '0001_initial': initial(flavor),
    '0002_corpus': corpus(flavor),
    '0003_fleet': fleet(),
    '0004_vectors': vectors(flavor),
  };
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
