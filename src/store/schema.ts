/**
 * The store's tables as Kysely sees them. Column types are what both SQLite and PostgreSQL give
 * back: integers that may hold milliseconds (`bigint` columns) can come back as a number, a
 * bigint or (PostgreSQL's driver) a decimal string, so rows are read through `toNumber`.
 * Booleans are 0/1 integers, JSON is text, vectors are bytes.
 */
import type { ColumnType, Generated } from 'kysely';

/** An integer column (milliseconds, counts) as read back by any driver; written as a number. */
export type IntColumn = ColumnType<number | bigint | string, number, number>;
/** The same, nullable. */
export type NullableIntColumn = ColumnType<number | bigint | string | null, number | null, number | null>;
/** A byte column (`blob` on SQLite, `bytea` on PostgreSQL). */
export type BytesColumn = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

/** `answers`: one row per answer given. */
export interface AnswersTable {
  id: string;
  question: string;
  asker_id: string;
  /** 1 when the answer was ephemeral. */
  private: IntColumn;
  article: string | null;
  /** 1 when answered, 0 when declined. */
  answered: IntColumn;
  /** JSON array of anchors. */
  candidates: string;
  shown: IntColumn;
  surface: string;
  created_at: IntColumn;
}

/** `votes`: one row per user per answer (primary key answer_id, user_id). */
export interface VotesTable {
  answer_id: string;
  user_id: string;
  /** 1 or -1. */
  value: IntColumn;
  created_at: IntColumn;
}

/** `picks`: one row per pick, undone ones kept (with `undone_at`). */
export interface PicksTable {
  id: Generated<number>;
  question: string;
  answer_id: string | null;
  verdict: string;
  /** JSON array of anchors. */
  anchors: string;
  by_user: string;
  by_role: string;
  source: string;
  created_at: IntColumn;
  confirmed_by: string | null;
  confirmed_at: NullableIntColumn;
  undone_by: string | null;
  undone_at: NullableIntColumn;
  reinforced_at: NullableIntColumn;
  contradictions: IntColumn;
}

/** `pick_vectors`: a pick's question vector per model (Float32Array bytes, little-endian). */
export interface PickVectorsTable {
  pick_id: IntColumn;
  model: string;
  vector: BytesColumn;
}

/** `citebot_meta`: small named integers (the picks' revision counter). */
export interface MetaTable {
  key: string;
  value: IntColumn;
}

/** The whole database, for `Kysely<Database>`. */
export interface Database {
  answers: AnswersTable;
  votes: VotesTable;
  picks: PicksTable;
  pick_vectors: PickVectorsTable;
  citebot_meta: MetaTable;
}

/** Reads an integer column whichever type the driver gave it back as. */
export function toNumber(value: number | bigint | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Reads a nullable integer column (null becomes undefined, as the records have it). */
export function toOptionalNumber(value: number | bigint | string | null): number | undefined {
  return value === null ? undefined : toNumber(value);
}
