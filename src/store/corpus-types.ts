/**
 * The store's contract for what moderators change from Discord and what citebot was asked: articles
 * added from Discord, tombstones hiding folder articles, the audit log, the question log behind
 * /insights, and pending corpus changes waiting for a moderator's confirmation. Plain data in and
 * out, as in types.ts; one database holds it with the feedback.
 */
import type { FleetStore } from './fleet-types.js';
import type { FeedbackStore, PickRecord, VoteRecord } from './types.js';
import type { SharedVectors } from './vector-types.js';

/** An article added from Discord (by attachment or link), as the index reads it. */
export interface StoredArticle {
  /**
   * Its name in the index, unique across the folder and the store: `discord/<slug>.md` (or `.txt`).
   * Folder files never start with `discord/` in the index (see corpus/store-sources.ts).
   */
  file: string;
  title: string;
  /** The text indexed (Markdown with its headings, or plain text), exactly as quoted. */
  text: string;
  /** Hex SHA-256 of `text`. */
  contentHash: string;
  /** The page it came from (http/https), when added by link. */
  sourceUrl?: string;
  /** The attachment's file name, when added by attachment. */
  attachmentName?: string;
  /** Validators of the page as last fetched (an update sends them back). */
  etag?: string;
  lastModified?: string;
  addedBy: string;
  addedAt: number;
  updatedBy?: string;
  updatedAt?: number;
}

/** A folder article hidden from Discord: the file stays, the index leaves it out. */
export interface Tombstone {
  /** The article's file, relative to the corpus folder. */
  file: string;
  /** Its title when hidden (for listings). */
  title: string;
  by: string;
  at: number;
}

/** What the audit log records. */
export type AuditAction =
  'add' | 'replace' | 'update' | 'remove' | 'hide' | 'restore' | 'reindex' | 'undo' | 'confirm' | 'import';

/** One audit entry to write. */
export interface NewAuditEntry {
  /** Who did it (a Discord user id, or `terminal` / `cli`). */
  actor: string;
  action: AuditAction;
  /** What it was done to: an article's title and file, a pick's number, … (one line). */
  target: string;
  /** What happened, in one line (passages added/changed/removed, the re-index's figures). */
  detail: string;
}

export interface AuditEntry extends NewAuditEntry {
  id: number;
  at: number;
}

/** A passage an answer quoted, by article and section (what /insights counts). */
export interface QuotedPlace {
  file: string;
  /** "Section › Subsection"; empty before the first heading. */
  section: string;
}

/** One question citebot was asked, kept without who asked it. */
export interface QuestionEntry {
  at: number;
  question: string;
  answered: boolean;
  /** 'discord' | 'terminal' | 'ask'. */
  surface: string;
  /** The feedback answer it got (joins votes and picks), when one was kept. */
  answerId?: string;
  /** The passages shown, best first. */
  quoted: QuotedPlace[];
}

/** What a pending corpus change does once confirmed. */
export type ProposalKind = 'add' | 'update' | 'remove' | 'restore';

/** A corpus change a moderator asked for, kept until they confirm or cancel it (or it expires). */
export interface Proposal {
  /** Opaque, URL-safe, at most 20 characters (it goes into button ids). */
  id: string;
  kind: ProposalKind;
  /** Only this moderator may confirm or cancel it. */
  byUser: string;
  createdAt: number;
  /** After this (ms since the epoch) it can no longer be confirmed. */
  expiresAt: number;
  /** What to apply: JSON written and read by the corpus service (manage/), opaque to the store. */
  payload: string;
}

/** How a proposal ended. */
export type ProposalOutcome = 'confirmed' | 'cancelled';

/** The result of claiming a proposal (exactly one claim of a pending proposal wins). */
export type ProposalClaim =
  { ok: true; proposal: Proposal } | { ok: false; reason: 'unknown' | 'expired' | 'not_yours' | 'decided' };

/** Articles, tombstones, audit log, question log and proposals. */
export interface CorpusStore {
  /** Every article added from Discord, by file. */
  articles(): Promise<StoredArticle[]>;
  getArticle(file: string): Promise<StoredArticle | undefined>;
  /**
   * Adds or replaces (same file) an article, bumps the corpus revision and writes the audit entry,
   * in one transaction.
   */
  putArticle(article: StoredArticle, audit: NewAuditEntry, at?: number): Promise<void>;
  /**
   * Deletes an article added from Discord (false when there was none), with its audit entry. As
   * for hideArticle and restoreArticle: when nothing changed, no audit entry is written and the
   * corpus revision stays.
   */
  deleteArticle(file: string, audit: NewAuditEntry, at?: number): Promise<boolean>;

  /** Every tombstone. */
  tombstones(): Promise<Tombstone[]>;
  /** Hides a folder article (again: no change, returns false), with its audit entry. */
  hideArticle(tombstone: Tombstone, audit: NewAuditEntry): Promise<boolean>;
  /** Shows a hidden folder article again (false when it was not hidden), with its audit entry. */
  restoreArticle(file: string, audit: NewAuditEntry, at?: number): Promise<boolean>;

  /** Grows by at least one on every change to articles or tombstones (part of the snapshot's fingerprint). */
  corpusRevision(): Promise<number>;

  /** Writes one audit entry on its own (re-index, feedback undo, import). */
  audit(entry: NewAuditEntry, at?: number): Promise<AuditEntry>;
  /** Newest first. */
  auditLog(limit: number, offset?: number): Promise<AuditEntry[]>;
  auditCount(): Promise<number>;

  /** Keeps a question (no user id). */
  logQuestion(entry: QuestionEntry): Promise<void>;
  /** Questions asked at or after `since`, oldest first, at most `limit` (default: all). */
  questionsSince(since: number, limit?: number): Promise<QuestionEntry[]>;
  /** Votes cast at or after `since`, oldest first, each with its answer's question. */
  votesSince(since: number): Promise<VoteRecord[]>;
  /** Picks made at or after `since` (undone ones included), oldest first. */
  picksSince(since: number): Promise<PickRecord[]>;

  saveProposal(proposal: Proposal): Promise<void>;
  /** Reads a proposal without claiming it (undefined when unknown or decided; an expired one is returned). */
  getProposal(id: string): Promise<Proposal | undefined>;
  /**
   * Claims a pending proposal for `byUser` and marks it `outcome`: exactly one of several
   * concurrent claims succeeds. Refused when unknown, decided, expired at `at`, or someone else's
   * (an expired or someone else's proposal stays as it was). Expired means `at >= expiresAt`. A
   * refusal names the first that applies of: unknown, not_yours, decided, expired.
   */
  claimProposal(id: string, byUser: string, outcome: ProposalOutcome, at?: number): Promise<ProposalClaim>;
  /**
   * Puts a confirmed proposal back to pending (applying it failed, so the moderator may try again).
   * A pending, cancelled or unknown one is left as it is.
   */
  releaseProposal(id: string): Promise<void>;
}

/** What changed: the picks (the store's revision) or articles and tombstones (the corpus revision). */
export type ChangeKind = 'picks' | 'corpus';

/** One change heard from the store (possibly made by another process). */
export interface StoreChange {
  kind: ChangeKind;
}

/** Hears changes; called on the store's own schedule, it must not throw (a throw is ignored). */
export type ChangeListener = (change: StoreChange) => void;

/** Being told of changes as they commit, where the database can push them. */
export interface ChangeWatch {
  /**
   * Subscribes `listener` to the changes committed by any process on this database; resolves
   * once listening (or, when the server can't be reached now, once the first attempt failed: it
   * keeps trying). After a lost connection comes back, each kind is heard once, since a change
   * may have been missed meanwhile. Resolves to the unsubscribe. Optional: PostgreSQL has it;
   * SQLite (a file shared by local processes, no push) doesn't, and its readers poll the
   * revisions instead. Polling stays the fallback everywhere, for a notification missed.
   */
  watch?(listener: ChangeListener): Promise<() => Promise<void>>;
}

/** Everything citebot keeps, behind one database. */
export type Store = FeedbackStore & CorpusStore & FleetStore & SharedVectors & ChangeWatch;
