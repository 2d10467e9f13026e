/**
 * The operations routes, shared by the interactions server and the metrics server: `GET /healthz`
 * (JSON; 200 when ready, 503 otherwise; HEAD for the status alone) and `GET /metrics` (Prometheus
 * text). Neither can fail a request: a health check that throws is 503, metrics that throw are 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log.js';

/** What `/healthz` reports: `ready` decides 200 or 503; the other fields are shown as they are. */
export interface HealthStatus {
  ready: boolean;
  [field: string]: unknown;
}

/** Whether citebot can answer (a bare boolean), or its whole status; sync or not. */
export type HealthCheck = () => boolean | HealthStatus | Promise<boolean | HealthStatus>;

/** The exposition text and its content type. */
export type MetricsText = () => Promise<{ contentType: string; text: string }>;

/** Writes a JSON body with its length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers `GET`/`HEAD /healthz`: `{ status, ...the check's fields }` (status `ok` or `starting` unless the check says). */
export async function serveHealth(
  req: IncomingMessage,
  res: ServerResponse,
  check: HealthCheck,
  log: Logger,
): Promise<void> {
  let status: HealthStatus;
  try {
    const r = await check();
    status = typeof r === 'boolean' ? { ready: r } : r;
  } catch (err) {
    log.warn('the health check failed', { error: err instanceof Error ? err.message : String(err) });
    status = { ready: false };
  }
  if (res.destroyed) return;
  const code = status.ready ? 200 : 503;
  if (req.method === 'HEAD') {
    res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  sendJson(
    res,
    code,
    { status: status.ready ? 'ok' : 'starting', ...status },
    { 'Cache-Control': 'no-store' },
  );
}

/** Answers `GET /metrics` with the exposition text. */
export async function serveMetrics(res: ServerResponse, metrics: MetricsText, log: Logger): Promise<void> {
  try {
    const { contentType, text } = await metrics();
    if (res.destroyed) return;
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  } catch (err) {
    log.warn('the metrics could not be collected', {
      error: err instanceof Error ? err.message : String(err),
    });
    if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: 'metrics unavailable' });
  }
}
