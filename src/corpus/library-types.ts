/**
 * What a Library is given and what it reports: its options, a re-index's report, and the semantic
 * stage's coverage and events.
 */
import type { RankingOptions } from '../core/corpus-index.js';
import type { SkippedFile } from '../core/types.js';
import type { Embedder } from '../semantic/embedder.js';
import type { SharedVectors } from '../store/vector-types.js';
import type { EmbedProgress } from './embed-index.js';
import type { LoadOptions } from './loader.js';
import type { StoreSources } from './store-sources.js';

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
  /**
   * The semantic stage's model: passages get sentence vectors (in the background) when there are
   * at most `semanticMaxPassages` (default: no limit).
   */
  embedder?: Embedder;
  semanticMaxPassages?: number;
  /** Text (characters) from which a snapshot is built in a worker thread (default OFF_THREAD_BUILD_CHARS). */
  offThreadBuildChars?: number;
  /**
   * Sentence vectors shared by the instances on one database (PostgreSQL): a text missing from
   * the vector cache is looked up there before it is embedded, and what is embedded is written
   * there. A failure of the store is a warning (`onSemantic`); the embedding goes on without it.
   */
  sharedVectors?: SharedVectors;
  /** Called as passages get their sentence vectors (only when some need embedding). */
  onEmbedProgress?: EmbedProgress;
  /** Hears when a background embedding finished (vectors swapped in) or failed (lexical kept). */
  onSemantic?: (event: SemanticEvent) => void;
  /**
   * The store's part of the corpus (articles added from Discord, hidden folder files), read at every
   * re-index; its revision is part of the snapshot's fingerprint. A failure fails the re-index (the
   * serving snapshot stays).
   */
  storeSources?: () => Promise<StoreSources>;
  /** Hears every re-index's report, failed ones too (metrics). */
  onReindex?: (report: ReindexReport) => void;
}

/** How far the semantic stage is: vectors done of needed, and whether it answers. */
export interface SemanticCoverage {
  /**
   * `off`: no model, or the corpus is over the passage limit; `preparing`: vectors being made
   * (answers are lexical meanwhile); `on`: every passage has its vector; `failed`: the last
   * embedding failed (answers are lexical; the next re-index tries again).
   */
  state: 'off' | 'preparing' | 'on' | 'failed';
  done: number;
  total: number;
  /** Why it is off or failed. */
  reason?: string;
}

export type SemanticEvent =
  | {
      kind: 'ready';
      passages: number;
      /**
       * Texts the model embedded (the rest came from the vector cache, the store's shared vectors
       * or the previous snapshot).
       */
      embedded: number;
      ms: number;
      /** What happened with the vector cache file. */
      cache?: string;
    }
  | { kind: 'failed'; error: string }
  /** Vectors this instance held (and had not got from the store) written to the store's shared vectors. */
  | { kind: 'shared'; checked: number; written: number; ms: number }
  /** Something to log that stops nothing (a vector cache file that could not be used). */
  | { kind: 'warning'; message: string };
