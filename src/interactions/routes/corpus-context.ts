/**
 * Who may run /corpus and its buttons, and with what: a moderator (by the /reindex rule) and the
 * corpus service, or the refusal or note that stops there.
 */
import { renderNote } from '../../discord/render.js';
import type { CorpusAdminService, ModActor } from '../../manage/types.js';
import { isModerator } from '../permissions.js';
import { type RawInteraction, userOf } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';
import { refuseNonModerator } from './moderators.js';

/** Said when the bot runs without a corpus service (no store could be opened). */
export const NO_ADMIN =
  'citebot has no store here, so the articles cannot be changed from Discord. The articles in the corpus folder still answer.';

/** What a moderator's corpus route works with. */
export interface CorpusContext {
  actor: ModActor;
  admin: CorpusAdminService;
}

/** The moderator acting, as the corpus service and its audit log know them. */
export function modActorOf(raw: RawInteraction): ModActor {
  const u = userOf(raw);
  const name = u.global_name ?? u.username;
  return { userId: u.id, ...(name ? { name } : {}) };
}

/** The moderator and the service, or the refusal (not a moderator) or the note (no service) that was sent. */
export async function corpusContext(
  rt: Runtime,
  reply: InteractionReply,
  raw: RawInteraction,
): Promise<CorpusContext | undefined> {
  if (!isModerator(rt.config, raw)) {
    await refuseNonModerator(rt, reply, raw, 'change the articles', 'corpus change refused');
    return undefined;
  }
  const admin = rt.services.admin;
  if (!admin) {
    await reply.send(renderNote(NO_ADMIN));
    return undefined;
  }
  return { actor: modActorOf(raw), admin };
}
