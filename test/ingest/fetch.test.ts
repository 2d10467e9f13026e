// Fetching a page safely (src/ingest/fetch.ts) against the local pages server (test/harness/pages.ts):
// addresses and redirects checked before connecting, the size limits while reading (a 50 MB body,
// compression bombs), the deadline (a drip, a stall), content types, statuses, validators, charsets.
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../src/ingest/deadline.js';
import { fetchText } from '../../src/ingest/fetch.js';
import type { FetchOptions } from '../../src/ingest/types.js';
import { ARTICLE_HTML, ETAG, LAST_MODIFIED, MARKDOWN_TEXT, PLAIN_TEXT } from '../harness/page-fixtures.js';
import { startPages, type Pages } from '../harness/pages.js';
import { TLS_CERT, TLS_KEY } from '../harness/tls-fixture.js';
import { refusal, tableResolver } from './helpers.js';

const KB = 1024;
const MB = 1024 * KB;
/** Small limits keep the hostile cases fast while proving the rule. */
const opts: FetchOptions = { maxBytes: 64 * KB, timeoutMs: 5000, allowHosts: ['127.0.0.1'] };

let pages: Pages;
beforeAll(async () => {
  pages = await startPages();
});
afterAll(() => pages.close());

const at = (path: string): string => `${pages.url}${path}`;

/** Waits until `check` holds (the server sees a client leave a moment after it left). */
async function eventually(check: () => boolean, ms = 1000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('fetchText: a good page', () => {
  it('fetches and decodes the article, saying who asks and what it takes', async () => {
    const got = await fetchText(at('/article'), opts);
    expect(got).toEqual({
      status: 'ok',
      url: at('/article'),
      kind: 'html',
      text: ARTICLE_HTML,
      charset: 'utf-8',
      bytes: Buffer.byteLength(ARTICLE_HTML),
    });
    const headers = pages.hitsFor('/article').at(-1)?.headers;
    expect(headers?.['user-agent']).toMatch(/^citebot\//u);
    expect(headers?.['accept-encoding']).toBe('gzip, deflate, br');
    for (const type of ['text/html', 'text/plain', 'text/markdown']) expect(headers?.accept).toContain(type);
  });

  it.each(['gz', 'br', 'deflate'])('unpacks a %s page', async (ext) => {
    const got = await fetchText(at(`/article.${ext}`), opts);
    expect(got).toMatchObject({ status: 'ok', text: ARTICLE_HTML, bytes: Buffer.byteLength(ARTICLE_HTML) });
  });

  it('takes plain text and Markdown (also Markdown served as plain text)', async () => {
    expect(await fetchText(at('/notes.txt'), opts)).toMatchObject({ kind: 'plain', text: PLAIN_TEXT });
    expect(await fetchText(at('/notes'), opts)).toMatchObject({ kind: 'markdown', text: MARKDOWN_TEXT });
    expect(await fetchText(at('/raw/notes.md'), opts)).toMatchObject({ kind: 'markdown' });
  });

  it('decodes windows-1252 by header and ISO-8859-1 by meta as windows-1252', async () => {
    for (const path of ['/cp1252', '/latin1-meta']) {
      const got = await fetchText(at(path), opts);
      expect(got).toMatchObject({ status: 'ok', charset: 'windows-1252' });
      expect(got.status === 'ok' && got.text).toContain('The “old” café by the river');
    }
  });
});

describe('fetchText: addresses', () => {
  it('refuses what is not an http(s) address, or has credentials', async () => {
    const cases: [string, string][] = [
      ['not a url', 'that is not a web address: “not a url”'],
      ['ftp://example.com/a.txt', 'citebot fetches only http and https addresses, not “ftp:”'],
      ['file:///etc/passwd', 'citebot fetches only http and https addresses, not “file:”'],
      ['javascript:alert(1)', 'citebot fetches only http and https addresses, not “javascript:”'],
      [
        'http://user:secret@example.com/',
        'that address has a user name or password in it; citebot does not send those',
      ],
    ];
    for (const [url, message] of cases) {
      const err = await refusal(fetchText(url, opts));
      expect([err.code, err.message]).toEqual(['bad_url', message]);
    }
  });

  it('refuses this machine and private networks before connecting, unless allowed', async () => {
    const before = pages.hits.length;
    const loopback = await refusal(fetchText(at('/article'), { ...opts, allowHosts: [] }));
    expect(loopback.code).toBe('blocked_address');
    expect(loopback.message).toBe(
      'citebot does not fetch from 127.0.0.1: that address is this machine (loopback)',
    );
    for (const host of ['[::1]', '[::ffff:7f00:1]', '[::ffff:127.0.0.1]', '[64:ff9b::7f00:1]', '0.0.0.0']) {
      const err = await refusal(fetchText(`http://${host}:${pages.port}/article`, opts));
      expect(err.code).toBe('blocked_address');
    }
    expect(pages.hits.length).toBe(before);
  });

  it('resolves a name once per hop and connects only to the checked address', async () => {
    const dns = tableResolver({ 'pages.test': ['127.0.0.1'] });
    const got = await fetchText(`http://pages.test:${pages.port}/redirect/3`, {
      ...opts,
      allowHosts: ['PAGES.test'],
      resolve: dns,
    });
    expect(got).toMatchObject({ status: 'ok', url: `http://pages.test:${pages.port}/article` });
    // Four hops (3, 2, 1, the article), one lookup each; the system resolver knows no pages.test.
    expect(dns.calls).toEqual(['pages.test', 'pages.test', 'pages.test', 'pages.test']);
    expect(pages.hitsFor('/redirect/1').at(-1)?.headers.host).toBe(`pages.test:${pages.port}`);
  });

  it('refuses a name when any address it gives is blocked, without connecting', async () => {
    const dns = tableResolver({ 'rebind.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '127.0.0.1'] });
    const before = pages.hits.length;
    for (const host of ['rebind.test', 'mixed.test']) {
      const err = await refusal(fetchText(`http://${host}:${pages.port}/article`, { ...opts, resolve: dns }));
      expect(err.code).toBe('blocked_address');
      expect(err.message).toBe(
        `citebot does not fetch from ${host} (127.0.0.1): that address is this machine (loopback)`,
      );
    }
    expect(pages.hits.length).toBe(before);
  });

  it('says when a host does not exist', async () => {
    const err = await refusal(fetchText('http://example.invalid/', opts));
    expect([err.code, err.message]).toEqual(['dns', 'citebot could not find the host example.invalid']);
  });

  it('says when the connection is refused or cut off', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const refused = await refusal(fetchText(`http://127.0.0.1:${port}/`, opts));
    expect([refused.code, refused.message]).toEqual(['connect', '127.0.0.1 refused the connection']);
    const reset = await refusal(fetchText(at('/reset'), opts));
    expect([reset.code, reset.message]).toEqual(['connect', 'the connection to 127.0.0.1 was cut off']);
  });
});

describe('fetchText: TLS', () => {
  it('names the host to the server and checks its certificate, connecting to the checked address', async () => {
    const names: string[] = [];
    const context = createSecureContext({ key: TLS_KEY, cert: TLS_CERT });
    const server = createTlsServer(
      {
        key: TLS_KEY,
        cert: TLS_CERT,
        SNICallback: (name, done) => {
          names.push(name);
          done(null, context);
        },
      },
      (_req, res) => res.end('never: the certificate is not trusted'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const dns = tableResolver({ 'pages.test': ['127.0.0.1'] });
      const options = { ...opts, allowHosts: ['pages.test'], resolve: dns };
      const err = await refusal(fetchText(`https://pages.test:${port}/article`, options));
      expect([err.code, err.message]).toEqual([
        'connect',
        'the secure connection to pages.test failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
      ]);
      expect(names).toEqual(['pages.test']);
      expect(dns.calls).toEqual(['pages.test']);
      // TLS to a server that speaks plain HTTP.
      const plain = await refusal(fetchText(`https://127.0.0.1:${pages.port}/article`, opts));
      expect([plain.code, plain.message]).toEqual([
        'connect',
        'the secure connection to 127.0.0.1 failed (EPROTO)',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('fetchText: redirects', () => {
  it('follows a chain of redirects, relative ones too', async () => {
    const got = await fetchText(at('/redirect/3'), { ...opts, maxRedirects: 3 });
    expect(got).toMatchObject({ status: 'ok', url: at('/article'), text: ARTICLE_HTML });
    const err = await refusal(fetchText(at('/redirect/3'), { ...opts, maxRedirects: 2 }));
    expect(err.code).toBe('too_many_redirects');
  });

  it('stops after maxRedirects (default 5)', async () => {
    const before = pages.hitsFor('/loop').length;
    const err = await refusal(fetchText(at('/loop'), opts));
    expect([err.code, err.message]).toEqual([
      'too_many_redirects',
      'the page redirected more than 5 times; citebot stops there',
    ]);
    expect(pages.hitsFor('/loop').length - before).toBe(6);
  });

  it('checks every redirect: loopback reached through an allowed name is refused', async () => {
    const before = pages.hitsFor('/article').length;
    const err = await refusal(
      fetchText(`http://localhost:${pages.port}/to-loopback`, { ...opts, allowHosts: ['localhost'] }),
    );
    expect([err.code, err.message]).toEqual([
      'blocked_address',
      'citebot does not fetch from 127.0.0.1: that address is this machine (loopback)',
    ]);
    expect(pages.hitsFor('/to-loopback').at(-1)?.headers.host).toBe(`localhost:${pages.port}`);
    expect(pages.hitsFor('/article').length).toBe(before);
  });

  it('refuses a redirect to a private address at once, before any connection', async () => {
    const started = Date.now();
    const err = await refusal(fetchText(at('/to-private'), opts));
    expect([err.code, err.message]).toEqual([
      'blocked_address',
      'citebot does not fetch from 10.0.0.1: that address is on a private network',
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a redirect elsewhere than http(s), and one that says nowhere', async () => {
    const ftp = await refusal(fetchText(at('/to-ftp'), opts));
    expect([ftp.code, ftp.message]).toEqual([
      'bad_url',
      'the page redirected to a “ftp:” address; citebot follows only http and https',
    ]);
    const nowhere = await refusal(fetchText(at('/to-nowhere'), opts));
    expect([nowhere.code, nowhere.message]).toEqual([
      'http_status',
      'the page answered 302 Found without saying where to go',
    ]);
  });
});

describe('fetchText: limits', () => {
  it('refuses a body announced above the limit without reading it', async () => {
    const err = await refusal(fetchText(at('/huge-announced'), opts));
    expect([err.code, err.message]).toEqual(['too_large', 'the page is 50 MB; the limit is 64 KB']);
    const hit = pages.hitsFor('/huge-announced').at(-1);
    await eventually(() => hit?.closedEarly === true);
    expect(hit?.sent).toBeLessThanOrEqual(16 * KB);
  });

  it('stops reading a body without a length as soon as it passes the limit', async () => {
    const err = await refusal(fetchText(at('/huge-streamed'), opts));
    expect([err.code, err.message]).toEqual(['too_large', 'the page is more than 64 KB; the limit is 64 KB']);
    const hit = pages.hitsFor('/huge-streamed').at(-1);
    await eventually(() => hit?.closedEarly === true);
    // What the socket buffers took before the client left; never the 50 MB.
    expect(hit?.sent).toBeLessThan(16 * MB);
  });

  it.each(['gzip', 'br'])('caps what a %s bomb unpacks to', async (kind) => {
    const err = await refusal(fetchText(at(`/bomb.${kind}`), opts));
    expect([err.code, err.message]).toEqual([
      'too_large',
      'the page unpacks to more than 64 KB; the limit is 64 KB',
    ]);
    expect(pages.hitsFor(`/bomb.${kind}`).at(-1)?.sent).toBeLessThan(64 * KB);
  });

  it('refuses damaged or unknown compression', async () => {
    const damaged = await refusal(fetchText(at('/damaged.gz'), opts));
    expect([damaged.code, damaged.message]).toEqual(['bad_file', "the page's packed (gzip) data is damaged"]);
    const unknown = await refusal(fetchText(at('/packed.compress'), opts));
    expect([unknown.code, unknown.message]).toEqual([
      'content_type',
      'that address sends its page packed as “compress”, which citebot cannot unpack',
    ]);
  });

  it.concurrent.each(['/drip', '/stall'])('fails %s at the deadline, not later', async (path) => {
    const started = Date.now();
    const err = await refusal(fetchText(at(path), { ...opts, timeoutMs: 400 }));
    const took = Date.now() - started;
    expect([err.code, err.message]).toEqual(['timeout', 'the page took longer than 400 ms to arrive']);
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(1000);
    const hit = pages.hitsFor(path).at(-1);
    await eventually(() => hit?.closedEarly === true);
  });

  it('says the default deadline in seconds', () => {
    vi.useFakeTimers();
    try {
      const deadline = new Deadline(10_000, 'the page');
      vi.advanceTimersByTime(10_000);
      expect((deadline.signal.reason as Error).message).toBe('the page took longer than 10 s to arrive');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('fetchText: answers', () => {
  it('refuses what is not a page, plain text or Markdown', async () => {
    const err = await refusal(fetchText(at('/paper.pdf'), opts));
    expect([err.code, err.message]).toEqual([
      'content_type',
      'that address serves application/pdf; citebot takes web pages (text/html), plain text and Markdown',
    ]);
  });

  it('is not fooled by types and encodings named like object properties', async () => {
    pages.route('/proto-type', { type: 'constructor', body: ARTICLE_HTML });
    pages.route('/proto-encoding', {
      type: 'text/html',
      headers: { 'Content-Encoding': '__proto__' },
      body: 'x',
    });
    expect((await refusal(fetchText(at('/proto-type'), opts))).code).toBe('content_type');
    expect((await refusal(fetchText(at('/proto-encoding'), opts))).code).toBe('content_type');
  });

  it('says the status of a page that is not there', async () => {
    const missing = await refusal(fetchText(at('/missing'), opts));
    expect([missing.code, missing.message]).toEqual(['http_status', 'the page answered 404 Not Found']);
    expect((await refusal(fetchText(at('/gone'), opts))).message).toBe('the page answered 410 Gone');
  });

  it('gives the validators, and "not modified" when they match', async () => {
    const fresh = await fetchText(at('/validated'), opts);
    expect(fresh).toMatchObject({ status: 'ok', etag: ETAG, lastModified: LAST_MODIFIED });
    expect(await fetchText(at('/validated'), { ...opts, etag: ETAG })).toEqual({
      status: 'not-modified',
      url: at('/validated'),
    });
    expect(pages.hitsFor('/validated').at(-1)?.headers['if-none-match']).toBe(ETAG);
    const byDate = await fetchText(at('/validated'), { ...opts, lastModified: LAST_MODIFIED });
    expect(byDate.status).toBe('not-modified');
    expect(pages.hitsFor('/validated').at(-1)?.headers['if-modified-since']).toBe(LAST_MODIFIED);
    const stale = await fetchText(at('/validated'), { ...opts, etag: '"v0"' });
    expect(stale).toMatchObject({ status: 'ok', etag: ETAG });
    // A validator that would break the request line is not sent.
    const odd = await fetchText(at('/validated'), { ...opts, etag: '"v1"\r\nX-Evil: 1' });
    expect(odd.status).toBe('ok');
    expect(pages.hitsFor('/validated').at(-1)?.headers['x-evil']).toBeUndefined();
  });

  it('refuses a charset it does not know and bytes that are not text', async () => {
    const charset = await refusal(fetchText(at('/klingon'), opts));
    expect(charset.code).toBe('charset');
    const binary = await refusal(fetchText(at('/binary'), opts));
    expect([binary.code, binary.message]).toEqual(['bad_file', 'that page is not text']);
  });
});
