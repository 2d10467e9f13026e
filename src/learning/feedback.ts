/**
 * The feedback service: remembers answers, takes votes and picks, checks who may do what, and
 * keeps the learning in step with the store (after its own changes at once, after another
 * process's within a couple of seconds).
 */
import { randomBytes } from 'node:crypto';
import type { AskResult } from '../commands/commands.js';
import { checkQuestion } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { AnswerPassage, Passage } from '../core/types.js';
import { readAgainOnce, WriteBehind } from '../core/write-behind.js';
import type { AnswerRecord, FeedbackStore, NewPick, PickRecord, VoteValue } from '../store/types.js';
import { SAVE_UNAVAILABLE } from '../store/types.js';
import { AnchorResolver, anchorOf } from './anchor.js';
import type { FeedbackDeps } from './feedback-deps.js';
import type {
  Actor,
  FeedbackRefusal,
  FeedbackService,
  FeedbackSurface,
  PickDone,
  PickMenu,
  ReviewPage,
} from './types.js';

export type { FeedbackDeps, LearningEngine } from './feedback-deps.js';

/** Menu options a 👎 offers at most (Discord's select holds 25, one is "None of these"). */
export const MAX_PICK_OPTIONS = 24;
/** Picks listed per /feedback review page by default, and how far back review looks. */
export const REVIEW_PER_PAGE = 5;
const REVIEW_WINDOW = 500;
/** Answers whose lifting picks are remembered in memory (for reinforcement on a vote). */
const LIFTED_KEPT = 10_000;
/** How long a vote on an unknown answer waits for another instance's write before reading again. */
const ANSWER_WRITE_GRACE_MS = 150;
const FIRST_WORDS = 12;

function refuse(code: FeedbackRefusal['code'], message: string): FeedbackRefusal {
  return { ok: false, code, message };
}

/** The first words of a passage, for menu descriptions. */
export function firstWords(text: string, words = FIRST_WORDS): string {
  const all = text.trim().split(/\s+/u);
  return all.length > words ? `${all.slice(0, words).join(' ')}…` : all.join(' ');
}

/** The feedback service with its store and learning; `refresh()` loads what is taught. */
export class Feedback implements FeedbackService {
  readonly #d: FeedbackDeps;
  readonly #now: () => number;
  readonly #lifted = new Map<string, number[]>();
  /** Answers being written (remember returns before the write ends): their votes wait for it. */
  readonly #writing = new WriteBehind();
  #picks: PickRecord[] = [];
  #revision = -1;
  #resolver: AnchorResolver | undefined;
  #syncing: Promise<void> | undefined;

  constructor(deps: FeedbackDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  get store(): FeedbackStore {
    return this.#d.store;
  }

  /** Loads the picks into the learning (and saves question vectors it made). */
  async refresh(): Promise<void> {
    const { store, learning, model } = this.#d;
    const revision = await store.revision();
    const picks = await store.activePicks();
    const vectors = model ? await store.pickVectors(model) : [];
    const made = await learning.load(picks, vectors);
    if (made.length) await store.savePickVectors(made);
    this.#picks = picks;
    this.#revision = revision;
    // Built now, so the next question does not wait for it (about 0.4 s at 10,000 picks).
    if (this.#d.library.ready) learning.teachingFor(this.#d.library.index);
  }

  /** Refreshes when another process changed the picks (one check at a time). */
  async sync(): Promise<void> {
    this.#syncing ??= (async () => {
      try {
        if ((await this.#d.store.revision()) !== this.#revision) await this.refresh();
      } catch (err) {
        this.#d.log.warn('feedback: could not read the store', { error: (err as Error).message });
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  #resolverFor(index: CorpusIndex): AnchorResolver {
    if (this.#resolver?.index !== index) this.#resolver = new AnchorResolver(index);
    return this.#resolver;
  }

  async remember(
    result: AskResult,
    context: { askerId: string; private: boolean; surface: FeedbackSurface },
  ): Promise<string | undefined> {
    const a = result.answer;
    const shown: AnswerPassage[] = a.answered ? a.passages : a.related;
    const candidates = [...shown, ...a.more].map((p) => anchorOf(p.passage));
    const record: AnswerRecord = {
      id: randomBytes(9).toString('base64url'),
      question: a.question,
      askerId: context.askerId,
      private: context.private,
      answered: a.answered,
      candidates,
      shown: shown.length,
      surface: context.surface,
      createdAt: this.#now(),
      ...(a.article ? { article: a.article } : {}),
    };
    const { store } = this.#d;
    // The question log (for /insights) keeps no user id; it is written beside the answer.
    const logged = store.logQuestion?.({
      at: record.createdAt,
      question: a.question,
      answered: a.answered,
      surface: context.surface,
      answerId: record.id,
      quoted: a.answered
        ? a.passages.map((p) => ({ file: p.passage.origin.file, section: p.passage.origin.section }))
        : [],
    });
    // Written behind the answer, which never waits on the database; a vote on it waits for the write.
    const written = Promise.all([
      store.recordAnswer(record),
      logged?.catch((err: unknown) =>
        this.#d.log.warn('feedback: could not log a question', { error: (err as Error).message }),
      ),
    ]).then(
      () => undefined,
      (err: unknown) =>
        this.#d.log.warn('feedback: could not remember an answer', { error: (err as Error).message }),
    );
    this.#writing.track(record.id, written);
    const lifted = this.#d.learning.liftedBy(a);
    if (lifted.length) {
      if (this.#lifted.size >= LIFTED_KEPT) this.#lifted.delete(this.#lifted.keys().next().value as string);
      this.#lifted.set(record.id, lifted);
    }
    return record.id;
  }

  /** Waits for the answers still being written (before the store closes). */
  flush(): Promise<void> {
    return this.#writing.settled();
  }

  /** The answer, if the actor may give feedback on it. */
  async #answerFor(answerId: string, actor: Actor): Promise<AnswerRecord | FeedbackRefusal> {
    let record: AnswerRecord | undefined;
    try {
      await this.#writing.pending(answerId);
      // Written behind its answer by another instance, it may land just after a fast click.
      record = await readAgainOnce(() => this.#d.store.getAnswer(answerId), ANSWER_WRITE_GRACE_MS);
    } catch {
      return refuse('unavailable', SAVE_UNAVAILABLE);
    }
    if (!record) {
      return refuse(
        'gone',
        `That answer is no longer kept (answers are kept ${this.#d.retentionDays} days). Ask again to rate the new one.`,
      );
    }
    if (record.private && record.askerId !== actor.userId) {
      return refuse('forbidden', 'Only the person who asked can give feedback on a private answer.');
    }
    return record;
  }

  async vote(answerId: string, actor: Actor, value: VoteValue) {
    const record = await this.#answerFor(answerId, actor);
    if ('ok' in record) return record;
    try {
      const previous = await this.#d.store.vote(answerId, actor.userId, value, this.#now());
      if (previous !== value) {
        for (const id of this.#lifted.get(answerId) ?? []) {
          await this.#d.store.notePickOutcome(id, value === 1, this.#now());
        }
      }
      const tally = await this.#d.store.tally(answerId);
      return { ok: true as const, value, ...(previous !== undefined ? { previous } : {}), tally };
    } catch {
      return refuse('unavailable', SAVE_UNAVAILABLE);
    }
  }

  async pickMenu(answerId: string, actor: Actor): Promise<PickMenu | FeedbackRefusal> {
    const record = await this.#answerFor(answerId, actor);
    if ('ok' in record) return record;
    const index = this.#d.library.index;
    const resolver = this.#resolverFor(index);
    // The passage shown first is what the 👎 was about: the others come first, then it is not offered.
    const order = record.candidates.map((_, k) => k).filter((k) => !(record.answered && k === 0));
    const options = order.slice(0, MAX_PICK_OPTIONS).map((k) => {
      const anchor = record.candidates[k] as AnswerRecord['candidates'][number];
      return {
        index: k,
        label: anchor.label,
        firstWords: firstWords(anchor.text),
        available: resolver.resolve(anchor) !== undefined,
      };
    });
    return { ok: true, question: record.question, options };
  }

  async pick(answerId: string, actor: Actor, choice: number | 'none'): Promise<PickDone | FeedbackRefusal> {
    const record = await this.#answerFor(answerId, actor);
    if ('ok' in record) return record;
    let pick: NewPick;
    const base = {
      question: record.question,
      answerId,
      byUser: actor.userId,
      byRole: actor.moderator ? ('moderator' as const) : ('user' as const),
      source: record.surface === 'discord' ? 'discord' : 'terminal',
    };
    if (choice === 'none') {
      pick = {
        ...base,
        verdict: 'none',
        anchors: record.answered ? record.candidates.slice(0, record.shown) : [],
      };
    } else {
      const anchor = record.candidates[choice];
      if (!Number.isInteger(choice) || !anchor)
        return refuse('bad', 'That choice is not one of the passages offered.');
      if (!this.#resolverFor(this.#d.library.index).resolve(anchor)) {
        return refuse(
          'gone',
          'That passage changed since the answer was given. Ask again and pick from the new answer.',
        );
      }
      pick = { ...base, verdict: 'answer', anchors: [anchor] };
    }
    return this.#add(pick, true);
  }

  async teach(
    question: string,
    target: { passage: Passage } | { verdict: 'none'; passages?: readonly Passage[] },
    actor: Actor & { role?: NewPick['byRole']; source: string },
  ): Promise<PickDone | FeedbackRefusal> {
    const role = actor.role ?? (actor.moderator ? 'moderator' : 'user');
    if (role === 'moderator' && !actor.moderator)
      return refuse('forbidden', 'Only moderators can teach citebot directly.');
    const problem = checkQuestion(question);
    if (problem) return refuse('bad', problem.message);
    const anchors = 'passage' in target ? [anchorOf(target.passage)] : (target.passages ?? []).map(anchorOf);
    return this.#add(
      {
        question: question.trim(),
        verdict: 'passage' in target ? 'answer' : 'none',
        anchors,
        byUser: actor.userId,
        byRole: role,
        source: actor.source,
      },
      false,
    );
  }

  /** Adds a pick (replacing the same person's earlier pick on the same answer) and reloads. */
  async #add(pick: NewPick, fromAnswer: boolean): Promise<PickDone | FeedbackRefusal> {
    const { store } = this.#d;
    let saved: PickRecord;
    try {
      if (fromAnswer && pick.answerId) {
        for (const old of this.#picks) {
          if (old.answerId === pick.answerId && old.byUser === pick.byUser)
            await store.undoPick(old.id, pick.byUser, this.#now());
        }
      }
      saved = await store.addPick(pick, this.#now());
      await this.refresh();
    } catch {
      return refuse('unavailable', SAVE_UNAVAILABLE);
    }
    const status = this.#d.learning.status(this.#d.library.index, saved);
    const taught = status === 'active';
    const label = saved.anchors[0]?.label;
    let message: string;
    if (taught && saved.verdict === 'answer')
      message = `Taught: questions like this one now get “${label}” first.`;
    else if (taught) message = 'Taught: questions like this one are now declined.';
    else if (saved.byRole === 'moderator') message = 'Noted, but its passage is not in the current articles.';
    else
      message =
        'Thanks, noted. It counts once another person picks the same passage or a moderator confirms it.';
    return { ok: true, pick: saved, taught, message };
  }

  async undo(pickId: number, actor: Actor) {
    return this.#moderate(
      pickId,
      actor,
      (id, by, at) => this.#d.store.undoPick(id, by, at),
      'undone already',
      'undo',
    );
  }

  async confirm(pickId: number, actor: Actor) {
    return this.#moderate(
      pickId,
      actor,
      (id, by, at) => this.#d.store.confirmPick(id, by, at),
      'undone or confirmed already',
      'confirm',
    );
  }

  async #moderate(
    pickId: number,
    actor: Actor,
    change: (id: number, by: string, at: number) => Promise<boolean>,
    already: string,
    action: 'undo' | 'confirm',
  ): Promise<{ ok: true; pick: PickRecord } | FeedbackRefusal> {
    if (!actor.moderator) return refuse('forbidden', 'Only moderators can review feedback.');
    try {
      if (!(await change(pickId, actor.userId, this.#now()))) {
        const exists = await this.#d.store.getPick(pickId);
        return refuse(
          exists ? 'bad' : 'gone',
          exists ? `Pick #${pickId} was ${already}.` : `There is no pick #${pickId}.`,
        );
      }
      await this.refresh();
      const pick = await this.#d.store.getPick(pickId);
      if (!pick) return refuse('gone', `There is no pick #${pickId}.`);
      await this.#d.store
        .audit?.(
          {
            actor: actor.userId,
            action,
            target: `pick #${pickId}`,
            detail: `${pick.verdict === 'none' ? 'none of these' : (pick.anchors[0]?.label ?? 'a passage')} for “${pick.question.slice(0, 200)}”`,
          },
          this.#now(),
        )
        .catch((err: unknown) =>
          this.#d.log.warn('feedback: could not write the audit log', { error: (err as Error).message }),
        );
      return { ok: true, pick };
    } catch {
      return refuse('unavailable', SAVE_UNAVAILABLE);
    }
  }

  async review(actor: Actor, page: number, perPage = REVIEW_PER_PAGE): Promise<ReviewPage | FeedbackRefusal> {
    if (!actor.moderator) return refuse('forbidden', 'Only moderators can review feedback.');
    try {
      const all = await this.#d.store.recentPicks(REVIEW_WINDOW);
      const pages = Math.max(1, Math.ceil(all.length / perPage));
      const p = Math.min(Math.max(1, Math.floor(page)), pages);
      const index = this.#d.library.index;
      const picks = all.slice((p - 1) * perPage, p * perPage).map((pick) => ({
        pick,
        status: pick.undoneAt !== undefined ? ('undone' as const) : this.#d.learning.status(index, pick),
        label: pick.verdict === 'none' ? 'none of these' : (pick.anchors[0]?.label ?? '?'),
      }));
      const votes = await this.#d.store.recentVotes(perPage, (p - 1) * perPage);
      return { ok: true, picks, votes, page: p, pages };
    } catch {
      return refuse('unavailable', SAVE_UNAVAILABLE);
    }
  }
}
