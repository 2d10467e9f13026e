/**
 * 🗑 Delete on a public answer: the signed button id carries the asker's user id, so the
 * check needs no stored state (it works after the answer store forgot the answer). The person
 * who asked, or a moderator (as for /reindex), may delete; the message is deleted through the
 * click's own interaction token (@original after a deferred update is the message clicked), which
 * works wherever the answer is, also where the app is installed by a user and not in the server.
 */
import type { ButtonInteraction } from 'discord.js';
import type { RouteContext } from './context.js';
import { isModerator } from './permissions.js';
import { renderNote } from './render.js';

export const NOT_YOURS_TO_DELETE = 'Only the person who asked or a moderator can delete this answer.';

export async function deleteAnswer(ctx: RouteContext, i: ButtonInteraction, askerId: string): Promise<void> {
  const moderator = i.user.id !== askerId && isModerator(ctx.config, i);
  if (i.user.id !== askerId && !moderator) {
    return ctx.send(i, renderNote(NOT_YOURS_TO_DELETE));
  }
  await ctx.deferUpdate(i);
  await i.deleteReply();
  ctx.services.log.info('deleted a public answer', {
    message: i.message.id,
    by: i.user.id,
    ...(moderator ? { moderator: true } : {}),
  });
}
