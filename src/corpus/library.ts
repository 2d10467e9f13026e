/**
 * Holds the live index snapshot. A re-index builds a new snapshot aside and swaps
 * one reference; a failed re-index keeps the old snapshot serving; overlapping
 * re-index requests share one run.
 *
 * The semantic stage's passage vectors are made in the background: a re-index swaps in the
 * lexical snapshot at once, then embeds (vectors found in the vector cache are reused; the
 * embedder is best a worker thread, see semantic/worker-embedder.ts; with `sharedVectors`, texts
 * the cache misses are looked up in the store before they are embedded) and swaps in the same
 * snapshot with vectors when all are ready. A failed embedding keeps the lexical snapshot.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import { buildSnapshot } from './build-off-thread.js';
import { prepareVectorSearch, warmTermVectors } from '../core/semantic-prepare.js';
import { readUnits, type UnitRead } from './unit-file.js';
import { attachUnits, loadSnapshotAndUnits, saveVectors } from './snapshot-units.js';
import { embedIndex, knownTextsOf } from './embed-index.js';
import type { SkippedFile } from '../core/types.js';
import { loadCorpus } from './loader.js';
import type { Embedder, VectorLookup } from '../semantic/embedder.js';
import { listingFingerprint, saveSnapshot } from './snapshot.js';
import { mergeSources } from './store-sources.js';
import { shareHeldTelling } from './share-held.js';
import { sharedThrough, VectorCache } from './vector-cache.js';
import { nextTurn } from '../next-turn.js';

import type { LibraryOptions, ReindexReport, SemanticCoverage } from './library-types.js';

export { type EmbedProgress, embedIndex } from './embed-index.js';
export type { LibraryOptions, ReindexReport, SemanticCoverage, SemanticEvent } from './library-types.js';

/** Above this many passages the semantic stage is skipped: by default never (embedding runs in the background). */
export const DEFAULT_SEMANTIC_MAX_PASSAGES = Number.POSITIVE_INFINITY;

/** A background embedding overtaken by a newer snapshot. */
class Abandoned extends Error {}

export class Library {
  #current: CorpusIndex | undefined;
  /** Counts the snapshots swapped in (the semantic one too), and when the last one was. */
  #revision = 0;
  #swappedAt = 0;
  #inflight: Promise<ReindexReport> | undefined;
  /** The run `reindex({ fresh: true })` asked for while another was under way. */
  #followUp: Promise<ReindexReport> | undefined;
  #skipped: SkippedFile[] = [];
  /** Fingerprint of the folder the serving snapshot was made from (with a cache folder). */
  #fingerprint: string | undefined;
  #coverage: SemanticCoverage = { state: 'off', done: 0, total: 0 };
  /** Counts embedding runs; a run whose number is no longer current stops. */
  #generation = 0;
  #embedding: Promise<void> | undefined;
  #vectorCache: Promise<VectorCache> | undefined;
  /** Keys of unit texts known to be in the store's shared vectors (share-held.ts), so each is asked about once. */
  readonly #sharedKeys = new Set<string>();
  readonly options: LibraryOptions;

  constructor(options: LibraryOptions) {
    this.options = options;
  }

  /** The serving snapshot. Throws before the first successful load. */
  get index(): CorpusIndex {
    if (!this.#current) throw new Error('The corpus has not been indexed yet.');
    return this.#current;
  }

  get ready(): boolean {
    return this.#current !== undefined;
  }

  /** How many snapshots have served (each swap adds one, vectors swapped in too); 0 before the first. */
  get revision(): number {
    return this.#revision;
  }

  /** When the serving snapshot was swapped in (ms since the epoch); 0 before the first. */
  get swappedAt(): number {
    return this.#swappedAt;
  }

  /** Serves `next`: a different snapshot gets the next revision. */
  #serve(next: CorpusIndex): void {
    if (next === this.#current) return;
    this.#current = next;
    this.#revision++;
    this.#swappedAt = Date.now();
  }

  /** Files skipped by the last successful load. */
  get skipped(): readonly SkippedFile[] {
    return this.#skipped;
  }

  /**
   * Re-indexes the corpus folder (and the store's articles). Concurrent calls share one run. With
   * `fresh`, the run starts after this call (a change was just stored, and a run already under way
   * may have read the store before it): the run under way finishes, then one more starts, shared by
   * every `fresh` call made meanwhile.
   */
  reindex(options: { fresh?: boolean } = {}): Promise<ReindexReport> {
    if (this.#inflight && options.fresh) {
      this.#followUp ??= this.#inflight.then(() => {
        this.#followUp = undefined;
        return this.reindex();
      });
      return this.#followUp;
    }
    if (!this.#inflight) {
      this.#inflight = this.#run()
        .then((report) => {
          this.options.onReindex?.(report);
          return report;
        })
        .finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  /** Swaps in a snapshot built elsewhere (tests, persisted snapshots). */
  swap(index: CorpusIndex, skipped: SkippedFile[] = []): void {
    this.#generation++;
    this.#serve(index);
    this.#skipped = skipped;
    const n = index.passages.length;
    this.#coverage = index.vectors ? { state: 'on', done: n, total: n } : { state: 'off', done: 0, total: n };
  }

  /** The semantic stage's progress (a fresh object each call). */
  get semanticCoverage(): SemanticCoverage {
    return { ...this.#coverage };
  }

  /** Resolves when the background embedding under way (if any) has finished or failed. */
  async whenSemanticReady(): Promise<SemanticCoverage> {
    while (this.#embedding) await this.#embedding;
    return this.semanticCoverage;
  }

  /** The vector cache of the embedder's model (in the cache folder, else in memory only). */
  #cache(model: string): Promise<VectorCache> {
    this.#vectorCache ??= this.options.cacheDir
      ? VectorCache.open(this.options.cacheDir, model)
      : Promise.resolve(VectorCache.memory(model));
    return this.#vectorCache;
  }

  /**
   * Embeds `index`'s passages in the background and swaps in the result if `index` still serves.
   * `unitsRead` is this snapshot's unit file, when start-up began reading it as the snapshot loaded.
   */
  #startEmbedding(
    index: CorpusIndex,
    old: CorpusIndex | undefined,
    embedder: Embedder,
    unitsRead?: Promise<UnitRead>,
  ): void {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && this.#current === index;
    const n = index.passages.length;
    this.#coverage = { state: 'preparing', done: 0, total: n };
    const t0 = performance.now();
    let embedded = 0;
    const guarded: Embedder = {
      model: embedder.model,
      embed: async (texts) => {
        if (!current()) throw new Abandoned('a newer snapshot took over');
        const vectors = await embedder.embed(texts);
        embedded += texts.length;
        return vectors;
      },
    };
    // The store's shared vectors in front of the model (a run overtaken stops its lookups too).
    const store = this.options.sharedVectors;
    const shared =
      store &&
      sharedThrough(
        guarded,
        store,
        (message) => this.options.onSemantic?.({ kind: 'warning', message }),
        this.#sharedKeys,
      );
    const source: Embedder = shared
      ? {
          model: shared.model,
          embed: (texts) =>
            current() ? shared.embed(texts) : Promise.reject(new Abandoned('a newer snapshot took over')),
        }
      : guarded;
    // Then what this instance held and served without the store goes to the store (share-held.ts).
    const shareHeld = async (served: CorpusIndex) => {
      if (!store || shared?.usable === false) return;
      const still = () => this.#current === served;
      await shareHeldTelling(served, store, still, this.options.onSemantic, this.#sharedKeys);
    };
    const cacheDir = this.options.cacheDir;
    const fingerprint = this.#fingerprint;
    const run = async () => {
      // An unchanged corpus: the vectors saved for this very snapshot, attached with one read.
      if (cacheDir && fingerprint) {
        const read = unitsRead ?? readUnits(cacheDir, embedder.model, fingerprint);
        const saved = await attachUnits(index, embedder.model, read);
        if (!current()) return;
        if (saved.ok) {
          const next = saved.index;
          await prepareVectorSearch(next, nextTurn, saved.mean);
          if (!current()) return;
          this.#serve(next);
          this.#coverage = { state: 'on', done: n, total: n };
          this.options.onSemantic?.({
            kind: 'ready',
            passages: n,
            embedded: 0,
            ms: Math.round(performance.now() - t0),
            cache: `unit file: ${saved.bytes} bytes`,
          });
          void warmTermVectors(next, nextTurn, () => this.#current === next);
          await shareHeld(next);
          return;
        }
        if (!/^no unit file|another snapshot/u.test(saved.reason)) {
          this.options.onSemantic?.({ kind: 'warning', message: `${saved.reason}; using the vector cache` });
        }
      }
      const cache = await this.#cache(embedder.model);
      if (cache.note && cache.file && cache.size === 0 && !/^no vector cache/u.test(cache.note)) {
        this.options.onSemantic?.({ kind: 'warning', message: `vector cache ignored: ${cache.note}` });
      }
      // Every unit text of the snapshot served before (same model) counts as known too.
      const previous = await knownTextsOf(old, embedder.model);
      if (!current()) return;
      const known: VectorLookup = { get: (text) => cache.get(text) ?? previous.get(text) };
      const next = await embedIndex(index, cache.recording(source), known, (done, total) => {
        if (!current()) return;
        // Progress comes in texts (passages, sentences, headings); coverage is told in passages.
        const passages = total > 0 ? Math.min(n, Math.floor((done / total) * n)) : n;
        this.#coverage = { state: 'preparing', done: passages, total: n };
        this.options.onEmbedProgress?.(passages, n);
      });
      if (!current()) return;
      await prepareVectorSearch(next, nextTurn);
      if (!current()) return;
      this.#serve(next);
      this.#coverage = { state: 'on', done: n, total: n };
      void warmTermVectors(next, nextTurn, () => this.#current === next);
      let note: string | undefined;
      const add = (part: string) => (note = note ? `${note}; ${part}` : part);
      if (shared) add(`store: ${shared.found} vectors found, ${shared.stored} written`);
      const unitsTo = cacheDir && fingerprint ? { dir: cacheDir, model: embedder.model, fingerprint } : undefined;
      for (const part of await saveVectors(next, cache, previous, unitsTo)) add(part);
      this.options.onSemantic?.({
        kind: 'ready',
        passages: n,
        embedded,
        ms: Math.round(performance.now() - t0),
        ...(note ? { cache: note } : {}),
      });
      await shareHeld(next);
    };
    const done = run().catch((err: unknown) => {
      if (err instanceof Abandoned || !current()) return;
      const error = err instanceof Error ? err.message : String(err);
      this.#coverage = { state: 'failed', done: this.#coverage.done, total: n, reason: error };
      this.options.onSemantic?.({ kind: 'failed', error });
    });
    this.#embedding = done.finally(() => {
      if (this.#embedding === tracked) this.#embedding = undefined;
    });
    const tracked = this.#embedding;
  }

  async #run(): Promise<ReindexReport> {
    const t0 = performance.now();
    const old = this.#current;
    try {
      let next: CorpusIndex | undefined;
      let snapshot: string | undefined;
      let skipped: SkippedFile[] = [];
      let files = 0;
      let body: Buffer | undefined;
      let unitsRead: Promise<UnitRead> | undefined;
      const extra = await this.options.storeSources?.();
      // Fast path: a snapshot whose fingerprint (file names, sizes and times, index options, the
      // store's corpus revision) matches is loaded without reading or splitting the articles.
      const listing = this.options.cacheDir
        ? await listingFingerprint(this.options.dir, this.options.ranking ?? {})
        : undefined;
      const fingerprint = listing && extra ? `${listing}+store${extra.revision}` : listing;
      if (old && fingerprint && fingerprint === this.#fingerprint) {
        // Nothing changed since the serving snapshot was made: keep it (no second copy in memory);
        // an embedding under way for it goes on, a failed one is tried again.
        next = old;
        skipped = this.#skipped;
        files = old.articles.length;
        snapshot = 'unchanged';
      } else if (this.options.cacheDir && fingerprint) {
        // Its unit file is read while it unpacks (snapshot-units.ts).
        const model = this.options.embedder?.model;
        const maxPassages = this.options.semanticMaxPassages ?? DEFAULT_SEMANTIC_MAX_PASSAGES;
        const read = await loadSnapshotAndUnits(this.options.cacheDir, fingerprint, model, maxPassages);
        const cached = read.loaded;
        unitsRead = read.units;
        if (cached.ok) {
          next = cached.index;
          skipped = cached.skipped;
          files = next.articles.length;
          snapshot = `loaded ${cached.bytes} bytes in ${Math.round(cached.ms)} ms`;
        } else {
          snapshot = cached.reason;
        }
      }
      const source = next ? 'snapshot' : 'built';
      if (!next) {
        const loaded = await loadCorpus(this.options.dir, this.options);
        if (loaded.sources.length === 0 && old && old.articles.length > 0) {
          throw new Error('the corpus folder holds no readable articles now; keeping the current index');
        }
        const merged = mergeSources(loaded.sources, extra);
        skipped = [...loaded.skipped, ...merged.skipped];
        files = merged.sources.length;
        // Yield once so queries already scheduled finish on the old snapshot.
        await nextTurn();
        const built = await buildSnapshot(merged.sources, this.options.ranking, this.options.offThreadBuildChars);
        next = built.index;
        body = built.body;
      }
      for (const s of skipped) this.options.onSkip?.(s);
      const dirty = source === 'built';
      const embedder = this.options.embedder;
      const maxPassages = this.options.semanticMaxPassages ?? DEFAULT_SEMANTIC_MAX_PASSAGES;
      /** Start a background embedding once `next` serves. */
      let embed = false;
      if (!embedder) {
        this.#coverage = { state: 'off', done: 0, total: next.passages.length };
      } else if (next.passages.length > maxPassages) {
        this.#generation++;
        this.#coverage = {
          state: 'off',
          done: 0,
          total: next.passages.length,
          reason: `${next.passages.length} passages > SEMANTIC_MAX_PASSAGES ${maxPassages}`,
        };
        snapshot = `${snapshot ? `${snapshot}; ` : ''}semantic stage off: ${next.passages.length} passages > ${maxPassages}`;
      } else if (next.vectors?.model === embedder.model) {
        if (next !== old) {
          this.#generation++;
          this.#coverage = { state: 'on', done: next.passages.length, total: next.passages.length };
        }
      } else if (next !== old || this.#coverage.state !== 'preparing') {
        embed = true;
      }
      const before = new Map((old?.articles ?? []).map((a) => [a.file, a.hash]));
      const after = new Map(next.articles.map((a) => [a.file, a.hash]));
      const added = [...after.keys()].filter((f) => !before.has(f));
      const changed = [...after.keys()].filter((f) => before.has(f) && before.get(f) !== after.get(f));
      const removed = [...before.keys()].filter((f) => !after.has(f));
      this.#serve(next);
      this.#skipped = skipped;
      this.#fingerprint = fingerprint;
      if (embed && embedder) this.#startEmbedding(next, old, embedder, unitsRead);
      if (this.options.cacheDir && fingerprint && dirty) {
        try {
          const saved = await saveSnapshot(this.options.cacheDir, next, fingerprint, skipped, body);
          snapshot = `${snapshot ? `${snapshot}; ` : ''}saved ${saved.bytes} bytes in ${Math.round(saved.ms)} ms`;
        } catch (err) {
          snapshot = `${snapshot ? `${snapshot}; ` : ''}could not be saved: ${(err as Error).message}`;
        }
      }
      return {
        source,
        ...(snapshot ? { snapshot } : {}),
        ok: true,
        files,
        passages: next.passages.length,
        articles: next.articles.length,
        added,
        changed,
        removed,
        skipped,
        ms: Math.round(performance.now() - t0),
      };
    } catch (err) {
      return {
        ok: false,
        files: old?.articles.length ?? 0,
        passages: old?.passages.length ?? 0,
        articles: old?.articles.length ?? 0,
        added: [],
        changed: [],
        removed: [],
        skipped: [],
        ms: Math.round(performance.now() - t0),
        error: err instanceof Error ? err.message : String(err),
      };
    }
  }
}
