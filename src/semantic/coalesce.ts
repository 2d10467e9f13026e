/**
 * Questions that arrive while the model is busy are embedded together: one call for a batch of four
 * short texts costs about as much as one call for a single text (USE-lite, one core: 14 ms for one,
 * 15 ms for four), so under load the semantic stage keeps up with several times more questions.
 * An idle model gets a question at once, alone; nothing waits to fill a batch.
 */
import type { Embedder } from './embedder.js';

/** Texts a question batch holds at most (four short texts cost about what one does). */
export const QUESTION_BATCH = 4;

/** An Embedder that sends the calls waiting behind the one in flight as one batch. */
export interface CoalescingEmbedder extends Embedder {
  /** Texts sent and not yet answered, plus those waiting for the next batch. */
  readonly pending: number;
  /**
   * How long a text asked for now would take to get its vector (ms), from the recent batches'
   * durations: what is left of the batch in flight, one batch for each full batch queued ahead of
   * it, and its own. 0 until a batch has been timed.
   */
  expectedMs(): number;
}

/** Weight of the latest batch in the running mean of batch durations. */
const DURATION_WEIGHT = 0.2;

interface Waiting {
  texts: string[];
  resolve: (v: Float32Array[]) => void;
  reject: (e: unknown) => void;
}

/**
 * Wraps `inner` so that at most one call is in flight; calls made meanwhile are sent together, up to
 * `maxBatch` texts a call (a single call with more texts goes alone), in arrival order. Each caller
 * gets its own vectors; a failed batch rejects every call in it.
 */
export function coalescing(
  inner: Embedder,
  maxBatch: number,
  now: () => number = () => performance.now(),
): CoalescingEmbedder {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new TypeError(`maxBatch must be a whole number of at least 1; got ${String(maxBatch)}`);
  }
  const queue: Waiting[] = [];
  let queued = 0;
  let inFlight = 0;
  let startedAt = 0;
  /** Running mean of batch durations (ms); undefined until one has been timed. */
  let batchMs: number | undefined;

  const pump = (): void => {
    if (inFlight > 0 || queue.length === 0) return;
    const batch: Waiting[] = [];
    let texts = 0;
    while (queue.length > 0) {
      const next = queue[0] as Waiting;
      if (batch.length > 0 && texts + next.texts.length > maxBatch) break;
      queue.shift();
      batch.push(next);
      texts += next.texts.length;
    }
    queued -= texts;
    inFlight = texts;
    startedAt = now();
    const settle = (): void => {
      const took = now() - startedAt;
      batchMs = batchMs === undefined ? took : batchMs + DURATION_WEIGHT * (took - batchMs);
      inFlight = 0;
      pump();
    };
    // A model that throws instead of rejecting fails this batch the same way.
    new Promise<Float32Array[]>((resolve) => resolve(inner.embed(batch.flatMap((w) => w.texts)))).then(
      (vectors) => {
        let at = 0;
        for (const w of batch) {
          w.resolve(vectors.slice(at, at + w.texts.length));
          at += w.texts.length;
        }
        settle();
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
        settle();
      },
    );
  };

  return {
    get model() {
      return inner.model;
    },
    get pending() {
      return inFlight + queued;
    },
    expectedMs() {
      const mean = batchMs ?? 0;
      const left = inFlight > 0 ? Math.max(0, mean - (now() - startedAt)) : 0;
      return left + (Math.floor(queued / maxBatch) + 1) * mean;
    },
    embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise<Float32Array[]>((resolve, reject) => {
        queue.push({ texts, resolve, reject });
        queued += texts.length;
        pump();
      });
    },
  };
}
