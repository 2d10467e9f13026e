/**
 * The feedback service's contract: what the surfaces (Discord routes, the terminal, the feedback
 * command line) call to remember an answer, take a vote, take or undo a pick, and list them for
 * review. It checks who may do what (a stranger can't vote on a private answer; undo and confirm
 * are moderators') and says why in one line when it refuses; the surfaces only render.
 */
import type { AskResult } from '../commands/commands.js';
import type { Passage } from '../core/types.js';
import type { PickRecord, PickRole, Verdict, VoteRecord, VoteValue } from '../store/types.js';

/** Who is acting, as the surface knows it. */
export interface Actor {
  userId: string;
  /** Same rule as /reindex on Discord; the terminal's operator is one. */
  moderator: boolean;
}

/** Where an answer was given. */
export type FeedbackSurface = 'discord' | 'terminal' | 'ask';

/** A refusal or a failure, as one line for the person who acted. */
export interface FeedbackRefusal {
  ok: false;
  /** `forbidden`: not theirs to do; `gone`: unknown or expired; `bad`: a mistake in the request; `unavailable`: the store failed. */
  code: 'forbidden' | 'gone' | 'bad' | 'unavailable';
  message: string;
}

export interface VoteDone {
  ok: true;
  value: VoteValue;
  /** The user's earlier vote on this answer, if any (a changed vote). */
  previous?: VoteValue;
  tally: { up: number; down: number };
}

/** One line of the "Which passage answers it?" menu. */
export interface PickOption {
  /** Position in the answer's candidates (the select's value). */
  index: number;
  /** "Title › Section". */
  label: string;
  /** The passage's first words. */
  firstWords: string;
  /** False when the passage changed or is gone since the answer (not offered). */
  available: boolean;
}

export interface PickMenu {
  ok: true;
  question: string;
  /** The candidates after the one shown first (at most 24), then the shown ones that were not first. */
  options: PickOption[];
}

export interface PickDone {
  ok: true;
  pick: PickRecord;
  /** Whether it is taught now (a moderator's pick, or a user's that another user agreed with). */
  taught: boolean;
  /** One line for the person who picked ("Thanks: a moderator will check it" / "Taught: …"). */
  message: string;
}

/** A pick as /feedback review lists it. */
export interface ReviewPick {
  pick: PickRecord;
  /** active: taught now; pending: a user's pick waiting for agreement; set-aside: its passage changed or is gone; undone. */
  status: 'active' | 'pending' | 'set-aside' | 'undone';
  /** "Title › Section" of the (first) anchor, or "none of these". */
  label: string;
}

export interface ReviewPage {
  ok: true;
  picks: ReviewPick[];
  votes: VoteRecord[];
  page: number;
  pages: number;
}

/** The feedback service (one per process; the store decides what is shared). */
export interface FeedbackService {
  /**
   * Keeps an answer so that votes and picks on it work later (after a restart too); returns its
   * id (for button ids) at once: the write goes on behind the answer (a vote on it waits for it; a
   * failed write is logged, and a vote on that answer is told it is no longer kept).
   */
  remember(
    result: AskResult,
    context: { askerId: string; private: boolean; surface: FeedbackSurface },
  ): Promise<string | undefined>;
  vote(answerId: string, actor: Actor, value: VoteValue): Promise<VoteDone | FeedbackRefusal>;
  /** The menu a 👎 opens, for that voter. */
  pickMenu(answerId: string, actor: Actor): Promise<PickMenu | FeedbackRefusal>;
  /** A choice from the menu: a candidate's index, or 'none' ("None of these"). */
  pick(answerId: string, actor: Actor, choice: number | 'none'): Promise<PickDone | FeedbackRefusal>;
  /** A moderator teaches a question directly (/feedback teach, the terminal, import). */
  teach(
    question: string,
    target: { passage: Passage } | { verdict: 'none'; passages?: readonly Passage[] },
    actor: Actor & { role?: PickRole; source: string },
  ): Promise<PickDone | FeedbackRefusal>;
  undo(pickId: number, actor: Actor): Promise<{ ok: true; pick: PickRecord } | FeedbackRefusal>;
  confirm(pickId: number, actor: Actor): Promise<{ ok: true; pick: PickRecord } | FeedbackRefusal>;
  /** Recent picks and votes, newest first (moderators). */
  review(actor: Actor, page: number, perPage?: number): Promise<ReviewPage | FeedbackRefusal>;
}

export type { Verdict };
