/**
 * An Embedder whose model runs in a worker thread (node:worker_threads), so embedding thousands of
 * passages never holds up the main thread's event loop. The worker loads the model by name
 * (`loadSemanticModel` in models.ts), so any registered model works there (started as
 * worker-entry.ts says).
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry.js';
import type { Embedder } from './embedder.js';

type Reply = { id: number; vectors: Float32Array[] } | { id: number; error: string };
type Hello = { ready: true; model: string } | { ready: false; error: string };

/** The worker's Embedder, plus `close()` to end the thread. */
export interface WorkerEmbedder extends Embedder {
  /** Ends the worker; pending and later `embed` calls reject. */
  close(): Promise<void>;
  /** Requests sent and not yet answered. */
  readonly pending: number;
}

/** Starts a worker thread with the model `name` (a SEMANTIC_MODEL name) loaded; rejects if it can't load. */
export async function startWorkerEmbedder(name: string): Promise<WorkerEmbedder> {
  const { entry, eval: evaluate } = workerEntry(import.meta.url, './worker');
  const worker = new Worker(entry, { workerData: { model: name }, eval: evaluate });
  worker.unref();
  const waiting = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  const hello = await new Promise<Hello>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    const onExit = (code: number) =>
      reject(new Error(`the embedding worker exited (code ${code}) before loading`));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (m: Hello) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(m);
    });
  });
  if (!hello.ready) {
    await worker.terminate();
    throw new Error(hello.error);
  }
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if ('error' in m) w.reject(new Error(m.error));
    else w.resolve(m.vectors);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the embedding worker stopped (code ${code})`)));
  return {
    model: hello.model,
    get pending() {
      return waiting.size;
    },
    embed(texts: string[]): Promise<Float32Array[]> {
      if (failure) return Promise.reject(failure);
      if (texts.length === 0) return Promise.resolve([]);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        // A worker with requests outstanding keeps the process alive; an idle one doesn't.
        worker.ref();
        worker.postMessage({ id, texts });
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      }) as Promise<Float32Array[]>;
    },
    async close() {
      failAll(new Error('the embedding worker was closed'));
      await worker.terminate();
    },
  };
}
