/**
 * The refusal every moderators-only route sends (/reindex, /feedback): logged, and told in the words
 * of where it was asked (a server's rule, or the owners' in DMs).
 */
import { renderNote } from '../../discord/render.js';
import { isModerator } from '../permissions.js';
import { inGuild, type RawInteraction } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

/**
 * Sends the refusal to a non-moderator. `doing` completes "Only moderators can …" ("re-index",
 * "use /feedback"); `event` names the log line.
 */
export function refuseNonModerator(
  rt: Runtime,
  reply: InteractionReply,
  raw: RawInteraction,
  doing: string,
  event: string,
): Promise<void> {
  rt.services.log.warn(event, { user: reply.userId, guild: raw.guild_id ?? 'dm' });
  reply.outcome = 'refused';
  return reply.send(
    renderNote(
      inGuild(raw)
        ? `Only moderators can ${doing}: you need the Manage Server permission or a moderator role.`
        : `In DMs only the bot owners can ${doing}.`,
      'error',
    ),
  );
}

/**
 * A moderators-only route's service: undefined once the refusal (not a moderator) or `missing` (the
 * service is absent: no store) was sent.
 */
export async function moderatorService<T>(
  rt: Runtime,
  reply: InteractionReply,
  raw: RawInteraction,
  refusal: { doing: string; event: string },
  service: T | undefined,
  missing: string,
): Promise<T | undefined> {
  if (!isModerator(rt.config, raw)) {
    await refuseNonModerator(rt, reply, raw, refusal.doing, refusal.event);
    return undefined;
  }
  if (service === undefined) await reply.send(renderNote(missing));
  return service;
}
