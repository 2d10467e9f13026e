/**
 * /reindex: moderators only (checked here, whatever the server's command permissions let through);
 * deferred, since a rebuild can take longer than Discord's 3 s, then the report edits the deferral.
 */
import type { APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import { reindex } from '../../commands/commands.js';
import { renderNote, renderReindex } from '../../discord/render.js';
import { isModerator } from '../permissions.js';
import { inGuild } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

/** Replaces file-system paths in a message meant for users with their last segment. */
export function scrubPaths(text: string): string {
  return text.replace(
    /(^|[\s'"`(=[<])(?:file:\/\/)?(?:[A-Za-z]:[\\/]|\/)(?:[^\s'"`)\]>]*[\\/])?([^\s'"`)\]>\\/]*)/gu,
    (_m, before: string, last: string) => `${before}${last || '…'}`,
  );
}

/** /reindex */
export async function onReindex(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  if (!isModerator(rt.config, raw)) {
    rt.services.log.warn('re-index refused', { user: reply.userId, guild: raw.guild_id ?? 'dm' });
    return reply.send(
      renderNote(
        inGuild(raw)
          ? 'Only moderators can re-index: you need the Manage Server permission or a moderator role.'
          : 'In DMs only the bot owners can re-index.',
        'error',
      ),
    );
  }
  await reply.defer(true);
  const r = await reindex(rt.services);
  const report = {
    ...r.report,
    ...(r.report.error !== undefined ? { error: scrubPaths(r.report.error) } : {}),
    skipped: r.report.skipped.map((x) => ({ ...x, reason: scrubPaths(x.reason) })),
  };
  await reply.send(renderReindex(report));
}
