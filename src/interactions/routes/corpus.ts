/**
 * /corpus add | update | remove | restore | log (moderators only, by the /reindex rule, checked here
 * whatever the server's command permissions let through), the proposal buttons (Add / Replace /
 * Cancel) and the log's ◀/▶. Every reply is ephemeral.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
} from 'discord-api-types/v10';
import { renderNote } from '../../discord/render.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

/** /corpus … */
export function onCorpus(
  _rt: Runtime,
  reply: InteractionReply,
  _raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  return reply.send(renderNote('Not available yet.', 'error'));
}

/** A proposal's Add / Replace / Cancel: `decision` is CORPUS_DECISIONS' index. */
export function onCorpusDecision(
  _rt: Runtime,
  reply: InteractionReply,
  _raw: APIMessageComponentButtonInteraction,
  _proposalId: string,
  _decision: number,
): Promise<void> {
  return reply.send(renderNote('Not available yet.', 'error'));
}

/** ◀/▶ of /corpus log. */
export function onLogPage(
  _rt: Runtime,
  reply: InteractionReply,
  _raw: APIMessageComponentButtonInteraction,
  _page: number,
): Promise<void> {
  return reply.send(renderNote('Not available yet.', 'error'));
}
