/**
 * The command layer: what /ask, /sources, /read (read.ts), /help and /reindex do, independent of
 * where they are asked (terminal, Discord server, DM). Results are data; each
 * surface renders them its own way.
 */
import { type AnswerOptions, answerQuestion, checkQuestion, MAX_RESULTS } from '../core/answer.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { Answer, ArticleMeta } from '../core/types.js';
import type { Library, ReindexReport, SemanticCoverage } from '../corpus/library.js';
import type { Learning } from '../learning/learning.js';
import type { FeedbackService } from '../learning/types.js';
import type { InsightsService } from '../insights/types.js';
import type { ArticleOrigin, CorpusAdminService } from '../manage/types.js';
import type { Logger } from '../log.js';
import type { CoalescingEmbedder } from '../semantic/coalesce.js';
import type { Embedder } from '../semantic/embedder.js';
import type { FleetStore } from '../store/fleet-types.js';
import { notReady } from './errors.js';
import { questionVector } from './question-vector.js';

export * from './read.js';

/** What every command may use. */
export interface Services {
  library: Library;
  log: Logger;
  /** The semantic stage's model, when it is on. */
  embedder?: Embedder;
  /**
   * The embedding worker (same model as `embedder`), behind `coalescing`: once the passages are
   * embedded, it makes the question's vector while the main thread runs the lexical stage.
   */
  questionWorker?: CoalescingEmbedder;
  /** Votes, picks and what was learned from them (absent when no store is configured, as in some tests). */
  feedback?: FeedbackService;
  /** What was learned from picks: each answer reads its teaching for the serving snapshot. */
  learning?: Learning;
  /** Moderators' changes to the articles, and the audit log (absent without a store). */
  admin?: CorpusAdminService;
  /** /insights (absent without a store). */
  insights?: InsightsService;
  /**
   * The store, when several instances share it (PostgreSQL): the runtime keeps the answers behind
   * buttons, the post claims and the cooldown there (absent: in memory).
   */
  fleet?: FleetStore;
  /** A cheap round trip to the store (its revision), for `/healthz` (absent without a store). */
  storeProbe?: { readonly description: string; ping(): Promise<unknown> };
  /** Ends what keeps running in the background (the embedding worker thread); call once, at exit. */
  close?: () => Promise<void>;
}

/** A request the user got wrong, or a state that stops the command: shown as a clear message. */
export interface CommandError {
  kind: 'error';
  code:
    | 'empty'
    | 'too_long'
    | 'bad_option'
    | 'unknown_article'
    | 'unknown_section'
    | 'not_ready'
    | 'forbidden'
    | 'busy'
    | 'cooldown'
    | 'internal';
  message: string;
}

export interface AskResult {
  kind: 'answer';
  answer: Answer;
  /** The articles, offered when the question was declined. */
  articles: readonly ArticleMeta[];
  /** The question's sentence vector, when the semantic stage ran. */
  queryVector?: Float32Array;
  /**
   * Declined within one article (the article option) but answered by the whole corpus: the
   * articles that answer it, so the decline can say where to look instead.
   */
  elsewhere?: readonly ArticleMeta[];
}

export interface SourcesResult {
  kind: 'sources';
  articles: readonly ArticleMeta[];
  /** Set when one article was asked for. */
  article?: ArticleMeta;
  /** How far the semantic stage is (passage vectors done of needed, and whether it answers). */
  semantic: SemanticCoverage;
  /** Where each article comes from (folder or Discord, who added it), and the hidden ones; with a store. */
  origins?: ReadonlyMap<string, ArticleOrigin>;
}

/** The semantic stage's state in one line, as /sources shows it on every surface. */
export function semanticStatus(c: SemanticCoverage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  switch (c.state) {
    case 'on':
      return 'Semantic search: on';
    case 'preparing':
      return `Semantic search: preparing, ${n(c.done)} of ${n(c.total)} passages`;
    case 'failed':
      return 'Semantic search: unavailable (the passages could not be embedded; answers are lexical)';
    default:
      return c.reason ? `Semantic search: off (${c.reason})` : 'Semantic search: off';
  }
}

export interface HelpResult {
  kind: 'help';
  articles: number;
  passages: number;
}

export interface ReindexResult {
  kind: 'reindex';
  report: ReindexReport;
}

export interface AskRequest {
  question: string;
  results?: number;
  /** Article filter: file or title, as the user typed it. */
  article?: string;
  /** Skip the semantic stage and answer lexically (a surface under load sheds the costly part). */
  lexicalOnly?: boolean;
}

/** Resolves an article name the user typed, or explains why it matched nothing. */
export function resolveArticle(services: Services, name: string): ArticleMeta | CommandError {
  const { best, tied } = services.library.index.matchArticle(name);
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  if (tied.length > 1) {
    const listed = tied.slice(0, 5).map((a) => `"${a.title}" (${a.file})`);
    return {
      kind: 'error',
      code: 'unknown_article',
      message: `"${shown}" matches ${tied.length} articles: ${listed.join(', ')}${tied.length > 5 ? ', …' : ''}. Type more of the title.`,
    };
  }
  if (best) return best;
  return {
    kind: 'error',
    code: 'unknown_article',
    message: `No article matches "${shown}". Use /sources to see the articles.`,
  };
}

/** /ask */
export async function ask(services: Services, req: AskRequest): Promise<AskResult | CommandError> {
  const problem = checkQuestion(req.question);
  if (problem) return { kind: 'error', ...problem };
  if (
    req.results !== undefined &&
    (!Number.isInteger(req.results) || req.results < 1 || req.results > MAX_RESULTS)
  ) {
    return {
      kind: 'error',
      code: 'bad_option',
      message: `results must be a whole number from 1 to ${MAX_RESULTS}; got ${req.results}.`,
    };
  }
  if (!services.library.ready) return notReady();
  const index = services.library.index;
  const options: AnswerOptions = {};
  const teaching = services.learning?.teachingFor(index);
  if (teaching) options.teaching = teaching;
  if (req.results !== undefined) options.results = req.results;
  if (req.article !== undefined && req.article.trim() !== '') {
    const article = resolveArticle(services, req.article);
    if ('kind' in article) return article;
    options.file = article.file;
  }
  if (!req.lexicalOnly && services.embedder && index.vectors?.model === services.embedder.model) {
    const vector = await questionVector(services, index, req.question, options);
    if (vector) options.queryVector = vector;
  }
  const answer = answerQuestion(index, req.question, options);
  const elsewhere = !answer.answered && options.file ? answeredElsewhere(index, req.question, options) : [];
  return {
    kind: 'answer',
    answer,
    articles: index.articles,
    ...(options.queryVector ? { queryVector: options.queryVector } : {}),
    ...(elsewhere.length ? { elsewhere } : {}),
  };
}

/** The articles whose passages answer the question when it is asked of the whole corpus. */
function answeredElsewhere(index: CorpusIndex, question: string, options: AnswerOptions): ArticleMeta[] {
  // The lexical stage was run within the article: the whole corpus needs its own.
  const { file: _scoped, lexical: _stage, ...unscoped } = options;
  const wide = answerQuestion(index, question, unscoped);
  if (!wide.answered) return [];
  const files = new Set(wide.passages.map((p) => p.passage.origin.file));
  return index.articles.filter((a) => files.has(a.file));
}

/** /sources [article] */
export function sources(services: Services, article?: string): SourcesResult | CommandError {
  if (!services.library.ready) return notReady();
  const articles = services.library.index.articles;
  const semantic = services.library.semanticCoverage;
  if (article !== undefined && article.trim() !== '') {
    const found = resolveArticle(services, article);
    if ('kind' in found) return found;
    return { kind: 'sources', articles, article: found, semantic };
  }
  return { kind: 'sources', articles, semantic };
}

/** /sources with where each article comes from (when there is a store that can be read). */
export async function sourcesWithOrigins(
  services: Services,
  article?: string,
): Promise<SourcesResult | CommandError> {
  const r = sources(services, article);
  if (r.kind === 'error' || !services.admin) return r;
  try {
    return { ...r, origins: await services.admin.origins() };
  } catch (err) {
    services.log.warn('could not read where the articles come from', { error: (err as Error).message });
    return r;
  }
}

/** /help */
export function help(services: Services): HelpResult {
  const ready = services.library.ready;
  return {
    kind: 'help',
    articles: ready ? services.library.index.articles.length : 0,
    passages: ready ? services.library.index.passages.length : 0,
  };
}

/** /reindex (permission checks belong to the surface that knows who asks). */
export async function reindex(services: Services, actor = 'terminal'): Promise<ReindexResult> {
  // With a store, the re-index goes into the audit log (who, when, what it found).
  const report = services.admin
    ? await services.admin.reindex({ userId: actor })
    : await services.library.reindex();
  // What was taught, resolved against the new snapshot now rather than at its first question.
  if (report.ok && services.library.ready) services.learning?.teachingFor(services.library.index);
  if (report.ok) {
    services.log.info('re-indexed', {
      files: report.files,
      passages: report.passages,
      added: report.added.length,
      changed: report.changed.length,
      removed: report.removed.length,
      skipped: report.skipped.length,
      from: report.source,
      snapshot: report.snapshot,
      ms: report.ms,
    });
  } else {
    services.log.warn('re-index failed; the previous index keeps serving', { error: report.error });
  }
  return { kind: 'reindex', report };
}

const TIPS = [
  'Ask in your own words: "What is nanoGPT?", "why do people trust open models?"',
  'Short keywords work too: "RISC-V", "federated learning".',
];

export const HELP_TEXT = {
  what: 'citebot answers questions with exact quotes from its articles, each with where it comes from (article, section, paragraph). It never makes up text: if the articles do not cover a question, it says so.',
  /** Discord's tips (it has an `article` option). */
  how: [...TIPS, 'Narrow to one article with the article option; see the articles with /sources.'],
  /** The terminal's tips (`npm start`: it has the /article command). */
  terminal: [
    ...TIPS,
    'Narrow to one article with /article NAME (the questions after it look only there; /article alone looks in all again); see the articles with /sources.',
  ],
};
