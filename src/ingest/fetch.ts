/**
 * Fetching an article from outside, safely: a web page a moderator named (`fetchText`) or a file
 * they attached (`fetchAttachment`). Both refuse non-http(s) addresses and private, loopback,
 * link-local, multicast and reserved addresses (unless FETCH_ALLOW_HOSTS names the host), at every
 * redirect; both stop at the size limit and the deadline; both decode the text (charset.ts).
 */
import { decodeText } from './charset.js';
import { sizeOverLimit } from './format.js';
import { attachmentKind, checkAttachmentType, pageKind, parseContentType, type MediaType } from './media.js';
import { transfer } from './transfer.js';
import { parseWebAddress } from './url.js';
import { IngestError, type FetchedText, type FetchOptions, type FetchResult } from './types.js';

/** An attachment as Discord's payload describes it. */
export interface AttachmentRef {
  url: string;
  /** The file name; its extension decides the kind (.txt, .md, .markdown, .html, .htm). */
  name: string;
  /** Bytes, from the payload: checked before anything is fetched. */
  size: number;
  contentType?: string;
}

/**
 * Fetches a web page (HTML, plain text or Markdown) and decodes it. With `options.etag` or
 * `options.lastModified` the page may answer "not modified". Fails with an IngestError whose
 * message a moderator can act on.
 */
export async function fetchText(url: string, options: FetchOptions): Promise<FetchResult> {
  const start = parseWebAddress(url);
  const got = await transfer(start, options, { subject: 'the page', accept: pageKind });
  if (got.status === 'not-modified') return { status: 'not-modified', url: got.url.href };
  const kind = got.accepted;
  const decoded = decodeText(got.body, { kind, declared: got.media?.charset, subject: 'the page' });
  const result: FetchResult = {
    status: 'ok',
    url: got.url.href,
    kind,
    text: decoded.text,
    charset: decoded.charset,
    bytes: got.body.length,
  };
  if (got.etag !== undefined) result.etag = got.etag;
  if (got.lastModified !== undefined) result.lastModified = got.lastModified;
  return result;
}

/**
 * Fetches and decodes a Discord attachment. Its name must end in an accepted extension and its
 * payload size be within `maxBytes`, both checked before fetching; its address follows the same
 * rules as a page's; it must be served as text/* or application/octet-stream.
 */
export async function fetchAttachment(
  attachment: AttachmentRef,
  options: FetchOptions,
): Promise<FetchedText> {
  const kind = attachmentKind(attachment.name);
  if (!Number.isFinite(attachment.size) || attachment.size < 0) {
    throw new IngestError('bad_file', 'Discord did not say how large that file is');
  }
  if (attachment.size > options.maxBytes) {
    throw new IngestError('too_large', sizeOverLimit('the file is', attachment.size, options.maxBytes));
  }
  const start = parseWebAddress(attachment.url);
  const payloadType = parseContentType(attachment.contentType);
  const { etag: _etag, lastModified: _lastModified, ...plain } = options;
  const got = await transfer(start, plain, {
    subject: 'the file',
    accept: (media): MediaType | undefined => {
      checkAttachmentType(media ?? payloadType);
      return media ?? payloadType;
    },
  });
  if (got.status === 'not-modified')
    throw new IngestError('http_status', 'the file answered 304 Not Modified');
  const decoded = decodeText(got.body, {
    kind,
    declared: got.accepted?.charset ?? payloadType?.charset,
    weakDeclared: true,
    subject: 'the file',
  });
  return {
    url: got.url.href,
    kind,
    text: decoded.text,
    charset: decoded.charset,
    bytes: got.body.length,
  };
}
