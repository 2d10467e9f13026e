/**
 * 🗑 Delete on a public answer: the signed button id carries the asker's user id, so the check needs
 * no stored state (it works after the answer store forgot the answer). The person who asked, or a
 * moderator (as for /reindex), may delete; the message is deleted through the click's own interaction
 * token (@original after a deferred update is the message clicked), which works wherever the answer is,
 * also where the app is installed by a user and not in the server.
 */
import type { APIMessageComponentButtonInteraction } from 'discord-api-types/v10';
import { renderNote } from '../../discord/render.js';
import { isModerator } from '../permissions.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

/** What anyone else than the asker or a moderator is told. */
export const NOT_YOURS_TO_DELETE = 'Only the person who asked or a moderator can delete this answer.';

/** 🗑 Delete, for the asker whose id the button carries, or a moderator. */
export async function onDelete(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
  askerId: string,
): Promise<void> {
  const moderator = reply.userId !== askerId && isModerator(rt.config, raw);
  if (reply.userId !== askerId && !moderator) return reply.send(renderNote(NOT_YOURS_TO_DELETE));
  await reply.deferUpdate();
  await reply.deleteOriginal();
  rt.services.log.info('deleted a public answer', {
    message: raw.message.id,
    by: reply.userId,
    ...(moderator ? { moderator: true } : {}),
  });
}
