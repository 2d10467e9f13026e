/**
 * The contract of ingesting an article from outside: fetching a page or an attachment safely
 * (fetch.ts), decoding its text (charset.ts), and turning HTML, Markdown or plain text into the
 * article text citebot indexes (document.ts, extract.ts). Nothing here knows Discord or the store.
 */

/** The kinds of text citebot accepts. */
export type TextKind = 'html' | 'markdown' | 'plain';

/** How to fetch. Every limit is enforced while reading, not after. */
export interface FetchOptions {
  /** Largest body read, in bytes, before and after decompression (MAX_FILE_BYTES). */
  maxBytes: number;
  /** Connect plus read, in all, in ms (default 10,000). */
  timeoutMs?: number;
  /** Most redirects followed (default 5), each checked like the first address. */
  maxRedirects?: number;
  /**
   * Host names (or literal addresses) that may resolve to private, loopback or link-local
   * addresses (FETCH_ALLOW_HOSTS); compared case-insensitively, without the port.
   */
  allowHosts: readonly string[];
  /** Sent as If-None-Match / If-Modified-Since (an update re-fetching a page). */
  etag?: string;
  lastModified?: string;
  /**
   * Resolves a host name to all its addresses (default: `dns.promises.lookup(host, { all: true,
   * verbatim: true })`). Called once per hop; the connection goes only to the addresses it gave,
   * after every one of them was checked. Tests give their own to stand for any DNS answer.
   */
  resolve?: HostResolver;
}

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Resolves a host name to all its addresses (FetchOptions.resolve). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** A page or attachment fetched and decoded. */
export interface FetchedText {
  /** The address finally read (after redirects). */
  url: string;
  kind: TextKind;
  /** The decoded text. */
  text: string;
  /** The charset it was decoded from ("utf-8", "windows-1252", …). */
  charset: string;
  /** Bytes read (after decompression). */
  bytes: number;
  etag?: string;
  lastModified?: string;
}

/** The result of a fetch: the text, or (when validators were sent) "not modified". */
export type FetchResult = ({ status: 'ok' } & FetchedText) | { status: 'not-modified'; url: string };

/** Why a fetch or a document failed. */
export type IngestCode =
  | 'bad_url'
  | 'blocked_address'
  | 'dns'
  | 'connect'
  | 'timeout'
  | 'http_status'
  | 'too_many_redirects'
  | 'too_large'
  | 'content_type'
  | 'charset'
  | 'no_text'
  | 'bad_file';

/**
 * A fetch or a document that failed, with a message a moderator can act on ("the page is 12 MB;
 * the limit is 5 MB", "that address is on a private network").
 */
export class IngestError extends Error {
  override name = 'IngestError';
  constructor(
    readonly code: IngestCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An article ready to store and index: its title and its text (Markdown keeps the headings). */
export interface ArticleDraft {
  title: string;
  /** Markdown (`# Title`, `## Section`, paragraphs, lists) or plain text. */
  text: string;
  /** `.md` or `.txt`: how the index splits it. */
  extension: '.md' | '.txt';
}
