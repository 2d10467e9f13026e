/**
 * 👍/👎 under an answer, and the "Which passage answers it?" menu a 👎 opens for the voter. The
 * buttons' signed ids carry the feedback service's answer id (no stored state of ours: they work after
 * a restart); the service decides who may vote and pick (a stranger cannot vote on a private answer)
 * and says why when it refuses. Votes and picks take from the same per-user allowance as questions.
 */
import type {
  APIMessageComponentButtonInteraction,
  APIMessageComponentSelectMenuInteraction,
} from 'discord-api-types/v10';
import {
  PICK_NONE,
  PICK_OTHER,
  renderNote,
  renderPicked,
  renderPickMenu,
  renderRefusal,
  renderTeachHint,
  renderVoted,
  type ReplyPayload,
} from '../../discord/render.js';
import type { Actor, FeedbackService } from '../../learning/types.js';
import type { VoteValue } from '../../store/types.js';
import { QUEUE_WAIT_MS } from '../deadline.js';
import { errorText } from '../guard.js';
import { isModerator } from '../permissions.js';
import { type RawInteraction, userOf } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import { cooldown, hintTeach, type Runtime } from '../runtime.js';

/** Said when the bot runs without a feedback store. */
export const NO_FEEDBACK = 'Feedback is not available on this bot right now.';

/** Who acts, as the feedback service knows them (a moderator by the same rule as /reindex). */
export function actorOf(rt: Runtime, raw: RawInteraction): Actor {
  return { userId: userOf(raw).id, moderator: isModerator(rt.config, raw) };
}

/**
 * The service and the user's allowance, or the note that stops here (no service, or the cooldown).
 * Every vote, pick and moderation takes one from the questions' allowance.
 */
export async function feedbackFor(
  rt: Runtime,
  userId: string,
): Promise<{ feedback: FeedbackService } | { note: ReplyPayload }> {
  const feedback = rt.services.feedback;
  if (!feedback) return { note: renderNote(NO_FEEDBACK) };
  const cd = await cooldown(rt, userId);
  return cd.ok ? { feedback } : { note: renderNote(cd.message) };
}

/**
 * Runs the service's work inside Discord's 3 s window: when it is not done QUEUE_WAIT_MS after the
 * interaction arrived, the interaction is acknowledged first (a deferred ephemeral message, or a deferred
 * update of the message the component is on), and the reply follows (see `finish`).
 */
export async function timely<T>(
  rt: Runtime,
  reply: InteractionReply,
  ack: 'message' | 'update',
  work: () => Promise<T>,
): Promise<T> {
  let deferral: Promise<void> | undefined;
  const timer = setTimeout(
    () => {
      deferral = (ack === 'message' ? reply.defer(true) : reply.deferUpdate()).catch((err: unknown) => {
        rt.services.log.warn('could not defer slow feedback', {
          interaction: reply.id,
          error: errorText(err),
        });
      });
    },
    Math.max(0, reply.receivedAt + QUEUE_WAIT_MS - Date.now()),
  );
  try {
    return await work();
  } finally {
    clearTimeout(timer);
    if (deferral) await deferral;
  }
}

/** Replaces the message the component is on; after a deferral, the reply comes as a follow-up. */
export function finish(reply: InteractionReply, p: ReplyPayload): Promise<void> {
  return reply.answered ? reply.send(p) : reply.update(p);
}

/** 👍 (1) or 👎 (-1) on the answer `answerId`: counted once per person; 👎 opens the pick menu. */
export async function onVote(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
  answerId: string,
  value: VoteValue,
): Promise<void> {
  const got = await feedbackFor(rt, reply.userId);
  if ('note' in got) return reply.send(got.note);
  const { feedback } = got;
  const actor = actorOf(rt, raw);
  const out = await timely(rt, reply, 'message', async () => {
    const done = await feedback.vote(answerId, actor, value);
    const menu = done.ok && value === -1 ? await feedback.pickMenu(answerId, actor) : undefined;
    return { done, menu };
  });
  const { done, menu } = out;
  if (!done.ok) return reply.send(renderRefusal(done));
  if (menu?.ok) {
    return reply.send(
      renderPickMenu(done, menu, { signer: rt.signer, answerId, moderator: actor.moderator }),
    );
  }
  if (menu) rt.services.log.warn('no pick menu after a 👎', { code: menu.code, answer: answerId });
  return reply.send(renderVoted(done));
}

/** The values chosen in a select menu (none when a payload lacks them). */
export function selected(raw: APIMessageComponentSelectMenuInteraction): string[] {
  const values: unknown = raw.data.values;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/** What the pick menu's value says: a candidate's index, "None of these", "Another passage…", or nonsense. */
function choiceOf(value: string | undefined): number | 'none' | 'other' | undefined {
  if (value === PICK_NONE) return 'none';
  if (value === PICK_OTHER) return 'other';
  return value !== undefined && /^\d{1,4}$/u.test(value) ? Number(value) : undefined;
}

/** A choice from the menu a 👎 opened: the pick is taken and the menu replaced by its result line. */
export async function onPick(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentSelectMenuInteraction,
  answerId: string,
): Promise<void> {
  const values = selected(raw);
  const choice = values.length === 1 ? choiceOf(values[0]) : undefined;
  if (choice === undefined) return reply.send(renderNote('That choice is not on the menu.', 'error'));
  const got = await feedbackFor(rt, reply.userId);
  if ('note' in got) return reply.send(got.note);
  const { feedback } = got;
  const actor = actorOf(rt, raw);
  if (choice === 'other') return teachInstead(rt, reply, feedback, actor, answerId);
  const done = await timely(rt, reply, 'update', () => feedback.pick(answerId, actor, choice));
  // A refusal leaves the menu in place (the store may be back in a moment); a pick replaces it.
  if (!done.ok) return reply.send(renderRefusal(done));
  return finish(reply, renderPicked(done.message, done.taught));
}

/** "Another passage…" (moderators): the question is kept for /feedback teach, which is named. */
async function teachInstead(
  rt: Runtime,
  reply: InteractionReply,
  feedback: FeedbackService,
  actor: Actor,
  answerId: string,
): Promise<void> {
  if (!actor.moderator) {
    return reply.send(renderNote('Only moderators can teach another passage. Pick one from the list.'));
  }
  const menu = await timely(rt, reply, 'update', () => feedback.pickMenu(answerId, actor));
  if (!menu.ok) return reply.send(renderNote(menu.message));
  hintTeach(rt, actor.userId, menu.question);
  return finish(reply, renderTeachHint(menu.question));
}
