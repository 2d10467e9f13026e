/**
 * Records to rows and back: booleans as 0/1, anchors as JSON text, vectors as the bytes of their
 * Float32Array, integers read whichever way the driver returns them.
 */
import type { Insertable, Selectable } from 'kysely';
import type { AnswersTable, PicksTable } from './schema.js';
import { toNumber, toOptionalNumber } from './schema.js';
import type {
  Anchor,
  AnswerRecord,
  NewPick,
  PickRecord,
  PickRole,
  Verdict,
  VoteRecord,
  VoteValue,
} from './types.js';

/** An answer as its row. */
export function answerRow(a: AnswerRecord): Insertable<AnswersTable> {
  return {
    id: a.id,
    question: a.question,
    asker_id: a.askerId,
    private: a.private ? 1 : 0,
    article: a.article ?? null,
    answered: a.answered ? 1 : 0,
    candidates: JSON.stringify(a.candidates),
    shown: a.shown,
    surface: a.surface,
    created_at: a.createdAt,
  };
}

/** An answer's row as the record. */
export function answerRecord(r: Selectable<AnswersTable>): AnswerRecord {
  const answer: AnswerRecord = {
    id: r.id,
    question: r.question,
    askerId: r.asker_id,
    private: toNumber(r.private) !== 0,
    answered: toNumber(r.answered) !== 0,
    candidates: JSON.parse(r.candidates) as Anchor[],
    shown: toNumber(r.shown),
    surface: r.surface,
    createdAt: toNumber(r.created_at),
  };
  if (r.article !== null) answer.article = r.article;
  return answer;
}

/** A new pick as its row. */
export function pickRow(p: NewPick, at: number): Insertable<PicksTable> {
  return {
    question: p.question,
    answer_id: p.answerId ?? null,
    verdict: p.verdict,
    anchors: JSON.stringify(p.anchors),
    by_user: p.byUser,
    by_role: p.byRole,
    source: p.source,
    created_at: at,
    contradictions: 0,
  };
}

/** A pick's row as the record (absent optional fields are left out, not undefined). */
export function pickRecord(r: Selectable<PicksTable>): PickRecord {
  const pick: PickRecord = {
    id: r.id,
    question: r.question,
    verdict: r.verdict as Verdict,
    anchors: JSON.parse(r.anchors) as Anchor[],
    byUser: r.by_user,
    byRole: r.by_role as PickRole,
    source: r.source,
    createdAt: toNumber(r.created_at),
    contradictions: toNumber(r.contradictions),
  };
  if (r.answer_id !== null) pick.answerId = r.answer_id;
  if (r.confirmed_by !== null) pick.confirmedBy = r.confirmed_by;
  const confirmedAt = toOptionalNumber(r.confirmed_at);
  if (confirmedAt !== undefined) pick.confirmedAt = confirmedAt;
  if (r.undone_by !== null) pick.undoneBy = r.undone_by;
  const undoneAt = toOptionalNumber(r.undone_at);
  if (undoneAt !== undefined) pick.undoneAt = undoneAt;
  const reinforcedAt = toOptionalNumber(r.reinforced_at);
  if (reinforcedAt !== undefined) pick.reinforcedAt = reinforcedAt;
  return pick;
}

/** A vote's row, with its answer's question when the answer is still kept, as the record. */
export function voteRecord(r: {
  answer_id: string;
  user_id: string;
  value: number | bigint | string;
  created_at: number | bigint | string;
  question: string | null;
}): VoteRecord {
  const vote: VoteRecord = {
    answerId: r.answer_id,
    userId: r.user_id,
    value: voteValue(r.value),
    createdAt: toNumber(r.created_at),
  };
  if (r.question !== null) vote.question = r.question;
  return vote;
}

/** A vote's value as stored (anything but 1 reads as a down vote). */
export function voteValue(v: number | bigint | string): VoteValue {
  return toNumber(v) === 1 ? 1 : -1;
}

/**
 * The bytes of a vector, without copying (little-endian on every platform Node runs on). A
 * Buffer, as both SQLite's and PostgreSQL's drivers take for a byte column.
 */
export function vectorBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * A vector from stored bytes: a view on them when they start at a multiple of 4 in their buffer
 * (as better-sqlite3 gives them), else a copy (a Float32Array view needs that alignment).
 */
export function vectorFrom(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`a stored vector has ${bytes.byteLength} bytes`);
  if (bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
