/**
 * What the feedback service (feedback.ts) is built from: its store, the learning, the library and
 * the settings it reads.
 */
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Answer } from '../core/types.js';
import type { Library } from '../corpus/library.js';
import type { Logger } from '../log.js';
import type { CorpusStore } from '../store/corpus-types.js';
import type { FeedbackStore, PickRecord, PickVector } from '../store/types.js';
import type { ReviewPick } from './types.js';

/** What the service needs of the learning (src/learning/learning.ts). */
export interface LearningEngine {
  /** Replaces the picks; returns the question vectors it had to make (saved by the caller). */
  load(picks: PickRecord[], vectors: PickVector[]): Promise<PickVector[]>;
  /** Builds (and keeps) what is taught for this snapshot. */
  teachingFor(index: CorpusIndex): unknown;
  /** Whether a pick is taught in this snapshot now. */
  status(index: CorpusIndex, pick: PickRecord): ReviewPick['status'];
  /** The picks that moved passages of this answer. */
  liftedBy(answer: Answer): number[];
}

export interface FeedbackDeps {
  /** With the corpus store's audit and question log (the real store), undo/confirm are audited and questions logged. */
  store: FeedbackStore & Partial<Pick<CorpusStore, 'audit' | 'logQuestion'>>;
  learning: LearningEngine;
  library: Library;
  log: Logger;
  /** The semantic model whose question vectors are kept (undefined: terms only). */
  model?: string;
  /** Days answers, votes and picks are kept (for messages). */
  retentionDays: number;
  now?: () => number;
}
