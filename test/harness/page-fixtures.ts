/**
 * The pages every pages server (pages.ts) serves: a good article, redirects (a chain, to loopback,
 * to a private address, endless), hostile bodies (50 MB announced or streamed, compression bombs,
 * a slow drip, a stall, a reset), a PDF, charsets (windows-1252 by header, ISO-8859-1 by meta),
 * a page without article text, ETag/Last-Modified validators, plain text and Markdown.
 */
import type { ServerResponse } from 'node:http';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { send, type PageHit, type Pages } from './pages.js';

/** Words that appear only inside the article page's script, style, iframe and other removed parts. */
export const HIDDEN_WORDS = [
  'SCRIPTWORD',
  'STYLEWORD',
  'NOSCRIPTWORD',
  'IFRAMEWORD',
  'FORMWORD',
  'TEMPLATEWORD',
  'SVGWORD',
  'HIDDENWORD',
  'ARIAWORD',
] as const;

const PARAGRAPH =
  'Rivers carve valleys slowly, grain by grain, as water carries sand and stones downhill and grinds the bed beneath it.';

/** The article page: a title, sections, lists, a quote, code, a table, and everything to remove. */
export const ARTICLE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>How Rivers Carve Valleys</title>
<style>body { color: red } .STYLEWORD { }</style>
<script>var SCRIPTWORD = "<p>not a paragraph</p>";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article>
<h1>How Rivers Carve Valleys</h1>
<p>${PARAGRAPH} Over   thousands
  of years the <a href="/valley">valley</a> deepens. <img src="x.png" alt="a photo"></p>
<h2>Erosion</h2>
<p>${PARAGRAPH.replace('Rivers', 'Streams')}</p>
<script>document.write("SCRIPTWORD")</script>
<noscript>NOSCRIPTWORD</noscript>
<iframe src="https://ads.example/">IFRAMEWORD</iframe>
<h3>What the water carries</h3>
<ul><li>Sand and silt</li><li>Pebbles <b>and</b> stones<ul><li>Boulders in floods</li></ul></li></ul>
<ol><li>First the rain falls</li><li>Then the stream runs</li></ol>
<blockquote><p>The river is patient.</p></blockquote>
<pre>flow = area * speed
  depth += 1</pre>
<table><tr><th>River</th><th>Length</th></tr><tr><td>Nile</td><td>6650 km</td></tr></table>
<form action="/subscribe"><p>FORMWORD subscribe to our letter</p><input name="email"></form>
<template><p>TEMPLATEWORD</p></template>
<svg><text>SVGWORD</text></svg>
<canvas>CANVASWORD</canvas>
<p hidden>HIDDENWORD in a hidden paragraph</p>
<div aria-hidden="true">ARIAWORD in an aria-hidden block</div>
<p>${PARAGRAPH.replace('Rivers', 'Glaciers')}</p>
</article>
<footer>Copyright</footer>
</body></html>`;

/**
 * An article page for the charset pages, written with the characters 0x93, 0x94 and 0xE9 (“, ”
 * and é in windows-1252), to be encoded as `latin1` (one byte each).
 */
function charsetPage(meta: string): string {
  const p = `The \x93old\x94 caf\xe9 by the river served tea to walkers every morning, and its owner told stories of floods and droughts and the years the water came up to the door.`;
  return `<!DOCTYPE html><html><head>${meta}<title>The Caf\xe9</title></head><body><article><h1>The Caf\xe9</h1><p>${p}</p><p>${p}</p></article></body></html>`;
}
/** The windows-1252 page's body bytes (0x93, 0x94 and 0xE9 for “, ” and é). */
export const CP1252_BYTES = Buffer.from(charsetPage(''), 'latin1');

export const ETAG = '"v1-rivers"';
export const LAST_MODIFIED = 'Wed, 21 Oct 2025 07:28:00 GMT';
export const PLAIN_TEXT = 'River notes\n\nThe river rose in the night.\r\nBy morning the ford was gone.\n';
export const MARKDOWN_TEXT = '# River notes\n\nThe river rose in the night.\n';

const MB = 1024 * 1024;
let bombs: { gzip: Buffer; br: Buffer } | undefined;
/** 16 MB of spaces, compressed to a few KB (made once, on first use). */
function bomb(kind: 'gzip' | 'br'): Buffer {
  const zeros = Buffer.alloc(16 * MB, ' ');
  bombs ??= {
    gzip: gzipSync(zeros, { level: 9 }),
    br: brotliCompressSync(zeros, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }),
  };
  return bombs[kind];
}

/** Streams up to `total` bytes, as fast as the client reads, until it goes away. */
function stream(res: ServerResponse, hit: PageHit, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const more = (): void => {
    while (hit.sent < total && !res.destroyed)
      if (!send(res, hit, chunk)) return void res.once('drain', more);
    res.end();
  };
  more();
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { Location: location, 'Content-Length': 0 });
  res.end();
}

/** Adds every fixture route to `pages`. */
export function addFixturePages(pages: Pages): void {
  const html = 'text/html; charset=utf-8';
  pages.route('/article', { type: html, body: ARTICLE_HTML });
  pages.route('/article.gz', {
    type: html,
    headers: { 'Content-Encoding': 'gzip' },
    body: gzipSync(ARTICLE_HTML),
  });
  pages.route('/article.br', {
    type: html,
    headers: { 'Content-Encoding': 'br' },
    body: brotliCompressSync(ARTICLE_HTML),
  });
  pages.route('/article.deflate', {
    type: html,
    headers: { 'Content-Encoding': 'deflate' },
    body: deflateSync(ARTICLE_HTML),
  });
  pages.route('/damaged.gz', {
    type: html,
    headers: { 'Content-Encoding': 'gzip' },
    body: 'this is not gzip at all',
  });
  pages.route('/packed.compress', { type: html, headers: { 'Content-Encoding': 'compress' }, body: 'x' });
  // Redirects: a chain of three (absolute, absolute, relative), to loopback, to a private address.
  pages.route('/redirect/3', (req, res) => redirect(res, 301, `http://${req.headers.host}/redirect/2`));
  pages.route('/redirect/2', (req, res) => redirect(res, 307, `http://${req.headers.host}/redirect/1`));
  pages.route('/redirect/1', (_req, res) => redirect(res, 302, '../article'));
  pages.route('/to-loopback', (_req, res) => redirect(res, 302, `http://127.0.0.1:${pages.port}/article`));
  pages.route('/to-private', (_req, res) => redirect(res, 303, 'http://10.0.0.1/article'));
  pages.route('/to-ftp', (_req, res) => redirect(res, 302, 'ftp://example.com/file.txt'));
  pages.route('/to-nowhere', (_req, res) => {
    res.writeHead(302, { 'Content-Length': 0 });
    res.end();
  });
  pages.route('/loop', (req, res) => {
    const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? 0);
    redirect(res, 308, `/loop?n=${n + 1}`);
  });
  // Too large: 50 MB announced (a little is sent, then it waits), 50 MB streamed without a length.
  pages.route('/huge-announced', (_req, res, hit) => {
    res.writeHead(200, { 'Content-Type': html, 'Content-Length': 50 * MB });
    send(res, hit, Buffer.alloc(16 * 1024, 'a'));
  });
  pages.route('/huge-streamed', (_req, res, hit) => {
    res.writeHead(200, { 'Content-Type': html });
    stream(res, hit, 50 * MB);
  });
  for (const kind of ['gzip', 'br'] as const) {
    pages.route(`/bomb.${kind}`, (_req, res, hit) => {
      const body = bomb(kind);
      res.writeHead(200, { 'Content-Type': html, 'Content-Encoding': kind, 'Content-Length': body.length });
      send(res, hit, body);
      res.end();
    });
  }
  // Slow: a byte every 100 ms, never finishing; or no answer at all; or a connection cut mid-body.
  pages.route('/drip', (_req, res, hit) => {
    res.writeHead(200, { 'Content-Type': html });
    send(res, hit, '<p>');
    const timer = setInterval(() => send(res, hit, 'a'), 100);
    res.on('close', () => clearInterval(timer));
  });
  pages.route('/stall', () => undefined);
  pages.route('/reset', (_req, res, hit) => {
    res.writeHead(200, { 'Content-Type': html, 'Content-Length': 10_000 });
    send(res, hit, '<p>the start of a page');
    setTimeout(() => res.destroy(), 20);
  });
  pages.route('/paper.pdf', { type: 'application/pdf', body: '%PDF-1.4 not really' });
  pages.route('/cp1252', { type: 'text/html; charset=windows-1252', body: CP1252_BYTES });
  pages.route('/latin1-meta', {
    type: 'text/html',
    body: Buffer.from(
      charsetPage('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'),
      'latin1',
    ),
  });
  pages.route('/klingon', { type: 'text/html; charset=x-klingon', body: '<p>nuqneH</p>' });
  pages.route('/no-article', {
    type: html,
    body: '<html><head><title>Menu</title></head><body><nav><a href="/">Home</a></nav><p>Hi.</p></body></html>',
  });
  pages.route('/binary', {
    type: 'text/plain',
    body: Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 1, 2, 0, 0, 9]),
  });
  pages.route('/validated', (req, res, hit) => {
    const fresh = req.headers['if-none-match'] === ETAG || req.headers['if-modified-since'] === LAST_MODIFIED;
    if (fresh) {
      res.writeHead(304, { ETag: ETAG, 'Last-Modified': LAST_MODIFIED });
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': html, ETag: ETAG, 'Last-Modified': LAST_MODIFIED });
    send(res, hit, ARTICLE_HTML);
    res.end();
  });
  pages.route('/notes.txt', { type: 'text/plain; charset=utf-8', body: PLAIN_TEXT });
  pages.route('/raw/notes.md', { type: 'text/plain; charset=utf-8', body: MARKDOWN_TEXT });
  pages.route('/notes', { type: 'text/markdown', body: MARKDOWN_TEXT });
  pages.route('/gone', { status: 410, type: 'text/plain', body: 'gone' });
}
