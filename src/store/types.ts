/**
 * The store's contract: everything citebot remembers about answers and the people who judged
 * them (votes, picks), whichever database holds it (SQLite embedded, or PostgreSQL shared by
 * several instances). Plain data in and out; every method is async because a networked database is.
 */

/**
 * A passage named so that the name survives re-indexing while the passage is unchanged: its
 * file and a hash of its whitespace-normalised text (see learning/anchor.ts), plus the text.
 */
export interface Anchor {
  /** The passage's file, relative to the corpus folder. */
  file: string;
  /** Hex SHA-256 prefix (16 chars) of the passage's whitespace-normalised text. */
  hash: string;
  /** The passage's text when the anchor was made (shown where the passage is gone). */
  text: string;
  /** "Title › Section" when the anchor was made (for labels). */
  label: string;
}

/** One answer citebot gave, kept so that votes and picks on it work after a restart. */
export interface AnswerRecord {
  /** Opaque, URL-safe, at most 20 characters (it goes into button ids). */
  id: string;
  /** The question as asked (the only text of a user's that is stored). */
  question: string;
  /** Who asked. */
  askerId: string;
  /** Was the answer ephemeral? Then only the asker may vote on it. */
  private: boolean;
  /** The article filter applied (file), if any. */
  article?: string;
  /** Whether it was answered or declined. */
  answered: boolean;
  /** The passages shown, best first, then the further candidates ("more"). */
  candidates: Anchor[];
  /** How many of `candidates` were shown. */
  shown: number;
  /** Where it was asked: 'discord' | 'terminal' | 'ask' (npm run ask). */
  surface: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export type VoteValue = 1 | -1;

export interface VoteRecord {
  answerId: string;
  userId: string;
  value: VoteValue;
  createdAt: number;
  /** The answer's question (joined in for listings). */
  question?: string;
}

/** Who made a pick, which decides its strength (a user's needs agreement). */
export type PickRole = 'moderator' | 'user';

/** `answer`: the anchor answers the question. `none`: the articles don't answer it (the anchors were wrong). */
export type Verdict = 'answer' | 'none';

/** What a new pick is made of. */
export interface NewPick {
  question: string;
  /** The answer it was made on, when made from an answer's menu. */
  answerId?: string;
  verdict: Verdict;
  /**
   * `answer`: exactly one anchor, the passage that answers. `none`: the passages that were shown
   * and do not answer (may be empty when the answer was already a decline).
   */
  anchors: Anchor[];
  byUser: string;
  byRole: PickRole;
  /** Where it came from: 'discord' | 'terminal' | 'import'. */
  source: string;
}

export interface PickRecord extends NewPick {
  id: number;
  createdAt: number;
  /** A moderator confirmed a user's pick (from /feedback review). */
  confirmedBy?: string;
  confirmedAt?: number;
  /** Undone by a moderator: no longer taught. */
  undoneBy?: string;
  undoneAt?: number;
  /** Last time an answer it lifted was voted up or picked again (fading starts from here). */
  reinforcedAt?: number;
  /** Answers it lifted that were voted down since `reinforcedAt` (each one weakens it). */
  contradictions: number;
}

/** A question's sentence vector for a pick, by model (so only a new question is embedded). */
export interface PickVector {
  pickId: number;
  model: string;
  vector: Float32Array;
}

/** How many rows a purge deleted, by table. */
export interface PurgeReport {
  answers: number;
  votes: number;
  picks: number;
  /** Questions of the question log. */
  questions: number;
  /** Audit entries. */
  audit: number;
  /** Proposals decided or expired. */
  proposals: number;
}

/** The store behind feedback and learning. */
export interface FeedbackStore {
  /** Where it lives, for messages ("SQLite at .data/citebot.sqlite"). */
  readonly description: string;

  /** Keeps an answer (same id again: replaced). */
  recordAnswer(answer: AnswerRecord): Promise<void>;
  getAnswer(id: string): Promise<AnswerRecord | undefined>;

  /**
   * One vote per user per answer: a second vote replaces the first. Returns the previous value
   * (undefined when this is the user's first vote on it).
   */
  vote(answerId: string, userId: string, value: VoteValue, at?: number): Promise<VoteValue | undefined>;
  /** Up and down votes on one answer. */
  tally(answerId: string): Promise<{ up: number; down: number }>;
  /** Most recent votes first. */
  recentVotes(limit: number, offset?: number): Promise<VoteRecord[]>;

  addPick(pick: NewPick, at?: number): Promise<PickRecord>;
  getPick(id: number): Promise<PickRecord | undefined>;
  /** Picks not undone, oldest first (what learning is built from). */
  activePicks(): Promise<PickRecord[]>;
  /** Most recent first, undone ones included. */
  recentPicks(limit: number, offset?: number): Promise<PickRecord[]>;
  /** Returns false when the pick does not exist or was already undone. */
  undoPick(id: number, by: string, at?: number): Promise<boolean>;
  /** Returns false when the pick does not exist, was undone or already confirmed. */
  confirmPick(id: number, by: string, at?: number): Promise<boolean>;
  /** An answer the pick lifted was voted up (reinforce: true) or down (a contradiction). */
  notePickOutcome(id: number, reinforce: boolean, at?: number): Promise<void>;

  /** Stored question vectors of picks for one model. */
  pickVectors(model: string): Promise<PickVector[]>;
  savePickVectors(vectors: readonly PickVector[]): Promise<void>;

  /** Grows by at least one on every change to picks (add, undo, confirm, outcome). */
  revision(): Promise<number>;

  /**
   * Deletes answers, votes and picks older than `before` (ms since the epoch); in a store that is
   * also a CorpusStore (every one today), questions and audit entries older than `before` too,
   * and proposals decided or expired before it. Articles and tombstones are never purged.
   */
  purge(before: number): Promise<PurgeReport>;

  close(): Promise<void>;
}

/** What a user is told when a write is refused because the store can't be reached. */
export const SAVE_UNAVAILABLE = "citebot can't save that right now; try again in a minute.";

/** The store could not be opened or used; `message` is one line an operator can act on. */
export class StoreError extends Error {
  override name = 'StoreError';
}
