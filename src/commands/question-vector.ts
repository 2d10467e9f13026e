/**
 * The question's vector for the semantic stage, and when an answer goes without it. Once the passages
 * are embedded, the embedding worker makes it while this thread runs the lexical stage, so this
 * thread's event loop is never held by the model; questions asked while the worker is busy are
 * embedded together (semantic/coalesce.ts). Under load an answer does not wait long for it: a question
 * whose vector would come late is answered lexically at once, and one whose vector comes late all the
 * same is answered lexically when it is due.
 */
import { type AnswerOptions, lexicalStage } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Services } from './commands.js';

/**
 * How long after it was asked a question that finds the embedding worker busy may wait for its vector
 * (ms). One whose vector is not expected by then (from the recent batches' durations) is answered
 * lexically at once; one admitted whose vector still has not come then is answered lexically then. A
 * question sent to an idle worker waits for its vector: that wait is the model's own time (10–15 ms).
 * With the HTTP exchange and composing the answer this keeps a reply within about 30 ms under load.
 */
export const QUESTION_VECTOR_DEADLINE_MS = 20;

const LATE: unique symbol = Symbol('late');

/**
 * The question's vector, or undefined when the answer goes without it (shed, late, or the model
 * failed: each is logged). When the worker makes it, `options.lexical` is set to the lexical stage
 * computed meanwhile.
 */
export async function questionVector(
  services: Services,
  index: CorpusIndex,
  question: string,
  options: AnswerOptions,
): Promise<Float32Array | undefined> {
  const embedder = services.embedder;
  if (!embedder) return undefined;
  const q = question.trim();
  const asked = performance.now();
  // While the worker embeds passages a question would wait behind their batches: this thread embeds it.
  const worker = services.questionWorker;
  const aside =
    worker !== undefined &&
    worker.model === embedder.model &&
    services.library.semanticCoverage.state !== 'preparing';
  const queued = aside && worker.pending > 0;
  const expected = queued ? worker.expectedMs() : 0;
  if (expected > QUESTION_VECTOR_DEADLINE_MS) {
    services.log.debug('semantic stage shed: the embedding worker has questions waiting', {
      waiting: worker?.pending,
      expectedMs: Math.round(expected),
    });
    return undefined;
  }
  const vector = (aside ? worker : embedder).embed([q]);
  void vector.catch(() => undefined);
  if (aside) options.lexical = lexicalStage(index, q, options, true);
  let timer: NodeJS.Timeout | undefined;
  try {
    const due = queued
      ? new Promise<typeof LATE>((resolve) => {
          timer = setTimeout(
            () => resolve(LATE),
            Math.max(0, asked + QUESTION_VECTOR_DEADLINE_MS - performance.now()),
          );
        })
      : undefined;
    const got = due ? await Promise.race([vector, due]) : await vector;
    if (got === LATE) {
      services.log.debug('semantic stage shed: the question vector came late', {
        waitedMs: Math.round(performance.now() - asked),
      });
      return undefined;
    }
    return got[0];
  } catch (err) {
    services.log.warn('semantic stage failed; answering lexically', { error: (err as Error).message });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
