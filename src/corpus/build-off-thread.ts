/**
 * Builds a snapshot from articles without holding up the event loop: above OFF_THREAD_BUILD_CHARS
 * of text the build runs in a worker thread (build-worker.ts), and this thread only turns the
 * result back into a CorpusIndex (`indexFromBody`, as a restart does from a saved snapshot), in
 * slices with pauses. Measured at 1000x the bundled corpus (48,000 passages): the build holds a
 * thread for about 7 s; reading its result back takes about 1 s. Small corpora build here: a
 * thread would cost more than it saves.
 */
import { Worker } from 'node:worker_threads';
import { CorpusIndex } from '../core/corpus-index.js';
import type { RankingOptions } from '../core/index-types.js';
import type { SourceText } from '../core/types.js';
import { workerEntry } from '../worker-entry.js';
import { indexFromBody } from './snapshot.js';

/**
 * Text (UTF-16 characters in all the sources) from which the build runs in a worker thread. About
 * ten times the bundled corpus: there the build takes some 70 ms, and starting a thread under tsx
 * about 300 ms.
 */
export const OFF_THREAD_BUILD_CHARS = 1_000_000;

/** What the build thread is given. */
export interface BuildRequest {
  sources: readonly SourceText[];
  ranking: Partial<RankingOptions>;
}

/** What it answers: the snapshot serialised, or why it could not be built. */
export type BuildReply = { body: Uint8Array } | { error: string };

/** A built snapshot, and its serialised form when it came from the thread (saveSnapshot writes that). */
export interface BuiltSnapshot {
  index: CorpusIndex;
  body?: Buffer;
}

/**
 * Splits and indexes `sources` (see CorpusIndex.build): in a worker thread when they hold at least
 * `offThreadChars` characters, else on this thread. Rejects with the build's own error, or when the
 * thread could not start or ended without an answer.
 */
export async function buildSnapshot(
  sources: readonly SourceText[],
  ranking: Partial<RankingOptions> = {},
  offThreadChars = OFF_THREAD_BUILD_CHARS,
): Promise<BuiltSnapshot> {
  let chars = 0;
  for (const s of sources) chars += s.text.length;
  if (chars < offThreadChars) return { index: CorpusIndex.build(sources, ranking) };
  const reply = await inThread({ sources, ranking });
  if ('error' in reply) throw new Error(reply.error);
  const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
  return { index: await indexFromBody(body), body };
}

function inThread(request: BuildRequest): Promise<BuildReply> {
  const { entry, eval: evaluate } = workerEntry(import.meta.url, './build-worker');
  return new Promise<BuildReply>((resolve, reject) => {
    let answered = false;
    const worker = new Worker(entry, { workerData: request, eval: evaluate });
    worker.once('message', (reply: BuildReply) => {
      answered = true;
      resolve(reply);
    });
    worker.once('error', (err) => reject(new Error(`the index build thread failed: ${err.message}`)));
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the index build thread ended (code ${code}) without an index`));
    });
  });
}
