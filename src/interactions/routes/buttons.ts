/**
 * The buttons: More results / Previous, Full passage, Post to channel (their answer is in the store,
 * keyed by the id the signed custom_id carries), ◀/▶ of /read, 🗑 Delete, 👍/👎 and ◀/▶ of /feedback review
 * (which carry what they need in the custom_id itself).
 */
import type { APIMessageComponentButtonInteraction } from 'discord-api-types/v10';
import { renderAnswerPage, renderFullPassage, renderNote } from '../../discord/render.js';
import type { StoredAnswer } from '../../discord/store.js';
import { inGuild } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import { UnconfirmedWriteError } from '../rest.js';
import { claimPost, cooldown, releasePost, type Runtime } from '../runtime.js';
import { onCorpusDecision, onLogPage } from './corpus.js';
import { onDelete } from './delete.js';
import { onInsightsPage } from './insights.js';
import { onVote } from './feedback.js';
import { onReviewPage } from './feedback-command.js';
import { onReadPage } from './read.js';

const NOT_VALID = 'This button is not valid any more. Ask again with /ask.';

/** A button click: checked signature, then the action it names. */
export async function onButton(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
): Promise<void> {
  const ref = rt.signer.decode(raw.data.custom_id);
  if (!ref) return reply.send(renderNote(NOT_VALID, 'error'));
  // These two carry what they need in their id: no stored answer involved.
  if (ref.action === 'read') return onReadPage(rt, reply, raw, ref.answerId, ref.arg);
  if (ref.action === 'delete') return onDelete(rt, reply, raw, ref.answerId);
  // Votes name the feedback service's answer, which says who may vote; review pages name no answer.
  if (ref.action === 'up' || ref.action === 'down') {
    return onVote(rt, reply, raw, ref.answerId, ref.action === 'up' ? 1 : -1);
  }
  if (ref.action === 'review') return onReviewPage(rt, reply, raw, ref.arg);
  if (ref.action === 'corpus') return onCorpusDecision(rt, reply, raw, ref.answerId, ref.arg);
  if (ref.action === 'log') return onLogPage(rt, reply, raw, ref.arg);
  if (ref.action === 'insights') return onInsightsPage(rt, reply, raw, ref.answerId, ref.arg);
  const stored = await rt.store.get(ref.answerId);
  if (!stored) {
    return reply.send(
      renderNote('This answer has expired: answers are kept for 15 minutes. Ask again with /ask.'),
    );
  }
  if (stored.userId !== reply.userId) {
    return reply.send(renderNote('These buttons belong to the person who asked. Ask your own with /ask.'));
  }
  const cd = await cooldown(rt, reply.userId);
  if (!cd.ok) return reply.send(renderNote(cd.message));
  switch (ref.action) {
    case 'more':
      return reply.update(
        renderAnswerPage(stored, ref.arg, { signer: rt.signer, canPost: stored.private && inGuild(raw) }),
      );
    case 'full': {
      const passages = [...stored.answer.passages, ...stored.answer.more];
      const passage = passages[ref.arg]?.passage;
      if (!passage) return reply.send(renderNote('That passage is not part of this answer.', 'error'));
      return reply.send(renderFullPassage(passage, ref.arg + 1, stored.articles));
    }
    case 'post':
      return post(rt, reply, stored, ref.arg);
    default:
      return reply.send(renderNote(NOT_VALID, 'error'));
  }
}

/**
 * "Post to channel", once per answer: a replayed or double click is told it was posted already. The
 * claim is taken before the post (clicks run concurrently) and given back when the post failed for
 * sure; when Discord did not confirm it (it may be there), it stays taken: at most one post. With a
 * shared store the claim is the store's, so two clicks reaching two instances post once too.
 */
async function post(rt: Runtime, reply: InteractionReply, stored: StoredAnswer, page: number): Promise<void> {
  if (!stored.private) return reply.send(renderNote('This answer is already public.'));
  if (!(await claimPost(rt, stored))) {
    return reply.send(renderNote('This answer has already been posted to the channel.'));
  }
  const p = renderAnswerPage(stored, page, { signer: rt.signer, canPost: false, posted: true });
  try {
    await reply.deferUpdate();
    await reply.send({ ...p, content: `${p.content ?? ''}\n-# Shared by <@${reply.userId}>` });
  } catch (err) {
    if (!(err instanceof UnconfirmedWriteError)) await releasePost(rt, stored).catch(() => undefined);
    throw err;
  }
}
