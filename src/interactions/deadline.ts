/**
 * Discord's 3 s window and load shedding: answers are computed through the bounded work queue; a
 * question that cannot start within QUEUE_WAIT_MS of its arrival is told "busy", one that started but is
 * still running then is deferred (and its answer edits the deferral), and one that starts late or while
 * others wait skips the semantic stage.
 */
import { QueueFullError } from '../discord/queue.js';
import type { ReplyTarget } from './reply.js';
import type { Runtime } from './runtime.js';

/**
 * How long an interaction may wait for a free slot in the work queue. Discord drops an interaction not
 * answered within 3 s of its creation; measured from when we received it, 2 s leaves time for the "busy"
 * reply (or the deferral) to travel. Receipt time rather than the id's timestamp: our clock and Discord's
 * may disagree by more than the margin.
 */
export const QUEUE_WAIT_MS = 2_000;

/** What a question refused for overload is told. */
export const BUSY_MESSAGE = 'citebot is busy, try again in a few seconds.';

/**
 * Load shedding: a question whose answer starts while others wait for a slot, or more than this long
 * after it arrived, is answered without the semantic stage (lexically, in about a millisecond instead of
 * about ten), so a backlog drains instead of growing past Discord's 3 s window.
 */
export const SEMANTIC_SKIP_AFTER_MS = 250;

/** The job was not run: the queue was full, or it could not start in time. */
export const BUSY: unique symbol = Symbol('busy');

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Whether a job starting now should shed the semantic stage (see SEMANTIC_SKIP_AFTER_MS). */
export function isLate(rt: Runtime, to: ReplyTarget): boolean {
  const late = rt.queue.waiting > 0 || Date.now() - to.receivedAt > SEMANTIC_SKIP_AFTER_MS;
  if (late && rt.services.embedder) {
    rt.services.log.debug('under load: answering lexically', {
      id: to.id,
      waitedMs: Date.now() - to.receivedAt,
      waiting: rt.queue.waiting,
    });
  }
  return late;
}

/**
 * Runs `job` through the work queue for a question. Discord's 3 s window is not missed: when the queue is
 * full, or the job has not started QUEUE_WAIT_MS after the question arrived, the job is dropped and BUSY
 * returned (the caller says so); when it has started but not finished by then, the target is deferred
 * (ephemeral as the answer will be) and the answer edits it in. A target that cannot defer just waits.
 */
export async function queued<T>(
  rt: Runtime,
  to: ReplyTarget,
  ephemeral: boolean,
  job: (late: boolean) => Promise<T>,
): Promise<T | typeof BUSY> {
  const abort = new AbortController();
  let started = false;
  let deferral: Promise<void> | undefined;
  const timer = setTimeout(
    () => {
      if (!started) {
        abort.abort();
        return;
      }
      deferral = to.defer?.(ephemeral).catch((err: unknown) => {
        rt.services.log.warn('could not defer a slow answer', { [to.kind]: to.id, error: errorText(err) });
      });
    },
    Math.max(0, to.receivedAt + QUEUE_WAIT_MS - Date.now()),
  );
  try {
    return await rt.queue.add(
      () => {
        started = true;
        return job(isLate(rt, to));
      },
      { signal: abort.signal },
    );
  } catch (err) {
    if (err instanceof QueueFullError || (abort.signal.aborted && !started)) {
      rt.services.log.warn('busy: told the user to try again', {
        [to.kind]: to.id,
        reason: err instanceof QueueFullError ? 'queue full' : 'waited too long',
        running: rt.queue.running,
        waiting: rt.queue.waiting,
      });
      return BUSY;
    }
    throw err;
  } finally {
    clearTimeout(timer);
    if (deferral) await deferral;
  }
}
