/**
 * npm run start:http [-- --version | --help]: serves Discord's Interactions Endpoint URL over HTTP
 * (POST /interactions, GET /healthz) on HOST:PORT. Needs DISCORD_TOKEN (edits and follow-ups go through
 * REST) and DISCORD_PUBLIC_KEY (every request is verified with it). The server listens before the
 * corpus is loaded, so Discord's PING check passes at once; /healthz says 503 until the answers can
 * be given, and interactions meanwhile get a short "still indexing" reply. SIGINT/SIGTERM finish the
 * interactions in flight (up to 10 s), then exit 0.
 */
import { randomBytes } from 'node:crypto';
import { REST } from '@discordjs/rest';
import type { Services } from './commands/commands.js';
import { type Config, configSecrets } from './config.js';
import { Redactor } from './discord/redact.js';
import { applyHeapGrowth, fatal, packageVersion, startServices, startupConfig } from './entry.js';
import type { HandleInteraction } from './interactions/types.js';
import { type Logger, startMemoryLog } from './log.js';
import { parseCommandLine } from './terminal/args.js';
import type { WebhookCalls } from './transports/http/responder.js';
import { createInteractionServer } from './transports/http/server.js';
import { publicKeyFromHex } from './transports/http/verify.js';

const USAGE = `usage: npm run start:http [-- options]
  serves Discord's Interactions Endpoint URL: POST /interactions and GET /healthz on HOST:PORT
  (default 0.0.0.0:8080). Needs DISCORD_TOKEN and DISCORD_PUBLIC_KEY. Put it behind a TLS reverse
  proxy (docs/http-interactions.md).
  --version         print the version
  --help            this text`;

const parsed = parseCommandLine(process.argv.slice(2), {
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});
if (!parsed.ok) fatal(`${parsed.message}\n${USAGE}`, 2);
if (parsed.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (parsed.values.version) {
  process.stdout.write(`${packageVersion()}\n`);
  process.exit(0);
}
if (parsed.positionals.length) fatal(`unexpected argument '${parsed.positionals[0]}'\n${USAGE}`, 2);

/**
 * merge: `publicKey`, `port` and `host` are being added to `Config` (src/config.ts, validated there:
 * DISCORD_PUBLIC_KEY as 64 hex characters, PORT, HOST). Until then this accessor reads them where
 * they will be; once Config has them, replace `httpSettings(config)` with `config` itself.
 */
function httpSettings(config: Config): { publicKey?: string; port?: number; host?: string } {
  return config as Config & { publicKey?: string; port?: number; host?: string };
}

/** The transport-neutral handler and the webhook routes, as handler.ts and webhook.ts will export them. */
interface HandlerModules {
  createHandler: (deps: { config: Config; services: Services; rest: REST; log: Logger }) => HandleInteraction;
  webhookCalls: (rest: REST, applicationId: string, token: string) => WebhookCalls;
}

/**
 * merge: replace with static imports once they are on main:
 *   import { createHandler } from './interactions/handler.js';
 *   import { webhookCalls } from './interactions/webhook.js';
 * and pass createHandler the deps handler.ts declares (assumed here: config, services, rest, log).
 */
async function loadHandlerModules(): Promise<HandlerModules> {
  const handlerPath: string = './interactions/handler.js';
  const webhookPath: string = './interactions/webhook.js';
  try {
    const handler = (await import(handlerPath)) as Pick<HandlerModules, 'createHandler'>;
    const webhook = (await import(webhookPath)) as Pick<HandlerModules, 'webhookCalls'>;
    return { createHandler: handler.createHandler, webhookCalls: webhook.webhookCalls };
  } catch (err) {
    return fatal(`the interaction handler could not be loaded: ${(err as Error).message}`);
  }
}

const { config, log } = startupConfig();
const settings = httpSettings(config);
if (!config.token)
  fatal('DISCORD_TOKEN is not set: the HTTP mode needs it to edit replies and send follow-ups.');
if (!settings.publicKey) {
  fatal("DISCORD_PUBLIC_KEY is not set: copy the application's public key from the developer portal.");
}
let publicKey;
try {
  publicKey = publicKeyFromHex(settings.publicKey);
} catch (err) {
  fatal(`DISCORD_PUBLIC_KEY: ${(err as Error).message}`);
}
const token = config.token;
const port = settings.port ?? 8080;
const host = settings.host ?? '0.0.0.0';
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

const modules = await loadHandlerModules();
const rest = new REST({ version: '10', ...(config.apiBase ? { api: config.apiBase } : {}) }).setToken(token);
const redactor = new Redactor(configSecrets(config));
/** Filled in once the corpus is loaded. */
const live: { services?: Services; handler?: HandleInteraction } = {};

/** Until the corpus is loaded: a short ephemeral reply (the handler cannot answer yet). */
const starting: HandleInteraction = async (raw, responder) => {
  await responder.respond(
    raw.type === 4
      ? { type: 8, data: { choices: [] } }
      : {
          type: 4,
          data: {
            content: 'The articles are still being indexed. Try again in a moment.',
            flags: 64,
            allowed_mentions: { parse: [] },
          },
        },
  );
};

const server = createInteractionServer({
  handle: (raw, responder, meta) => (live.handler ?? starting)(raw, responder, meta),
  publicKey,
  webhook: (applicationId, interactionToken) => modules.webhookCalls(rest, applicationId, interactionToken),
  ready: () => ({ ready: live.handler !== undefined, version: packageVersion() }),
  log,
  redact: (value) => redactor.value(value),
});

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal, inflight: server.inflight });
  server
    .close(10_000)
    .then(() => live.services?.close?.())
    .then(() => {
      log.info('stopped');
      process.exit(0);
    })
    .catch((err: unknown) => {
      log.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

try {
  const address = await server.listen(port, host);
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(`citebot: Discord interactions at http://${shown}:${address.port}/interactions\n`);
} catch (err) {
  fatal(`could not listen on ${host}:${port}: ${(err as Error).message}`);
}

const services = await startServices(config, log);
live.services = services;
live.handler = modules.createHandler({ config, services, rest, log });
if (config.memoryLogSeconds > 0) startMemoryLog(log, config.memoryLogSeconds * 1000);
log.info('ready for interactions', { passages: services.library.index.passages.length });
