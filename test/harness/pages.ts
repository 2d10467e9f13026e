/**
 * A local web server for fetching tests: on 127.0.0.1, a free port, serving the fixture pages of
 * page-fixtures.ts (a good article, redirect chains, hostile bodies, charsets, validators) and any
 * route a test adds — attachments for the fake Discord included (`file`). Every request is recorded
 * in `hits`, with the bytes the server wrote and whether the client left before the end, so a test
 * can tell that a refused body was not read whole, or that nothing connected at all.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addFixturePages } from './page-fixtures.js';

/** One request the server saw. */
export interface PageHit {
  path: string;
  headers: IncomingHttpHeaders;
  /** Body bytes the server wrote so far (handlers write through `send`). */
  sent: number;
  /** The client closed the connection before the answer ended. */
  closedEarly: boolean;
}

/** A fixed answer. */
export interface PageRoute {
  status?: number;
  /** The Content-Type header; none when undefined. */
  type?: string;
  headers?: Record<string, string | number>;
  body: string | Uint8Array;
}

/** A handler for hostile cases: write through `send` so the hit counts the bytes. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse, hit: PageHit, pages: Pages) => void;

export interface Pages {
  /** "http://127.0.0.1:<port>" (no final slash). */
  url: string;
  port: number;
  hits: PageHit[];
  /** The hits of one path. */
  hitsFor(path: string): PageHit[];
  /** Adds (or replaces) the answer for a path (query strings are ignored). */
  route(path: string, answer: PageRoute | PageHandler): void;
  /** Serves `body` at `path` with a content type and returns its full URL (an attachment). */
  file(path: string, body: string | Uint8Array, type?: string): string;
  close(): Promise<void>;
}

/** Writes a body chunk and counts it in the hit; false when the socket wants a pause (drain). */
export function send(res: ServerResponse, hit: PageHit, chunk: string | Uint8Array): boolean {
  hit.sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  return res.write(chunk);
}

function answer(route: PageRoute, res: ServerResponse, hit: PageHit): void {
  const headers: Record<string, string | number> = { ...route.headers };
  if (route.type !== undefined) headers['Content-Type'] = route.type;
  const body = typeof route.body === 'string' ? Buffer.from(route.body) : route.body;
  headers['Content-Length'] ??= body.byteLength;
  res.writeHead(route.status ?? 200, headers);
  send(res, hit, body);
  res.end();
}

/** Starts the server with the fixture pages; `close` ends every connection, hanging ones too. */
export async function startPages(): Promise<Pages> {
  const routes = new Map<string, PageRoute | PageHandler>();
  const hits: PageHit[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const hit: PageHit = { path, headers: req.headers, sent: 0, closedEarly: false };
    hits.push(hit);
    res.on('close', () => {
      if (!res.writableFinished) hit.closedEarly = true;
    });
    const route = routes.get(path);
    if (route === undefined) answer({ status: 404, type: 'text/plain', body: 'not found' }, res, hit);
    else if (typeof route === 'function') route(req, res, hit, pages);
    else answer(route, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const pages: Pages = {
    url,
    port,
    hits,
    hitsFor: (path) => hits.filter((h) => h.path === path),
    route: (path, route) => void routes.set(path, route),
    file(path, body, type = 'text/plain; charset=utf-8') {
      routes.set(path, { type, body });
      return `${url}${path}`;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  addFixturePages(pages);
  return pages;
}
