/**
 * Holds the live index snapshot. A re-index builds a new snapshot aside and swaps
 * one reference; a failed re-index keeps the old snapshot serving; overlapping
 * re-index requests share one run.
 */
import { CorpusIndex, type RankingOptions } from '../core/corpus-index.js';
import { knownUnitTexts, passageVectorsOf, planUnits, unitVectors } from '../core/passage-units.js';
import type { SkippedFile } from '../core/types.js';
import { type LoadOptions, loadCorpus } from './loader.js';
import { type Embedder, embedPassages } from '../semantic/embedder.js';
import { listingFingerprint, loadSnapshot, saveSnapshot } from './snapshot.js';

/** What a re-index did. */
export interface ReindexReport {
  ok: boolean;
  files: number;
  passages: number;
  articles: number;
  added: string[];
  changed: string[];
  removed: string[];
  skipped: SkippedFile[];
  ms: number;
  /** Where the index came from: a saved snapshot, or a fresh build (saved when a cache folder is set). */
  source?: 'snapshot' | 'built';
  /** What happened with the saved snapshot, for the logs. */
  snapshot?: string;
  /** Why the rebuild failed (the old snapshot keeps serving). */
  error?: string;
}

export interface LibraryOptions extends LoadOptions {
  dir: string;
  ranking?: Partial<RankingOptions>;
  /** Called with every skipped file (for logging). */
  onSkip?: (skipped: SkippedFile) => void;
  /** Folder for persisted snapshots; none = always build. */
  cacheDir?: string;
  /** The semantic stage's model: passages get sentence vectors when there are at most `semanticMaxPassages`. */
  embedder?: Embedder;
  semanticMaxPassages?: number;
  /** Called as passages get their sentence vectors (only when some need embedding). */
  onEmbedProgress?: EmbedProgress;
}

/** Hears how many of the passages that need a sentence vector have one (`done` of `total`). */
export type EmbedProgress = (done: number, total: number) => void;

/**
 * The snapshot with its passages' sentence vectors from `embedder` attached; texts found in
 * `known` (from a previous snapshot) reuse their vector instead of being embedded again.
 */
export async function embedIndex(
  index: CorpusIndex,
  embedder: Embedder,
  known?: ReadonlyMap<string, Float32Array>,
  onProgress?: EmbedProgress,
): Promise<CorpusIndex> {
  // What to embed is decided in core: each passage, its sentences and its heading path,
  // every distinct text once. Texts are embedded shortest first, so a batch holds texts of
  // about one length (the model pads a batch to its longest text).
  const plan = planUnits(index.passages);
  const length = (i: number) => plan.texts[i]?.length ?? 0;
  const order = plan.texts.map((_, i) => i).sort((a, b) => length(a) - length(b));
  const sorted = await embedPassages(
    embedder,
    order.map((i) => plan.texts[i] as string),
    known,
    undefined,
    onProgress,
  );
  const vectors: Float32Array[] = new Array(plan.texts.length);
  order.forEach((i, k) => {
    vectors[i] = sorted[k] as Float32Array;
  });
  const units = unitVectors(plan, vectors);
  return index.withVectors({
    model: embedder.model,
    vectors: passageVectorsOf(units, index.passages.length),
    units,
  });
}

/** Above this many passages the semantic stage is skipped (embedding costs ~60 ms a passage). */
export const DEFAULT_SEMANTIC_MAX_PASSAGES = 5000;

export class Library {
  #current: CorpusIndex | undefined;
  #inflight: Promise<ReindexReport> | undefined;
  #skipped: SkippedFile[] = [];
  /** Fingerprint of the folder the serving snapshot was made from (with a cache folder). */
  #fingerprint: string | undefined;
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

  /** Files skipped by the last successful load. */
  get skipped(): readonly SkippedFile[] {
    return this.#skipped;
  }

  /** Re-indexes the corpus folder. Concurrent calls share one run. */
  reindex(): Promise<ReindexReport> {
    if (!this.#inflight) {
      this.#inflight = this.#run().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  /** Swaps in a snapshot built elsewhere (tests, persisted snapshots). */
  swap(index: CorpusIndex, skipped: SkippedFile[] = []): void {
    this.#current = index;
    this.#skipped = skipped;
  }

  /** True when the snapshot has the passage vectors the semantic stage wants (or none are wanted). */
  #hasWantedVectors(index: CorpusIndex): boolean {
    const embedder = this.options.embedder;
    const max = this.options.semanticMaxPassages ?? DEFAULT_SEMANTIC_MAX_PASSAGES;
    return !embedder || index.passages.length > max || index.vectors?.model === embedder.model;
  }

  async #run(): Promise<ReindexReport> {
    const t0 = performance.now();
    const old = this.#current;
    try {
      let next: CorpusIndex | undefined;
      let snapshot: string | undefined;
      let skipped: SkippedFile[] = [];
      let files = 0;
      // Fast path: a snapshot whose fingerprint (file names, sizes and times, index options)
      // matches the folder is loaded without reading or splitting the articles.
      const fingerprint = this.options.cacheDir
        ? await listingFingerprint(this.options.dir, this.options.ranking ?? {})
        : undefined;
      if (old && fingerprint && fingerprint === this.#fingerprint && this.#hasWantedVectors(old)) {
        // Nothing changed since the serving snapshot was made: keep it (no second copy in memory).
        next = old;
        skipped = this.#skipped;
        files = old.articles.length;
        snapshot = 'unchanged';
      } else if (this.options.cacheDir && fingerprint) {
        const cached = await loadSnapshot(this.options.cacheDir, fingerprint);
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
        skipped = loaded.skipped;
        files = loaded.sources.length;
        // Yield once so queries already scheduled finish on the old snapshot.
        await new Promise((r) => setImmediate(r));
        next = CorpusIndex.build(loaded.sources, this.options.ranking);
      }
      for (const s of skipped) this.options.onSkip?.(s);
      let dirty = source === 'built';
      const embedder = this.options.embedder;
      const maxPassages = this.options.semanticMaxPassages ?? DEFAULT_SEMANTIC_MAX_PASSAGES;
      if (embedder && next.vectors?.model !== embedder.model && next.passages.length <= maxPassages) {
        // Every unit text (passage, sentence, heading) of the old snapshot keeps its vector.
        const known =
          old?.vectors?.model === embedder.model && old.vectors.units
            ? knownUnitTexts(old.passages, old.vectors.units)
            : new Map<string, Float32Array>();
        next = await embedIndex(next, embedder, known, this.options.onEmbedProgress);
        dirty = true;
      } else if (embedder && next.passages.length > maxPassages) {
        snapshot = `${snapshot ? `${snapshot}; ` : ''}semantic stage off: ${next.passages.length} passages > ${maxPassages}`;
      }
      const before = new Map((old?.articles ?? []).map((a) => [a.file, a.hash]));
      const after = new Map(next.articles.map((a) => [a.file, a.hash]));
      const added = [...after.keys()].filter((f) => !before.has(f));
      const changed = [...after.keys()].filter((f) => before.has(f) && before.get(f) !== after.get(f));
      const removed = [...before.keys()].filter((f) => !after.has(f));
      this.#current = next;
      this.#skipped = skipped;
      this.#fingerprint = fingerprint;
      if (this.options.cacheDir && fingerprint && dirty) {
        try {
          const saved = await saveSnapshot(this.options.cacheDir, next, fingerprint, skipped);
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
