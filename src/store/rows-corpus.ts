/**
 * The corpus records to rows and back (see rows.ts for the feedback's): optional fields as null
 * columns and back to absent ones, booleans as 0/1, quoted places as JSON text, integers read
 * whichever way the driver returns them.
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  AuditAction,
  AuditEntry,
  Proposal,
  ProposalKind,
  QuestionEntry,
  QuotedPlace,
  StoredArticle,
  Tombstone,
} from './corpus-types.js';
import type {
  ArticlesTable,
  AuditLogTable,
  ProposalsTable,
  QuestionsTable,
  TombstonesTable,
} from './schema.js';
import { toNumber, toOptionalNumber } from './schema.js';

/** An article as its row. */
export function articleRow(a: StoredArticle): Insertable<ArticlesTable> {
  return {
    file: a.file,
    title: a.title,
    text: a.text,
    content_hash: a.contentHash,
    source_url: a.sourceUrl ?? null,
    attachment_name: a.attachmentName ?? null,
    etag: a.etag ?? null,
    last_modified: a.lastModified ?? null,
    added_by: a.addedBy,
    added_at: a.addedAt,
    updated_by: a.updatedBy ?? null,
    updated_at: a.updatedAt ?? null,
  };
}

/** An article's row as the record (absent optional fields are left out, not undefined). */
export function articleRecord(r: Selectable<ArticlesTable>): StoredArticle {
  const article: StoredArticle = {
    file: r.file,
    title: r.title,
    text: r.text,
    contentHash: r.content_hash,
    addedBy: r.added_by,
    addedAt: toNumber(r.added_at),
  };
  if (r.source_url !== null) article.sourceUrl = r.source_url;
  if (r.attachment_name !== null) article.attachmentName = r.attachment_name;
  if (r.etag !== null) article.etag = r.etag;
  if (r.last_modified !== null) article.lastModified = r.last_modified;
  if (r.updated_by !== null) article.updatedBy = r.updated_by;
  const updatedAt = toOptionalNumber(r.updated_at);
  if (updatedAt !== undefined) article.updatedAt = updatedAt;
  return article;
}

/** A tombstone as its row. */
export function tombstoneRow(t: Tombstone): Insertable<TombstonesTable> {
  return { file: t.file, title: t.title, by_user: t.by, created_at: t.at };
}

/** A tombstone's row as the record. */
export function tombstoneRecord(r: Selectable<TombstonesTable>): Tombstone {
  return { file: r.file, title: r.title, by: r.by_user, at: toNumber(r.created_at) };
}

/** An audit entry's row as the record. */
export function auditRecord(r: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: toNumber(r.id),
    at: toNumber(r.at),
    actor: r.actor,
    action: r.action as AuditAction,
    target: r.target,
    detail: r.detail,
  };
}

/** A question as its row. */
export function questionRow(q: QuestionEntry): Insertable<QuestionsTable> {
  return {
    at: q.at,
    question: q.question,
    answered: q.answered ? 1 : 0,
    surface: q.surface,
    answer_id: q.answerId ?? null,
    quoted: JSON.stringify(q.quoted.map((p) => ({ file: p.file, section: p.section }))),
  };
}

/** A question's row as the record. */
export function questionRecord(r: Selectable<QuestionsTable>): QuestionEntry {
  const entry: QuestionEntry = {
    at: toNumber(r.at),
    question: r.question,
    answered: toNumber(r.answered) !== 0,
    surface: r.surface,
    quoted: JSON.parse(r.quoted) as QuotedPlace[],
  };
  if (r.answer_id !== null) entry.answerId = r.answer_id;
  return entry;
}

/** A new proposal as its row (pending). */
export function proposalRow(p: Proposal): Insertable<ProposalsTable> {
  return {
    id: p.id,
    kind: p.kind,
    by_user: p.byUser,
    created_at: p.createdAt,
    expires_at: p.expiresAt,
    payload: p.payload,
    state: 'pending',
    decided_at: null,
  };
}

/** A proposal's row as the record (its state is the store's own). */
export function proposalRecord(r: Selectable<ProposalsTable>): Proposal {
  return {
    id: r.id,
    kind: r.kind as ProposalKind,
    byUser: r.by_user,
    createdAt: toNumber(r.created_at),
    expiresAt: toNumber(r.expires_at),
    payload: r.payload,
  };
}
