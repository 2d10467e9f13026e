/**
 * The fetch itself, shared by pages and attachments: every hop's host checked and resolved once
 * (resolve.ts), the request sent only to the checked addresses (hop.ts), redirects followed and
 * checked the same way (redirects.ts), and the body read within the size limits (body.ts), all
 * under one deadline (deadline.ts).
 */
import type { IncomingMessage } from 'node:http';
import { readBody } from './body.js';
import { Deadline } from './deadline.js';
import { sizeOverLimit } from './format.js';
import { requestOnce } from './hop.js';
import { parseContentType, type MediaType } from './media.js';
import { REDIRECT_STATUSES, redirectTarget, statusText, tooManyRedirects } from './redirects.js';
import { checkedAddresses } from './resolve.js';
import { bareHost } from './url.js';
import { IngestError, type FetchOptions } from './types.js';

/** The deadline when FetchOptions gives none. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The most redirects when FetchOptions gives none. */
export const DEFAULT_MAX_REDIRECTS = 5;

/** A body read whole, or "not modified" (the validators matched). */
export type Transferred<T> =
  | {
      status: 'ok';
      url: URL;
      media: MediaType | undefined;
      /** What `accept` made of the content type. */
      accepted: T;
      body: Buffer;
      etag?: string;
      lastModified?: string;
    }
  | { status: 'not-modified'; url: URL };

/** What a transfer needs besides FetchOptions. */
export interface TransferPlan<T> {
  /** "the page" or "the file", as messages say it. */
  subject: string;
  /** Judges the final answer's content type before its body is read: throws to refuse. */
  accept: (media: MediaType | undefined, url: URL) => T;
}

/** A header's value when it is one usable string (visible ASCII and spaces only). */
function header(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one !== undefined && /^[\x20-\x7e]+$/u.test(one) && one.trim() !== '' ? one.trim() : undefined;
}

/** The validators to send (only well-formed ones: a header value never carries a line break). */
function validators(options: FetchOptions): Record<string, string> {
  const sent: Record<string, string> = {};
  const etag = header(options.etag);
  const lastModified = header(options.lastModified);
  if (etag !== undefined) sent['If-None-Match'] = etag;
  if (lastModified !== undefined) sent['If-Modified-Since'] = lastModified;
  return sent;
}

/** Refuses a body whose Content-Length already says it is too large. */
function checkLength(res: IncomingMessage, maxBytes: number, subject: string): void {
  const length = Number(header(res.headers['content-length']) ?? NaN);
  if (Number.isFinite(length) && length > maxBytes) {
    throw new IngestError('too_large', sizeOverLimit(`${subject} is`, length, maxBytes));
  }
}

/** One hop: check and resolve the host, then send the request. */
async function hop(url: URL, options: FetchOptions, extra: Record<string, string>, deadline: Deadline) {
  const addresses = await deadline.race(checkedAddresses(url.hostname, options.allowHosts, options.resolve));
  return requestOnce(url, addresses, extra, deadline.signal);
}

/**
 * Fetches `start` by the rules of FetchOptions and returns the final answer's body, or
 * "not modified" when validators were sent and the server answered 304. Every failure is an
 * IngestError.
 */
export async function transfer<T>(
  start: URL,
  options: FetchOptions,
  plan: TransferPlan<T>,
): Promise<Transferred<T>> {
  const { subject } = plan;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, subject);
  const extra = validators(options);
  let url = start;
  let res: IncomingMessage | undefined;
  try {
    for (let redirects = 0; ; redirects++) {
      res = await hop(url, options, extra, deadline);
      const status = res.statusCode ?? 0;
      if (!REDIRECT_STATUSES.has(status)) break;
      const next = redirectTarget(res, url);
      res.destroy();
      if (redirects >= maxRedirects) throw tooManyRedirects(maxRedirects);
      url = next;
    }
    const status = res.statusCode ?? 0;
    if (status === 304 && Object.keys(extra).length > 0) {
      res.destroy();
      return { status: 'not-modified', url };
    }
    if (status < 200 || status > 299) {
      throw new IngestError('http_status', `${subject} answered ${statusText(status)}`);
    }
    const media = parseContentType(header(res.headers['content-type']));
    const accepted = plan.accept(media, url);
    checkLength(res, options.maxBytes, subject);
    const body = await readBody(res, {
      maxBytes: options.maxBytes,
      signal: deadline.signal,
      subject,
      host: bareHost(url.hostname),
    });
    const got: Transferred<T> = { status: 'ok', url, media, accepted, body };
    const etag = header(res.headers.etag);
    const lastModified = header(res.headers['last-modified']);
    if (etag !== undefined) got.etag = etag;
    if (lastModified !== undefined) got.lastModified = lastModified;
    return got;
  } catch (err) {
    res?.destroy();
    throw deadline.failure(err);
  } finally {
    deadline.dispose();
  }
}
