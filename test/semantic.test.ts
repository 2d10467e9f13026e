import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ask, type Services } from '../src/commands/commands.js';
import { answerQuestion, cosine } from '../src/core/answer.js';
import { planUnits } from '../src/core/passage-units.js';
import { Library } from '../src/corpus/library.js';
import { vectorCacheFile } from '../src/corpus/vector-cache.js';
import { unitFile } from '../src/corpus/unit-file.js';
import { createLogger } from '../src/log.js';
import { QUESTION_VECTOR_DEADLINE_MS } from '../src/commands/question-vector.js';
import { coalescing, QUESTION_BATCH } from '../src/semantic/coalesce.js';
import { type Embedder, loadUseLite } from '../src/semantic/embedder.js';

const root = path.resolve(import.meta.dirname, '..');
let model: Embedder;
let dir: string;
let embedded: Library;

beforeAll(async () => {
  // The model must load from the installed package: any network fetch fails the test.
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('network access attempted'));
  try {
    model = remembering(await loadUseLite());
  } finally {
    globalThis.fetch = realFetch;
  }
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-sem-'));
  await cp(path.join(root, 'corpus'), path.join(dir, 'corpus'), { recursive: true });
  embedded = new Library({ dir: path.join(dir, 'corpus'), embedder: model });
  await embedded.reindex();
  await embedded.whenSemanticReady();
}, 90_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The model, computing each text once for the whole file: the tests count and gate what the library
 * asks of its embedder, and embedding the corpus again for each of them only cost time.
 */
function remembering(inner: Embedder): Embedder {
  const known = new Map<string, Float32Array>();
  return {
    model: inner.model,
    async embed(texts: string[]) {
      const missing = [...new Set(texts.filter((t) => !known.has(t)))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        missing.forEach((t, i) => {
          const v = vectors[i];
          if (v) known.set(t, v);
        });
      }
      return texts.map((t) => known.get(t) ?? new Float32Array());
    },
  };
}

/** Counts how many texts the model is asked to embed. */
function counting(inner: Embedder): Embedder & { texts: number; calls: number[] } {
  const wrapper = {
    model: inner.model,
    texts: 0,
    /** Each call's number of texts. */
    calls: [] as number[],
    embed(texts: string[]) {
      wrapper.texts += texts.length;
      wrapper.calls.push(texts.length);
      return inner.embed(texts);
    },
  };
  return wrapper;
}

// Every test here embeds the corpus (276 texts) at least once: generous limits for a busy machine.
describe('the semantic stage', { timeout: 90_000 }, () => {
  it('loads offline and places a paraphrase nearer its passage than a distractor', async () => {
    const [q, right, wrong] = await model.embed([
      'How do people pool their work on open AI, like a shared cooking space?',
      'Think of it like a massive community kitchen—everyone brings their own ingredients and shares recipes.',
      'Training state-of-the-art models typically demands powerful GPUs or cloud infrastructure.',
    ]);
    expect(q).toHaveLength(512);
    expect(cosine(q as Float32Array, right as Float32Array)).toBeGreaterThan(
      cosine(q as Float32Array, wrong as Float32Array) + 0.1,
    );
  });

  it('answers a question that shares no key word with its passage', async () => {
    const library = embedded;
    expect(library.index.vectors?.vectors).toHaveLength(library.index.passages.length);
    const services: Services = { library, log: createLogger({ write: () => {} }), embedder: model };
    const r = await ask(services, {
      question: 'Can someone with a modest laptop get started without a huge budget?',
    });
    expect(r.kind).toBe('answer');
    if (r.kind !== 'answer') return;
    expect(r.answer.answered).toBe(true);
    expect(r.answer.similarity).toBeGreaterThan(0.3);
    expect(
      r.answer.passages.some((p) => p.passage.text.includes('a good laptop and some cloud credits')),
    ).toBe(true);
  });

  it('keeps vectors in the vector cache and re-embeds only passages whose text changed', async () => {
    const cacheDir = path.join(dir, 'cache');
    const first = counting(model);
    const lib = new Library({ dir: path.join(dir, 'corpus'), embedder: first, cacheDir });
    await lib.reindex();
    await lib.whenSemanticReady();
    const passages = lib.index.passages.length;
    // Each distinct unit text (passage, sentence or window, heading path) is embedded once.
    const texts = planUnits(lib.index.passages).texts;
    expect(first.texts).toBe(texts.length);

    const second = counting(model);
    const events: string[] = [];
    const fromSnapshot = new Library({
      dir: path.join(dir, 'corpus'),
      embedder: second,
      cacheDir,
      onSemantic: (e) => events.push(e.kind),
    });
    expect((await fromSnapshot.reindex()).source).toBe('snapshot');
    expect((await fromSnapshot.whenSemanticReady()).state).toBe('on');
    expect(second.texts).toBe(0);
    expect(fromSnapshot.index.vectors?.vectors.length).toBe(passages);
    expect(events).toEqual(['ready']);

    await writeFile(path.join(dir, 'corpus', 'new.md'), '# Bees\n\nBees pollinate flowering plants.\n');
    const report = await fromSnapshot.reindex();
    expect(report.added).toEqual(['new.md']);
    await fromSnapshot.whenSemanticReady();
    // Only the new article's unit texts are embedded; every other text keeps its vector.
    const known = new Set(texts);
    const added = planUnits(fromSnapshot.index.passages).texts.filter((t) => !known.has(t));
    expect(added.length).toBeGreaterThan(0);
    expect(second.texts).toBe(added.length);
    await rm(path.join(dir, 'corpus', 'new.md'));
  });

  it('serves lexical answers at once while the passages are embedded, then swaps in the vectors', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Embedder = { model: model.model, embed: async (texts) => (await gate, model.embed(texts)) };
    const lib = new Library({ dir: path.join(dir, 'corpus'), embedder: slow });
    const report = await lib.reindex();
    expect(report.ok).toBe(true);
    const lexical = lib.index;
    expect(lexical.vectors).toBeUndefined();
    const coverage = lib.semanticCoverage;
    expect(coverage.state).toBe('preparing');
    expect(coverage.total).toBe(lexical.passages.length);
    const services: Services = { library: lib, log: createLogger({ write: () => {} }), embedder: model };
    const r = await ask(services, { question: 'What is nanoGPT?' });
    expect(r.kind === 'answer' && r.answer.answered).toBe(true);
    expect(r.kind === 'answer' && r.answer.similarity).toBeUndefined();
    release();
    const done = await lib.whenSemanticReady();
    expect(done).toEqual({ state: 'on', done: lexical.passages.length, total: lexical.passages.length });
    expect(lib.index).not.toBe(lexical);
    expect(lib.index.vectors?.vectors).toHaveLength(lexical.passages.length);
  });

  it('keeps the lexical snapshot and tells why when the passages cannot be embedded', async () => {
    const events: { kind: string; error?: string }[] = [];
    const broken: Embedder = { model: model.model, embed: () => Promise.reject(new Error('model crashed')) };
    const lib = new Library({
      dir: path.join(dir, 'corpus'),
      embedder: broken,
      onSemantic: (e) => events.push(e),
    });
    expect((await lib.reindex()).ok).toBe(true);
    const c = await lib.whenSemanticReady();
    expect(c.state).toBe('failed');
    expect(c.reason).toMatch(/model crashed/);
    expect(events).toEqual([{ kind: 'failed', error: 'model crashed' }]);
    expect(lib.index.vectors).toBeUndefined();
    expect(answerQuestion(lib.index, 'What is nanoGPT?').answered).toBe(true);
  });

  it('ignores a corrupt vector cache with a warning and embeds again', async () => {
    const cacheDir = path.join(dir, 'cache-corrupt');
    // A small corpus: it is embedded twice here, and the checks do not depend on its size.
    const small = path.join(root, 'test/fixture/markdown');
    const lib = new Library({ dir: small, embedder: model, cacheDir });
    await lib.reindex();
    await lib.whenSemanticReady();
    const file = vectorCacheFile(cacheDir, model.model);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(file, bytes);
    // The unit file would short-cut the unchanged corpus: without it the vector cache is read.
    await rm(unitFile(cacheDir, model.model));
    const again = counting(model);
    const warnings: string[] = [];
    const restarted = new Library({
      dir: small,
      embedder: again,
      cacheDir,
      onSemantic: (e) => {
        if (e.kind === 'warning') warnings.push(e.message);
      },
    });
    await restarted.reindex();
    expect((await restarted.whenSemanticReady()).state).toBe('on');
    expect(warnings.join('\n')).toMatch(/vector cache ignored.*checksum/);
    expect(again.texts).toBe(planUnits(restarted.index.passages).texts.length);
  });

  it('falls back to the lexical answer, with a warning, when the model fails', async () => {
    const library = embedded;
    const logs: string[] = [];
    const broken: Embedder = { model: model.model, embed: () => Promise.reject(new Error('model crashed')) };
    const services: Services = {
      library,
      log: createLogger({ write: (l) => logs.push(l) }),
      embedder: broken,
    };
    const r = await ask(services, { question: 'What is nanoGPT?' });
    expect(r.kind === 'answer' && r.answer.answered).toBe(true);
    expect(r.kind === 'answer' && r.answer.similarity).toBeFalsy();
    expect(logs.join('\n')).toMatch(/semantic stage failed.*model crashed/);
  });

  /** The worker's model behind a coalescer, held back on request; each batch takes `batchMs` of a fake clock. */
  function heldWorker(batchMs: number) {
    const inWorker = counting(model);
    const clock = { ms: 0 };
    const gate: { hold?: Promise<void>; release: () => void } = { release: () => undefined };
    const worker = coalescing(
      {
        model: model.model,
        embed: async (texts) => {
          await gate.hold;
          clock.ms += batchMs;
          return inWorker.embed(texts);
        },
      },
      QUESTION_BATCH,
      () => clock.ms,
    );
    const hold = () => {
      gate.hold = new Promise<void>((r) => (gate.release = r));
    };
    return { inWorker, worker, hold, release: () => gate.release() };
  }

  it('embeds the question in the idle worker once the passages are embedded, and sheds it when the worker is busy', async () => {
    const main = counting(model);
    const { inWorker, worker, hold, release } = heldWorker(50);
    const services: Services = {
      library: embedded,
      log: createLogger({ write: () => undefined }),
      embedder: main,
      questionWorker: worker,
    };
    expect(embedded.semanticCoverage.state).toBe('on');
    const byWorker = await ask(services, { question: 'What is nanoGPT?' });
    expect(inWorker.texts).toBe(1);
    expect(main.texts).toBe(0);
    expect(byWorker.kind === 'answer' && byWorker.answer.similarity).toBeGreaterThan(0);
    // The same answer as with the vector made on this thread.
    const alone = await ask({ ...services, questionWorker: undefined } as Services, {
      question: 'What is nanoGPT?',
    });
    expect(main.texts).toBe(1);
    if (byWorker.kind !== 'answer' || alone.kind !== 'answer') throw new Error('no answer');
    expect(byWorker.answer.passages.map((p) => p.passage.id)).toEqual(
      alone.answer.passages.map((p) => p.passage.id),
    );
    // A worker busy with a batch that takes 50 ms: the next question's vector would come after
    // QUESTION_VECTOR_DEADLINE_MS, so it is answered lexically at once.
    hold();
    const first = ask(services, { question: 'What is nanoGPT?' });
    expect(worker.expectedMs()).toBeGreaterThan(QUESTION_VECTOR_DEADLINE_MS);
    const shed = await ask(services, { question: 'What is nanoGPT?' });
    expect(shed.kind === 'answer' && shed.answer.similarity).toBeUndefined();
    expect(shed.kind === 'answer' && shed.answer.answered).toBe(true);
    expect(main.texts).toBe(1);
    // The question sent to the idle worker waits for its vector, however long the model takes.
    release();
    const got = await first;
    expect(got.kind === 'answer' && got.answer.similarity).toBeGreaterThan(0);
    expect(inWorker.texts).toBe(2);
  });

  it('answers a question queued behind another lexically once QUESTION_VECTOR_DEADLINE_MS has passed, and embeds the queued ones together', async () => {
    // No batch timed yet: a queued question is admitted, and then its vector comes late.
    const { inWorker, worker, hold, release } = heldWorker(0);
    const services: Services = {
      library: embedded,
      log: createLogger({ write: () => undefined }),
      embedder: counting(model),
      questionWorker: worker,
    };
    hold();
    const first = ask(services, { question: 'What is nanoGPT?' });
    const t0 = performance.now();
    const queued = Array.from({ length: QUESTION_BATCH }, () =>
      ask(services, { question: 'What is nanoGPT?' }),
    );
    for (const r of await Promise.all(queued)) {
      expect(r.kind === 'answer' && r.answer.answered).toBe(true);
      expect(r.kind === 'answer' && r.answer.similarity).toBeUndefined();
    }
    expect(performance.now() - t0).toBeGreaterThanOrEqual(QUESTION_VECTOR_DEADLINE_MS - 1);
    release();
    expect((await first).kind === 'answer').toBe(true);
    await vi.waitFor(() => expect(worker.pending).toBe(0));
    // The first alone, the queued ones in one call behind it.
    expect(inWorker.calls).toEqual([1, QUESTION_BATCH]);
  });
});
