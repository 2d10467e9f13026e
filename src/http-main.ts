/**
 * npm run start:http [-- --version | --help]: serves Discord's Interactions Endpoint URL over HTTP
 * (POST /interactions, GET /healthz, GET /metrics) on HOST:PORT, or /healthz and /metrics on
 * HOST:METRICS_PORT as well when that is set. Needs DISCORD_TOKEN (edits and follow-ups go through
 * REST) and DISCORD_PUBLIC_KEY (every request is verified with it). The server listens before the
 * corpus is loaded, so Discord's PING check passes at once; /healthz says 503 until the answers can
 * be given, and interactions meanwhile get a short "still indexing" reply. SIGINT/SIGTERM finish the
 * interactions in flight (up to 10 s), then exit 0.
 */
import { randomBytes } from 'node:crypto';
import type { Services } from './commands/commands.js';
import { signerFromConfig } from './discord/custom-id.js';
import {
  applyHeapGrowth,
  entryCommandLine,
  fatal,
  packageVersion,
  startServices,
  startupConfig,
  stopOnSignals,
} from './entry.js';
import { startMemoryLog } from './log.js';
import { Metrics } from './ops/metrics.js';
import { createHttpApp } from './transports/http/app.js';
import { type OpsServer, startOpsServer } from './transports/http/ops-server.js';
import { publicKeyFromHex } from './transports/http/verify.js';

const USAGE = `usage: npm run start:http [-- options]
  serves Discord's Interactions Endpoint URL: POST /interactions, GET /healthz and GET /metrics on
  HOST:PORT (default 0.0.0.0:8080; /healthz and /metrics on METRICS_PORT too when set). Needs DISCORD_TOKEN and DISCORD_PUBLIC_KEY. Put it behind a TLS reverse
  proxy (docs/http-interactions.md).
  --version         print the version
  --help            this text`;

entryCommandLine(USAGE, {
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});

const { config, log } = startupConfig();
if (!config.token)
  fatal('DISCORD_TOKEN is not set: the HTTP mode needs it to edit replies and send follow-ups.');
if (!config.publicKey) {
  fatal("DISCORD_PUBLIC_KEY is not set: copy the application's public key from the developer portal.");
}
let publicKey;
try {
  publicKey = publicKeyFromHex(config.publicKey);
} catch (err) {
  fatal(`DISCORD_PUBLIC_KEY: ${(err as Error).message}`);
}
const { port, host, metricsPort } = config;
applyHeapGrowth(config, log);

// The last safety net: the server catches what a request can cause; anything else is a bug, and a clean
// restart by the supervisor beats running on in an unknown state.
const crash = (origin: string) => (err: unknown) => {
  log.error('unexpected error; exiting so the supervisor restarts citebot', {
    errorId: randomBytes(4).toString('hex'),
    origin,
    error: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  process.exit(1);
};
process.on('uncaughtException', crash('uncaughtException'));
process.on('unhandledRejection', crash('unhandledRejection'));

// Buttons are signed with BUTTON_SECRET or a key derived from the token: they survive restarts and
// verify on any instance.
const metrics = new Metrics();
const app = createHttpApp({
  config,
  log,
  metrics,
  publicKey,
  signer: signerFromConfig(config),
  version: packageVersion(),
});
/** Filled in once the corpus is loaded (and the metrics server, when METRICS_PORT is its own). */
const live: { services?: Services; ops?: OpsServer } = {};

const stopping = stopOnSignals(
  log,
  'shutting down',
  () =>
    app
      .close(10_000)
      .then(() => live.ops?.close())
      .then(() => live.services?.close?.()),
  () => ({ inflight: app.server.inflight }),
);

try {
  const address = await app.server.listen(port, host);
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(`citebot: Discord interactions at http://${shown}:${address.port}/interactions\n`);
} catch (err) {
  fatal(`could not listen on ${host}:${port}: ${(err as Error).message}`);
}
if (metricsPort !== undefined && metricsPort !== port) {
  try {
    live.ops = await startOpsServer(
      { health: () => app.health.report(), metrics: () => metrics.text(), log },
      metricsPort,
      host,
    );
    log.info('metrics and health', { port: live.ops.address.port });
  } catch (err) {
    fatal(`could not listen on ${host}:${metricsPort} (METRICS_PORT): ${(err as Error).message}`);
  }
}

const services = await startServices(config, log, { metrics });
live.services = services;
if (!stopping()) app.attach(services);
if (config.memoryLogSeconds > 0) startMemoryLog(log, config.memoryLogSeconds * 1000);
log.info('ready for interactions', { passages: services.library.index.passages.length });
