/**
 * Who may run /corpus and its buttons, and with what: a moderator (by the /reindex rule) and the
 * corpus service, or the refusal or note that stops there.
 */
import type { CorpusAdminService, ModActor } from '../../manage/types.js';
import { type RawInteraction, userOf } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';
import { moderatorService } from './moderators.js';

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
  const refusal = { doing: 'change the articles', event: 'corpus change refused' };
  const admin = await moderatorService(rt, reply, raw, refusal, rt.services.admin, NO_ADMIN);
  return admin && { actor: modActorOf(raw), admin };
}
