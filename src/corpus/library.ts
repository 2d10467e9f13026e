/**
 * Holds the live index snapshot. A re-index builds a new snapshot aside and swaps
 * one reference; a failed re-index keeps the old snapshot serving; overlapping
 * re-index requests share one run.
 */
import { CorpusIndex, type RankingOptions } from '../core/corpus-index.js';
import type { SkippedFile } from '../core/types.js';
import { type LoadOptions, loadCorpus } from './loader.js';

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
  /** Why the rebuild failed (the old snapshot keeps serving). */
  error?: string;
}

export interface LibraryOptions extends LoadOptions {
  dir: string;
  ranking?: Partial<RankingOptions>;
  /** Called with every skipped file (for logging). */
  onSkip?: (skipped: SkippedFile) => void;
}

export class Library {
  #current: CorpusIndex | undefined;
  #inflight: Promise<ReindexReport> | undefined;
  #skipped: SkippedFile[] = [];
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

  async #run(): Promise<ReindexReport> {
    const t0 = performance.now();
    const old = this.#current;
    try {
      const loaded = await loadCorpus(this.options.dir, this.options);
      for (const s of loaded.skipped) this.options.onSkip?.(s);
      if (loaded.sources.length === 0 && old && old.articles.length > 0) {
        throw new Error('the corpus folder holds no readable articles now; keeping the current index');
      }
      // Yield once so queries already scheduled finish on the old snapshot.
      await new Promise((r) => setImmediate(r));
      const next = CorpusIndex.build(loaded.sources, this.options.ranking);
      const before = new Map((old?.articles ?? []).map((a) => [a.file, a.hash]));
      const after = new Map(next.articles.map((a) => [a.file, a.hash]));
      const added = [...after.keys()].filter((f) => !before.has(f));
      const changed = [...after.keys()].filter((f) => before.has(f) && before.get(f) !== after.get(f));
      const removed = [...before.keys()].filter((f) => !after.has(f));
      this.#current = next;
      this.#skipped = loaded.skipped;
      return {
        ok: true,
        files: loaded.sources.length,
        passages: next.passages.length,
        articles: next.articles.length,
        added,
        changed,
        removed,
        skipped: loaded.skipped,
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
