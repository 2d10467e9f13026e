/**
 * /feedback (moderators only, by the /reindex rule, checked here whatever the server's command
 * permissions let through): `review [page]` lists recent picks and votes with ◀/▶ and an Undo/Confirm
 * menu; `teach question: [passage] [verdict]` teaches a question directly. Every reply is ephemeral.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
  APIMessageComponentSelectMenuInteraction,
} from 'discord-api-types/v10';
import { renderNote, renderPicked, renderRefusal, renderReview } from '../../discord/render.js';
import type { Actor, FeedbackService } from '../../learning/types.js';
import { integerOption, type RawInteraction, stringOption, subcommandOf } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';
import { actorOf, finish, NO_FEEDBACK, selected, timely } from './feedback.js';
import { resolvePassage } from './feedback-autocomplete.js';
import { refuseNonModerator } from './moderators.js';

/** The moderator acting and the service, or the refusal that was sent. */
async function moderator(
  rt: Runtime,
  reply: InteractionReply,
  raw: RawInteraction,
): Promise<{ actor: Actor; feedback: FeedbackService } | undefined> {
  const actor = actorOf(rt, raw);
  if (!actor.moderator) {
    await refuseNonModerator(rt, reply, raw, 'use /feedback', 'feedback moderation refused');
    return undefined;
  }
  const feedback = rt.services.feedback;
  if (!feedback) {
    await reply.send(renderNote(NO_FEEDBACK));
    return undefined;
  }
  return { actor, feedback };
}

/** /feedback review [page] | teach question: [passage] [verdict] */
export async function onFeedback(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const mod = await moderator(rt, reply, raw);
  if (!mod) return;
  // The subcommand and its options were checked against the table (app/check.ts).
  const sub = subcommandOf(raw);
  if (sub?.name === 'teach') return teach(rt, reply, mod, sub.options);
  const page = (sub && integerOption(sub.options, 'page')) ?? 1;
  const shown = await timely(rt, reply, 'message', () => mod.feedback.review(mod.actor, page));
  return reply.send(shown.ok ? renderReview(shown, rt.signer) : renderRefusal(shown));
}

async function teach(
  rt: Runtime,
  reply: InteractionReply,
  { actor, feedback }: { actor: Actor; feedback: FeedbackService },
  options: NonNullable<ReturnType<typeof subcommandOf>>['options'],
): Promise<void> {
  const question = rt.redactor.text(stringOption(options, 'question') ?? '').trim();
  if (!question) return reply.send(renderNote('Type the question to teach.', 'error'));
  const verdict = stringOption(options, 'verdict') === 'none' ? 'none' : 'answer';
  const typed = stringOption(options, 'passage');
  const lib = rt.services.library;
  if (typed && !lib.ready) {
    return reply.send(renderNote('The articles are still being indexed. Try again in a moment.'));
  }
  const passage = typed ? resolvePassage(lib.index, typed) : undefined;
  if (passage && 'message' in passage) return reply.send(renderNote(passage.message, 'error'));
  if (verdict === 'answer' && !passage) {
    return reply.send(
      renderNote(
        'Name the passage that answers it: type words of it in `passage` and pick it from the list (or choose verdict: none).',
        'error',
      ),
    );
  }
  const target =
    verdict === 'none' || !passage
      ? { verdict: 'none' as const, passages: passage ? [passage] : [] }
      : { passage };
  const done = await timely(rt, reply, 'message', () =>
    feedback.teach(question, target, { ...actor, role: 'moderator', source: 'discord' }),
  );
  if (!done.ok) return reply.send(renderRefusal(done));
  if (rt.teachHints.get(actor.userId) === question) rt.teachHints.delete(actor.userId);
  return reply.send(renderPicked(done.message, done.taught));
}

/** ◀/▶ of a review page: another page in place. */
export async function onReviewPage(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
  page: number,
): Promise<void> {
  const mod = await moderator(rt, reply, raw);
  if (!mod) return;
  const shown = await timely(rt, reply, 'update', () => mod.feedback.review(mod.actor, Math.max(1, page)));
  if (!shown.ok) return reply.send(renderRefusal(shown));
  return finish(reply, renderReview(shown, rt.signer));
}

/** The review page's Undo/Confirm menu: `undo:<pick id>` or `confirm:<pick id>`, then the page again. */
export async function onModerate(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentSelectMenuInteraction,
  page: number,
): Promise<void> {
  const values = selected(raw);
  const m = values.length === 1 ? /^(undo|confirm):(\d{1,15})$/u.exec(values[0] ?? '') : null;
  if (!m) return reply.send(renderNote('That choice is not on the menu.', 'error'));
  const mod = await moderator(rt, reply, raw);
  if (!mod) return;
  const [, what, idText = ''] = m;
  const pickId = Number(idText);
  const out = await timely(rt, reply, 'update', async () => {
    const { actor, feedback } = mod;
    const done = what === 'undo' ? await feedback.undo(pickId, actor) : await feedback.confirm(pickId, actor);
    return { done, shown: await feedback.review(actor, Math.max(1, page)) };
  });
  const notice = !out.done.ok
    ? out.done.message
    : what === 'undo'
      ? `Undid pick #${pickId}: it is no longer taught.`
      : `Confirmed pick #${pickId}: it is taught now.`;
  if (!out.shown.ok) return reply.send(out.done.ok ? renderNote(notice) : renderRefusal(out.done));
  return finish(reply, renderReview(out.shown, rt.signer, notice));
}
