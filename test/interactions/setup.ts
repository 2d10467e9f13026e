/**
 * The handler over the real corpus and index, called directly with raw payloads: no gateway, no HTTP.
 */
import path from 'node:path';
import type { APIInteraction } from 'discord-api-types/v10';
import type { Services } from '../../src/commands/commands.js';
import { type Env, loadConfig } from '../../src/config.js';
import { Library, type ReindexReport } from '../../src/corpus/library.js';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { createHandler } from '../../src/interactions/handler.js';
import { type AnswerStoreLike, createRuntime, type Runtime } from '../../src/interactions/runtime.js';
import type { HandleInteraction } from '../../src/interactions/types.js';
import { createLogger, type LogLevel } from '../../src/log.js';
import type { Metrics } from '../../src/ops/metrics.js';
import type { FleetStore } from '../../src/store/fleet-types.js';
import { FAKE_TOKEN } from '../harness/index.js';
import { RecordingResponder } from './recorder.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Handling {
  rt: Runtime;
  handle: HandleInteraction;
  services: Services;
  logs: string[];
  /** Hands one payload to the handler and waits until it is done with it. */
  send(raw: APIInteraction, responder?: RecordingResponder, receivedAt?: number): Promise<RecordingResponder>;
}

/** A handler with the given settings (env as in .env), over the bundled corpus. */
export async function makeHandler(
  env: Env = {},
  opts: {
    store?: AnswerStoreLike;
    metrics?: Metrics;
    json?: boolean;
    level?: LogLevel;
    /** A store shared with other handlers (several instances), and the signer they share. */
    fleet?: FleetStore;
    signer?: CustomIdSigner;
    /** How long an answer waits at most for the shared store's cooldown count. */
    storeBudgetMs?: number;
  } = {},
): Promise<Handling> {
  const config = loadConfig(
    { DISCORD_TOKEN: FAKE_TOKEN, CORPUS_DIR: path.join(ROOT, 'corpus'), ...env },
    ROOT,
  );
  const logs: string[] = [];
  const log = createLogger({
    level: opts.level ?? 'debug',
    secrets: [FAKE_TOKEN],
    write: (l) => logs.push(l),
    json: opts.json ?? false,
  });
  const library = new Library({
    dir: config.corpusDir,
    ...(opts.metrics ? { onReindex: (r: ReindexReport) => opts.metrics?.reindexed(r) } : {}),
  });
  opts.metrics?.watch({ library });
  await library.reindex();
  const services: Services = { library, log };
  const { store, metrics, fleet } = opts;
  const rt = createRuntime({
    config,
    services,
    signer: opts.signer ?? new CustomIdSigner(),
    ...(store ? { store } : {}),
    ...(metrics ? { metrics } : {}),
    ...(fleet ? { fleet } : {}),
    ...(opts.storeBudgetMs !== undefined ? { storeBudgetMs: opts.storeBudgetMs } : {}),
  });
  const handle = createHandler(rt);
  return {
    rt,
    handle,
    services,
    logs,
    async send(raw, responder = new RecordingResponder(raw.id), receivedAt = Date.now()) {
      await handle(raw, responder, { receivedAt, transport: 'http' });
      return responder;
    },
  };
}

/** The description of a body's first embed. */
export function described(body: unknown): string {
  const b = body as { data?: { embeds?: { description?: string }[] }; embeds?: { description?: string }[] };
  return b?.data?.embeds?.[0]?.description ?? b?.embeds?.[0]?.description ?? '';
}

/** A button's custom_id by its label, in a message body or an interaction response. */
export function buttonId(body: unknown, label: string): string {
  const b = body as { data?: { components?: unknown }; components?: unknown };
  const rows = (b?.data?.components ?? b?.components ?? []) as {
    components: { label?: string; custom_id?: string }[];
  }[];
  const found = rows.flatMap((r) => r.components).find((c) => c.label === label);
  if (!found?.custom_id) throw new Error(`no button "${label}"`);
  return found.custom_id;
}

/** The labels of a body's buttons. */
export function labels(body: unknown): string[] {
  const b = body as { data?: { components?: unknown }; components?: unknown };
  const rows = (b?.data?.components ?? b?.components ?? []) as { components: { label?: string }[] }[];
  return rows.flatMap((r) => r.components).map((c) => c.label ?? '');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
