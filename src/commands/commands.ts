/**
 * The command layer: what /ask, /sources, /help and /reindex do, independent of
 * where they are asked (terminal, Discord server, DM). Results are data; each
 * surface renders them its own way.
 */
import { type AnswerOptions, answerQuestion, checkQuestion, MAX_RESULTS } from '../core/answer.js';
import type { Answer, ArticleMeta } from '../core/types.js';
import type { Library, ReindexReport } from '../corpus/library.js';
import type { Logger } from '../log.js';
import type { Embedder } from '../semantic/embedder.js';

/** What every command may use. */
export interface Services {
  library: Library;
  log: Logger;
  /** The semantic stage's model, when it is on. */
  embedder?: Embedder;
}

/** A request the user got wrong, or a state that stops the command: shown as a clear message. */
export interface CommandError {
  kind: 'error';
  code:
    | 'empty'
    | 'too_long'
    | 'bad_option'
    | 'unknown_article'
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
}

export interface SourcesResult {
  kind: 'sources';
  articles: readonly ArticleMeta[];
  /** Set when one article was asked for. */
  article?: ArticleMeta;
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

function notReady(): CommandError {
  return {
    kind: 'error',
    code: 'not_ready',
    message: 'The articles are still being indexed. Try again in a moment.',
  };
}

/** Resolves an article name the user typed, or explains why it matched nothing. */
export function resolveArticle(services: Services, name: string): ArticleMeta | CommandError {
  const found = services.library.index.findArticle(name);
  if (found) return found;
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
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
  if (req.results !== undefined) options.results = req.results;
  if (req.article !== undefined && req.article.trim() !== '') {
    const article = resolveArticle(services, req.article);
    if ('kind' in article) return article;
    options.file = article.file;
  }
  const embedder = services.embedder;
  if (embedder && !req.lexicalOnly && index.vectors?.model === embedder.model) {
    try {
      [options.queryVector] = await embedder.embed([req.question.trim()]);
    } catch (err) {
      services.log.warn('semantic stage failed; answering lexically', { error: (err as Error).message });
    }
  }
  const answer = answerQuestion(index, req.question, options);
  return {
    kind: 'answer',
    answer,
    articles: index.articles,
    ...(options.queryVector ? { queryVector: options.queryVector } : {}),
  };
}

/** /sources [article] */
export function sources(services: Services, article?: string): SourcesResult | CommandError {
  if (!services.library.ready) return notReady();
  const articles = services.library.index.articles;
  if (article !== undefined && article.trim() !== '') {
    const found = resolveArticle(services, article);
    if ('kind' in found) return found;
    return { kind: 'sources', articles, article: found };
  }
  return { kind: 'sources', articles };
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
export async function reindex(services: Services): Promise<ReindexResult> {
  const report = await services.library.reindex();
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
