/**
 * /insights [days] (moderators only, by the /reindex rule) and its ◀/▶: what people asked, what the
 * articles miss, what was voted down, what is quoted most and never. Every reply is ephemeral.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
} from 'discord-api-types/v10';
import { renderNote } from '../../discord/render.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

/** /insights [days] */
export function onInsights(
  _rt: Runtime,
  reply: InteractionReply,
  _raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  return reply.send(renderNote('Not available yet.', 'error'));
}

/** ◀/▶ of /insights: `daysId` is the button's id part (`d<days>`). */
export function onInsightsPage(
  _rt: Runtime,
  reply: InteractionReply,
  _raw: APIMessageComponentButtonInteraction,
  _daysId: string,
  _page: number,
): Promise<void> {
  return reply.send(renderNote('Not available yet.', 'error'));
}
