/**
 * The index-building thread (started by build-off-thread.ts): builds one snapshot from the
 * sources in its workerData and posts it back serialised (`v8.serialize(index.toData())`, the
 * snapshot file's body), its buffer transferred; or `{ error }`. It then ends.
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { CorpusIndex } from '../core/corpus-index.js';
import type { BuildRequest, BuildReply } from './build-off-thread.js';

const port = parentPort;
if (!port) throw new Error('src/corpus/build-worker.ts runs only as a worker thread');
const { sources, ranking } = workerData as BuildRequest;
let reply: BuildReply;
let transfer: ArrayBuffer[] = [];
try {
  const serialised = v8.serialize(CorpusIndex.build(sources, ranking).toData());
  // A Buffer may share its ArrayBuffer with others: transfer a copy that owns its memory then.
  const body =
    serialised.byteOffset === 0 && serialised.byteLength === serialised.buffer.byteLength
      ? new Uint8Array(serialised.buffer, 0, serialised.byteLength)
      : Uint8Array.from(serialised);
  reply = { body };
  transfer = [body.buffer as ArrayBuffer];
} catch (err) {
  reply = { error: err instanceof Error ? err.message : String(err) };
}
port.postMessage(reply, transfer);
