/**
 * The embedding thread (started by worker-embedder.ts): loads the named model with
 * `loadSemanticModel`, then answers `{ id, texts }` messages with `{ id, vectors }` (the vectors'
 * buffers transferred) or `{ id, error }`, one request at a time in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSemanticModel } from './models.js';

interface Request {
  id: number;
  texts: string[];
}

const port = parentPort;
if (!port) throw new Error('src/semantic/worker.ts runs only as a worker thread');
const { model: name } = workerData as { model: string };

try {
  const embedder = await loadSemanticModel(name);
  let chain = Promise.resolve();
  port.on('message', (req: Request) => {
    chain = chain.then(async () => {
      try {
        const vectors = await embedder.embed(req.texts);
        const copies = vectors.map((v) => Float32Array.from(v));
        port.postMessage(
          { id: req.id, vectors: copies },
          copies.map((v) => v.buffer as ArrayBuffer),
        );
      } catch (err) {
        port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  port.postMessage({ ready: true, model: embedder.model });
} catch (err) {
  port.postMessage({ ready: false, error: err instanceof Error ? err.message : String(err) });
}
