/**
 * Content types: reading a Content-Type header, and which types citebot takes for a page and for
 * an attachment. An attachment's kind comes from its file name's extension.
 */
import { shown } from './format.js';
import { IngestError, type TextKind } from './types.js';

/** A parsed Content-Type: the type in lower case and its charset parameter, if any. */
export interface MediaType {
  type: string;
  charset?: string;
}

/** Reads a Content-Type header ("text/html; charset=UTF-8"); undefined when absent or empty. */
export function parseContentType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [first = '', ...params] = header.split(';');
  const type = first.trim().toLowerCase();
  if (type === '') return undefined;
  const media: MediaType = { type };
  for (const param of params) {
    const m = /^\s*charset\s*=\s*(?:"([^"]*)"|([^\s;]*))/iu.exec(param);
    const value = (m?.[1] ?? m?.[2] ?? '').trim();
    if (m && value !== '') {
      media.charset = value;
      break;
    }
  }
  return media;
}

const PAGE_KINDS: ReadonlyMap<string, TextKind> = new Map([
  ['text/html', 'html'],
  ['application/xhtml+xml', 'html'],
  ['text/plain', 'plain'],
  ['text/markdown', 'markdown'],
  ['text/x-markdown', 'markdown'],
]);

const MARKDOWN_PATH = /\.(?:md|markdown)$/iu;

/**
 * The kind of a fetched page from its content type; a `text/plain` page whose address ends in
 * `.md` or `.markdown` is Markdown (raw file hosts serve Markdown as plain text). Without a
 * content type the address's extension decides, else HTML. Anything else: `content_type`.
 */
export function pageKind(media: MediaType | undefined, url: URL): TextKind {
  if (media === undefined) {
    if (MARKDOWN_PATH.test(url.pathname)) return 'markdown';
    return /\.txt$/iu.test(url.pathname) ? 'plain' : 'html';
  }
  const kind = PAGE_KINDS.get(media.type);
  if (kind === undefined) {
    throw new IngestError(
      'content_type',
      `that address serves ${shown(media.type, 60)}; citebot takes web pages (text/html), plain text and Markdown`,
    );
  }
  return kind === 'plain' && MARKDOWN_PATH.test(url.pathname) ? 'markdown' : kind;
}

/** The extensions an attachment may have, and their kinds. */
export const ATTACHMENT_KINDS: ReadonlyMap<string, TextKind> = new Map([
  ['.txt', 'plain'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.html', 'html'],
  ['.htm', 'html'],
]);
const ACCEPTED = [...ATTACHMENT_KINDS.keys()].join(', ');

/** An attachment's kind from its name's extension; any other name: `bad_file`. */
export function attachmentKind(name: string): TextKind {
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot).toLowerCase();
  const kind = ATTACHMENT_KINDS.get(ext);
  if (kind === undefined) {
    throw new IngestError('bad_file', `citebot takes ${ACCEPTED} files; “${shown(name, 60)}” is not one`);
  }
  return kind;
}

/** An attachment must be served as text/* or application/octet-stream (or untyped). */
export function checkAttachmentType(media: MediaType | undefined): void {
  if (media === undefined || media.type.startsWith('text/') || media.type === 'application/octet-stream')
    return;
  throw new IngestError(
    'content_type',
    `that file is served as ${shown(media.type, 60)}; citebot takes text files (${ACCEPTED})`,
  );
}
