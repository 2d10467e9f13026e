/**
 * Both transports behind one face, for the shared behaviour suite: (a) the gateway, the real discord.js
 * client logged in to the fake Discord, which dispatches INTERACTION_CREATE and receives the callback
 * through REST; (b) the HTTP transport (src/transports/http/app.ts, as `npm run start:http` builds it) on
 * 127.0.0.1, to which the fake Discord POSTs signed interactions and whose HTTP response it records as
 * the callback. Either way the first response is `fake.callbacks(id)[0]`, and edits and follow-ups are
 * the fake's webhook requests, so a case reads them the same way.
 */
import { Agent } from 'node:http';
import path from 'node:path';
import type { Services } from '../../src/commands/commands.js';
import { type Env, loadConfig } from '../../src/config.js';
import { Library } from '../../src/corpus/library.js';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import type { Runtime } from '../../src/interactions/runtime.js';
import { createLogger } from '../../src/log.js';
import type { Embedder } from '../../src/semantic/embedder.js';
import { createHttpApp } from '../../src/transports/http/app.js';
import {
  deliverHttp,
  FAKE_TOKEN,
  FakeDiscord,
  type FakeDiscordOptions,
  type Json,
  keyPair,
  type RecordedRequest,
} from '../harness/index.js';
import { ROOT, startBot } from '../discord/setup.js';
export { useModel } from '../models.js';

/** The transports under test. */
export const TRANSPORTS = ['gateway', 'http'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** One running transport with the real handler, the bundled corpus and the fake Discord. */
export interface TransportRun {
  readonly name: TransportName;
  readonly fake: FakeDiscord;
  readonly services: Services;
  readonly runtime: Runtime;
  readonly logs: string[];
  /**
   * Delivers an interaction the transport's way and resolves with its first response as the fake
   * recorded it (`body` is the raw interaction response, `status` the fake's verdict on it).
   */
  interact(payload: { id: string } & Json): Promise<RecordedRequest>;
  /** The first PATCH of the interaction's `@original` through the webhook routes, past or future. */
  waitForEdit(
    payload: { application_id: string; token: string },
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  /** The first follow-up (POST to the interaction's webhook), past or future. */
  waitForFollowUp(
    payload: { application_id: string; token: string },
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  stop(): Promise<void>;
}

interface StartOptions {
  server?: FakeDiscordOptions;
}

function webhookWaits(fake: FakeDiscord): Pick<TransportRun, 'waitForEdit' | 'waitForFollowUp'> {
  return {
    waitForEdit: (p, timeoutMs = 5000) =>
      fake.waitForRequest(
        (r) =>
          r.method === 'PATCH' && r.route === `/webhooks/${p.application_id}/${p.token}/messages/@original`,
        timeoutMs,
      ),
    waitForFollowUp: (p, timeoutMs = 5000) =>
      fake.waitForRequest(
        (r) => r.method === 'POST' && r.route === `/webhooks/${p.application_id}/${p.token}`,
        timeoutMs,
      ),
  };
}

async function startGateway(env: Env, opts: StartOptions): Promise<TransportRun> {
  const run = await startBot(env, opts.server ? { server: opts.server } : {});
  return {
    name: 'gateway',
    fake: run.server,
    services: run.services,
    runtime: run.bot.runtime,
    logs: run.logs,
    interact: (payload) => run.server.interact(payload, 5000),
    ...webhookWaits(run.server),
    stop: () => run.stop(),
  };
}

async function startHttp(env: Env, opts: StartOptions): Promise<TransportRun> {
  const fake = await FakeDiscord.start(opts.server);
  const config = loadConfig(
    {
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: fake.apiBase,
      CORPUS_DIR: path.join(ROOT, 'corpus'),
      ...env,
    },
    ROOT,
  );
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [FAKE_TOKEN], write: (l) => logs.push(l) });
  const library = new Library({ dir: config.corpusDir });
  await library.reindex();
  const services: Services = { library, log };
  const keys = keyPair();
  const app = createHttpApp({ config, log, publicKey: keys.publicHex, signer: new CustomIdSigner() });
  const runtime = app.attach(services);
  const { port } = await app.server.listen(0, '127.0.0.1');
  // Discord (and a proxy in front of citebot) keeps connections open.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  return {
    name: 'http',
    fake,
    services,
    runtime,
    logs,
    async interact(payload) {
      const reply = await deliverHttp(fake, { port, privateKey: keys.privateKey, agent }, payload);
      if (!reply.callback)
        throw new Error(`the endpoint answered ${reply.status}: ${JSON.stringify(reply.body)}`);
      return reply.callback;
    },
    ...webhookWaits(fake),
    async stop() {
      agent.destroy();
      await app.close(2000);
      await fake.close();
    },
  };
}

/** Starts one transport with the given settings (env as in .env). */
export function startTransport(
  name: TransportName,
  env: Env = {},
  opts: StartOptions = {},
): Promise<TransportRun> {
  return name === 'gateway' ? startGateway(env, opts) : startHttp(env, opts);
}

/** A model that takes `ms` per question and then fails (the answer falls back to the lexical ranking). */
export function slowModel(ms: number): Embedder & { calls: number } {
  const m = {
    model: 'slow-test-model',
    calls: 0,
    async embed(): Promise<Float32Array[]> {
      m.calls += 1;
      await new Promise<void>((r) => setTimeout(r, ms));
      throw new Error('slow model gave up');
    },
  };
  return m;
}
