/**
 * An article from what a moderator gave (a link, or an attachment Discord serves): fetched safely
 * (ingest/fetch.ts), turned into Markdown or plain text (ingest/document.ts), given a file name in
 * the store's part of the index, and previewed as the index would split it.
 */
import { STORE_PREFIX } from '../corpus/store-sources.js';
import type { FetchOptions } from '../ingest/types.js';
import { IngestError } from '../ingest/types.js';
import { contentHash, previewArticle, type SplitPreview } from './preview.js';
import type { ArticleInput } from './types.js';

/** Longest slug part of a Discord article's file name. */
const SLUG_CHARS = 60;

/** An article ready to be proposed: its text as indexed, where it came from, and its preview. */
export interface Drafted {
  status: 'ok';
  /** The file name it is stored and indexed as (storeFileName). */
  file: string;
  title: string;
  /** The text as stored and indexed (front matter with the page's url first, for a link). */
  text: string;
  contentHash: string;
  extension: '.md' | '.txt';
  sourceUrl?: string;
  attachmentName?: string;
  etag?: string;
  lastModified?: string;
  split: SplitPreview;
}

/** A link whose page answered 304 to the validators sent. */
export interface NotModified {
  status: 'not-modified';
}

/** The file name a Discord article gets: `discord/<slug of the title>-<6 hex of its hash>.md`. */
export function storeFileName(title: string, hash: string, extension: string): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/gu, '-')
      .replace(/^-+|-+$/gu, '')
      .slice(0, SLUG_CHARS)
      .replace(/-+$/u, '') || 'article';
  return `${STORE_PREFIX}${slug}-${hash.slice(0, 6)}${extension}`;
}

/** Front matter naming the page an article came from (its answers link to it). */
function frontMatter(url: string): string {
  return `---\nurl: ${JSON.stringify(url)}\n---\n`;
}

/**
 * Fetches and prepares an article. `validators` (an update of a link) may make it `not-modified`.
 * Throws IngestError with a message the moderator can act on.
 */
export async function draftArticle(
  input: ArticleInput,
  options: FetchOptions,
  validators: { etag?: string; lastModified?: string } = {},
): Promise<Drafted | NotModified> {
  // Loaded on first use: the HTML extractor and its DOM cost every start a good part of a second.
  const [{ fetchAttachment, fetchText }, { toDraft }] = await Promise.all([
    import('../ingest/fetch.js'),
    import('../ingest/document.js'),
  ]);
  let fetched;
  if (input.kind === 'url') {
    const r = await fetchText(input.url, { ...options, ...validators });
    if (r.status === 'not-modified') return { status: 'not-modified' };
    fetched = r;
  } else {
    fetched = await fetchAttachment(
      {
        url: input.url,
        name: input.name,
        size: input.size,
        ...(input.contentType ? { contentType: input.contentType } : {}),
      },
      options,
    );
  }
  const draft = toDraft(fetched, input.kind === 'file' ? input.name : undefined);
  const sourceUrl = input.kind === 'url' ? fetched.url : undefined;
  const text = sourceUrl ? `${frontMatter(sourceUrl)}${draft.text}` : draft.text;
  const hash = contentHash(text);
  const file = storeFileName(draft.title, hash, draft.extension);
  const split = previewArticle(file, text, sourceUrl ?? (input.kind === 'file' ? input.name : input.url));
  if (split.preview.passages === 0) {
    throw new IngestError('no_text', 'that text has no passages citebot can quote');
  }
  return {
    status: 'ok',
    file,
    title: split.preview.title,
    text,
    contentHash: hash,
    extension: draft.extension,
    ...(sourceUrl ? { sourceUrl } : {}),
    ...(input.kind === 'file' ? { attachmentName: input.name } : {}),
    ...(fetched.etag ? { etag: fetched.etag } : {}),
    ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}),
    split,
  };
}
