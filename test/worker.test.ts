import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../src/core/answer.js';
import { loadUseLite } from '../src/semantic/embedder.js';
import { startWorkerEmbedder, type WorkerEmbedder } from '../src/semantic/worker-embedder.js';

let worker: WorkerEmbedder;
beforeAll(async () => {
  worker = await startWorkerEmbedder('use-lite');
}, 60_000);
afterAll(async () => {
  await worker?.close();
});

describe('the embedding worker', () => {
  it('embeds in a worker thread with the named model, as the main thread does', async () => {
    const texts = ['Bees pollinate flowering plants.', 'GPUs make training faster.'];
    const [fromWorker, local] = await Promise.all([
      worker.embed(texts),
      loadUseLite().then((m) => m.embed(texts)),
    ]);
    expect(worker.model).toBe((await loadUseLite()).model);
    expect(fromWorker).toHaveLength(2);
    expect(fromWorker[0]).toHaveLength(512);
    expect(cosine(fromWorker[0] as Float32Array, local[0] as Float32Array)).toBeGreaterThan(0.999);
    expect(cosine(fromWorker[1] as Float32Array, local[1] as Float32Array)).toBeGreaterThan(0.999);
    expect(worker.pending).toBe(0);
  }, 60_000);

  it('answers overlapping requests each with its own vectors', async () => {
    const [a, b, none] = await Promise.all([
      worker.embed(['one apple']),
      worker.embed(['a red car', 'the sea']),
      worker.embed([]),
    ]);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
    expect(none).toEqual([]);
  }, 60_000);

  it('rejects an unknown model name, and every call after close', async () => {
    await expect(startWorkerEmbedder('no-such-model')).rejects.toThrow(/SEMANTIC_MODEL must be one of/);
    const other = await startWorkerEmbedder('use-lite');
    await other.close();
    await expect(other.embed(['x'])).rejects.toThrow(/closed/);
  }, 60_000);
});
