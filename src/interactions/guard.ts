/**
 * Every route runs under `guard`: an exception becomes an ephemeral "Something went wrong" with an error
 * id that is also logged (never the error itself: users see no stack traces or paths). Two failures are
 * only logged: an interaction that expired (10062), and a message Discord did not confirm (it may have
 * been posted, so an error note could contradict it).
 */
import { randomBytes } from 'node:crypto';
import { renderNote } from '../discord/render.js';
import type { ReplyTarget } from './reply.js';
import { isDiscordCode, UNKNOWN_INTERACTION, UnconfirmedWriteError } from './rest.js';
import type { Runtime } from './runtime.js';

/** A short random id that ties a user's error note to its log line. */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

/** An error's message, whatever was thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `work`; a failure is logged and, where that makes sense, reported to the user with an error id. */
export async function guard(rt: Runtime, to: ReplyTarget, work: () => Promise<void>): Promise<void> {
  const log = rt.services.log;
  try {
    await work();
  } catch (err) {
    to.outcome = 'error';
    if (isDiscordCode(err, UNKNOWN_INTERACTION)) {
      to.outcome = 'expired';
      log.warn('interaction expired before it was answered', { interaction: to.id });
      return;
    }
    if (err instanceof UnconfirmedWriteError) {
      // The message may well have been posted: a "something went wrong" could contradict it.
      log.warn('Discord did not confirm a message; not retried', { id: to.id, route: err.route });
      return;
    }
    const errorId = newErrorId();
    log.error('handler failed', {
      errorId,
      id: to.id,
      error: errorText(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    const note = renderNote(
      `Something went wrong while answering. Error id: ${errorId} — please try again; if it keeps happening, tell a moderator this id.`,
      'error',
    );
    try {
      await to.send(note);
    } catch (replyErr) {
      log.error('could not report the error to the user', { errorId, error: errorText(replyErr) });
    }
  }
}
