/**
 * The small server of METRICS_PORT: `GET /healthz` and `GET /metrics` only (ops-routes.ts), for a
 * scraper or a supervisor on the private network, apart from Discord's endpoint (HTTP mode) or where
 * there is no HTTP endpoint at all (the gateway).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.js';
import { type HealthCheck, type MetricsText, sendJson, serveHealth, serveMetrics } from './ops-routes.js';

/** What the metrics server serves. */
export interface OpsServerOptions {
  health: HealthCheck;
  metrics: MetricsText;
  log: Logger;
}

/** A listening metrics server. */
export interface OpsServer {
  readonly server: Server;
  readonly address: AddressInfo;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

const ROUTES: Record<string, readonly string[]> = { '/healthz': ['GET', 'HEAD'], '/metrics': ['GET'] };

/** Starts the metrics server on `port` (0: any free one) and `host`. */
export async function startOpsServer(
  options: OpsServerOptions,
  port: number,
  host?: string,
): Promise<OpsServer> {
  const { log } = options;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    res.on('error', (err) => log.debug('metrics response error', { error: err.message }));
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const methods = ROUTES[path];
    if (!methods) return sendJson(res, 404, { error: 'not found' });
    if (!methods.includes(req.method ?? '')) {
      return sendJson(res, 405, { error: 'method not allowed' }, { Allow: methods.join(', ') });
    }
    // A request body (none is expected) is read and dropped.
    req.resume();
    if (path === '/healthz') return void serveHealth(req, res, options.health, log);
    return void serveMetrics(res, options.metrics, log);
  };
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 15_000 }, onRequest);
  server.setTimeout(60_000);
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error('metrics server error', { error: err.message }));
  return {
    server,
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
