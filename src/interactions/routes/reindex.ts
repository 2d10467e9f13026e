/**
 * /reindex: moderators only (checked here, whatever the server's command permissions let through);
 * deferred, since a rebuild can take longer than Discord's 3 s, then the report edits the deferral.
 */
import type { APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import { reindex } from '../../commands/commands.js';
import { renderReindex } from '../../discord/render.js';
import { isModerator } from '../permissions.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';
import { refuseNonModerator } from './moderators.js';

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
    return refuseNonModerator(rt, reply, raw, 're-index', 're-index refused');
  }
  await reply.defer(true);
  const r = await reindex(rt.services, reply.userId);
  const report = {
    ...r.report,
    ...(r.report.error !== undefined ? { error: scrubPaths(r.report.error) } : {}),
    skipped: r.report.skipped.map((x) => ({ ...x, reason: scrubPaths(x.reason) })),
  };
  await reply.send(renderReindex(report));
}
