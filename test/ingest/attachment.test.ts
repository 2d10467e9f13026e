// Fetching a Discord attachment (src/ingest/fetch.ts fetchAttachment) from the local pages server:
// the name and the payload's size checked before fetching, the served type, the same address rules,
// the size limit while reading, and a charset Discord labels UTF-8 whatever the bytes are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAttachment } from '../../src/ingest/fetch.js';
import type { FetchOptions } from '../../src/ingest/types.js';
import { ETAG, LAST_MODIFIED } from '../harness/page-fixtures.js';
import { startPages, type Pages } from '../harness/pages.js';
import { refusal } from './helpers.js';

const KB = 1024;
const MB = 1024 * KB;
const opts: FetchOptions = { maxBytes: 64 * KB, timeoutMs: 5000, allowHosts: ['127.0.0.1'] };

let pages: Pages;
beforeAll(async () => {
  pages = await startPages();
});
afterAll(() => pages.close());

describe('fetchAttachment', () => {
  it('takes the kind from the extension', async () => {
    const text = 'Notes on rivers.\nThey flow downhill.\n';
    for (const [name, kind] of [
      ['notes.txt', 'plain'],
      ['notes.md', 'markdown'],
      ['notes.markdown', 'markdown'],
      ['page.html', 'html'],
      ['PAGE.HTM', 'html'],
    ] as const) {
      const url = pages.file(`/attachments/${name}`, text);
      const got = await fetchAttachment({ url, name, size: text.length }, opts);
      expect(got).toEqual({ url, kind, text, charset: 'utf-8', bytes: text.length });
    }
  });

  it('refuses another extension before fetching, naming the accepted ones', async () => {
    const url = pages.file('/attachments/paper.pdf', '%PDF', 'application/pdf');
    for (const name of ['paper.pdf', 'notes', 'notes.txt.exe']) {
      const err = await refusal(fetchAttachment({ url, name, size: 4 }, opts));
      expect(err.code).toBe('bad_file');
      expect(err.message).toBe(`citebot takes .txt, .md, .markdown, .html, .htm files; “${name}” is not one`);
    }
    expect(pages.hitsFor('/attachments/paper.pdf')).toHaveLength(0);
  });

  it('refuses a file the payload says is too large before fetching', async () => {
    const url = pages.file('/attachments/big.txt', 'small really');
    const err = await refusal(
      fetchAttachment({ url, name: 'big.txt', size: 12 * MB }, { ...opts, maxBytes: 5 * MB }),
    );
    expect([err.code, err.message]).toEqual(['too_large', 'the file is 12 MB; the limit is 5 MB']);
    expect(pages.hitsFor('/attachments/big.txt')).toHaveLength(0);
  });

  it('stops reading a file larger than its payload said', async () => {
    const url = pages.file('/attachments/liar.txt', 'x'.repeat(100 * KB));
    const err = await refusal(fetchAttachment({ url, name: 'liar.txt', size: 10 }, opts));
    expect([err.code, err.message]).toEqual(['too_large', 'the file is 100 KB; the limit is 64 KB']);
  });

  it('takes text/* and application/octet-stream, and refuses other served types', async () => {
    const octets = pages.file('/attachments/raw.md', '# Raw\n', 'application/octet-stream');
    expect(await fetchAttachment({ url: octets, name: 'raw.md', size: 6 }, opts)).toMatchObject({
      kind: 'markdown',
      text: '# Raw\n',
    });
    const image = pages.file('/attachments/photo.txt', 'GIF89a', 'image/gif');
    const err = await refusal(fetchAttachment({ url: image, name: 'photo.txt', size: 6 }, opts));
    expect([err.code, err.message]).toEqual([
      'content_type',
      'that file is served as image/gif; citebot takes text files (.txt, .md, .markdown, .html, .htm)',
    ]);
  });

  it('decodes windows-1252 bytes that Discord labelled UTF-8', async () => {
    const bytes = Uint8Array.from([
      ...Buffer.from('The '),
      0x93,
      ...Buffer.from('old'),
      0x94,
      ...Buffer.from(' caf'),
      0xe9,
    ]);
    const url = pages.file('/attachments/old.txt', bytes);
    const got = await fetchAttachment(
      { url, name: 'old.txt', size: bytes.length, contentType: 'text/plain; charset=utf-8' },
      opts,
    );
    expect(got).toMatchObject({ text: 'The “old” café', charset: 'windows-1252' });
  });

  it('follows the address rules of pages', async () => {
    const url = pages.file('/attachments/local.txt', 'hello');
    const err = await refusal(
      fetchAttachment({ url, name: 'local.txt', size: 5 }, { ...opts, allowHosts: [] }),
    );
    expect(err.code).toBe('blocked_address');
    expect(pages.hitsFor('/attachments/local.txt')).toHaveLength(0);
    const ftp = await refusal(
      fetchAttachment({ url: 'ftp://cdn.example/a.txt', name: 'a.txt', size: 5 }, opts),
    );
    expect(ftp.code).toBe('bad_url');
  });

  it('refuses a file that is not text, and says a missing one is missing', async () => {
    const url = pages.file('/attachments/zip.txt', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
    const err = await refusal(fetchAttachment({ url, name: 'zip.txt', size: 8 }, opts));
    expect([err.code, err.message]).toEqual(['bad_file', 'that file is not text']);
    const gone = await refusal(
      fetchAttachment({ url: `${pages.url}/nothing.txt`, name: 'x.txt', size: 1 }, opts),
    );
    expect([gone.code, gone.message]).toEqual(['http_status', 'the file answered 404 Not Found']);
  });

  it('never sends validators for an attachment', async () => {
    const url = pages.file('/attachments/v.txt', 'v');
    await fetchAttachment(
      { url, name: 'v.txt', size: 1 },
      { ...opts, etag: ETAG, lastModified: LAST_MODIFIED },
    );
    const headers = pages.hitsFor('/attachments/v.txt').at(-1)?.headers;
    expect(headers?.['if-none-match']).toBeUndefined();
    expect(headers?.['if-modified-since']).toBeUndefined();
  });
});
