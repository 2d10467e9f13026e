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

/** `citebot_meta`: small named integers (`revision` of the picks, `corpus_revision`). */
export interface MetaTable {
  key: string;
  value: IntColumn;
}

/** `articles`: one row per article added from Discord (primary key file). */
export interface ArticlesTable {
  file: string;
  title: string;
  text: string;
  /** Hex SHA-256 of `text`. */
  content_hash: string;
  source_url: string | null;
  attachment_name: string | null;
  etag: string | null;
  last_modified: string | null;
  added_by: string;
  added_at: IntColumn;
  updated_by: string | null;
  updated_at: NullableIntColumn;
}

/** `tombstones`: one row per hidden folder article (primary key file). */
export interface TombstonesTable {
  file: string;
  title: string;
  by_user: string;
  created_at: IntColumn;
}

/** `audit_log`: one row per change, numbered in order. */
export interface AuditLogTable {
  id: Generated<number>;
  at: IntColumn;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

/** `questions`: one row per question asked, without who asked it. */
export interface QuestionsTable {
  id: Generated<number>;
  at: IntColumn;
  question: string;
  /** 1 when answered, 0 when declined. */
  answered: IntColumn;
  surface: string;
  answer_id: string | null;
  /** JSON array of quoted places ({ file, section }). */
  quoted: string;
}

/** A proposal's state: waiting, or how it was decided. */
export type ProposalState = 'pending' | 'confirmed' | 'cancelled';

/** `proposals`: corpus changes waiting for their moderator's confirmation, and decided ones. */
export interface ProposalsTable {
  id: string;
  kind: string;
  by_user: string;
  created_at: IntColumn;
  expires_at: IntColumn;
  /** Opaque JSON text of the corpus service. */
  payload: string;
  state: ColumnType<string, ProposalState | undefined, ProposalState>;
  decided_at: NullableIntColumn;
}

/** `button_answers`: the answers behind buttons, for every instance (see fleet-types.ts). */
export interface ButtonAnswersTable {
  id: string;
  user_id: string;
  /** JSON text. */
  payload: string;
  created_at: IntColumn;
  expires_at: IntColumn;
}

/** `post_claims`: the answers posted to their channel ("Post to channel" works once). */
export interface PostClaimsTable {
  answer_id: string;
  claimed_at: IntColumn;
}

/** `cooldowns`: questions per user per fixed bucket of the cooldown window. */
export interface CooldownsTable {
  user_id: string;
  /** The bucket's start (ms, a multiple of the bucket's length). */
  window_start: IntColumn;
  count: IntColumn;
}

/** `vector_cache`: a corpus text's sentence vector per model (primary key model, key). */
export interface VectorCacheTable {
  model: string;
  /** 32 hex digits: the SHA-256 prefix of the text (see corpus/vector-cache.ts `vectorKey`). */
  key: string;
  dim: IntColumn;
  /** Float32Array bytes, little-endian: `dim * 4` of them. */
  vector: BytesColumn;
  created_at: IntColumn;
}

/** The whole database, for `Kysely<Database>`. */
export interface Database {
  answers: AnswersTable;
  votes: VotesTable;
  picks: PicksTable;
  pick_vectors: PickVectorsTable;
  citebot_meta: MetaTable;
  articles: ArticlesTable;
  tombstones: TombstonesTable;
  audit_log: AuditLogTable;
  questions: QuestionsTable;
  proposals: ProposalsTable;
  button_answers: ButtonAnswersTable;
  post_claims: PostClaimsTable;
  cooldowns: CooldownsTable;
  vector_cache: VectorCacheTable;
}

/** Reads an integer column whichever type the driver gave it back as. */
export function toNumber(value: number | bigint | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Reads a nullable integer column (null becomes undefined, as the records have it). */
export function toOptionalNumber(value: number | bigint | string | null): number | undefined {
  return value === null ? undefined : toNumber(value);
}
