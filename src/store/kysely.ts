/**
 * The Kysely values the store uses, loaded as CommonJS. Kysely's ES module build is several hundred
 * files, and under tsx each goes through the module loader hooks: importing it took about 540 ms of
 * every start, its CommonJS build about 150 ms (measured with `npx tsx` on this project's scripts).
 * Types come from the package as usual (`import type … from 'kysely'` is erased).
 */
import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

/** Kysely's query builder over one database. */
export const Kysely = kysely.Kysely;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
export const { Migrator, PostgresDialect, SqliteDialect, sql } = kysely;
