/**
 * Hearing the store's changes on PostgreSQL: one dedicated connection (not the pool's) doing
 * `LISTEN citebot_changes`, fed by the `pg_notify` the revision bumps send inside their
 * transactions (maintenance.ts), so a change is heard only once committed, by every process on the
 * database. A lost connection (the server restarted, the network broke) is reconnected by itself,
 * waiting 0.5 s, then twice as long each failure up to 10 s; once back, each kind is heard once,
 * since a change may have been missed meanwhile.
 */
import type * as PgModule from 'pg';
import type { ChangeKind, ChangeListener } from './corpus-types.js';
import { CHANGE_CHANNEL } from './maintenance.js';

/** The first wait before reconnecting, in ms; it doubles on each failure up to RECONNECT_MAX_MS. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

const KINDS: readonly ChangeKind[] = ['picks', 'corpus'];

/** How to make the dedicated connection. */
export interface ChangeFeedOptions {
  /** `pg` as loaded by postgres.ts. */
  pg: typeof PgModule;
  connectionString: string;
  connectTimeoutMs: number;
}

/**
 * The listening connection of one store, shared by its listeners: connected on the first
 * subscription, ended when the last one leaves or on close().
 */
export class ChangeFeed {
  readonly #options: ChangeFeedOptions;
  readonly #listeners = new Set<ChangeListener>();
  #client: PgModule.Client | undefined;
  /** The attempt under way, for a subscriber to wait on. */
  #connecting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #delay = RECONNECT_FIRST_MS;
  /** A connection was lost (or never made) since the last one that listened. */
  #missed = false;
  #closed = false;

  constructor(options: ChangeFeedOptions) {
    this.#options = options;
  }

  /** See ChangeWatch.watch (corpus-types.ts). */
  async watch(listener: ChangeListener): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('the store is closed');
    this.#listeners.add(listener);
    if (this.#client === undefined && this.#timer === undefined) this.#connecting = this.#connect();
    await this.#connecting;
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.#stop();
    };
  }

  /** Ends the connection for good (the store's close()). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#stop();
  }

  /** Connects and listens; on failure, tries again later (never throws). */
  async #connect(): Promise<void> {
    this.#timer = undefined;
    const { pg, connectionString, connectTimeoutMs } = this.#options;
    const client = new pg.Client({
      connectionString,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      application_name: 'citebot-listen',
    });
    this.#client = client;
    // A broken connection emits 'error' (unhandled, it would end the process), then 'end'.
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const kind = KINDS.find((k) => k === message.payload);
      if (kind !== undefined) this.#emit(kind);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANGE_CHANNEL}`);
    } catch {
      this.#lost(client);
      await client.end().catch(() => undefined);
      return;
    }
    if (this.#client !== client) return; // stopped (or lost) meanwhile
    this.#delay = RECONNECT_FIRST_MS;
    if (this.#missed) {
      this.#missed = false;
      for (const kind of KINDS) this.#emit(kind);
    }
  }

  /** `client` broke: forget it and schedule the next attempt (once per client). */
  #lost(client: PgModule.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#missed = true;
    client.removeAllListeners('notification');
    if (this.#closed || this.#listeners.size === 0) return;
    const wait = this.#delay;
    this.#delay = Math.min(this.#delay * 2, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => void this.#connect(), wait);
    this.#timer.unref();
  }

  async #stop(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    this.#missed = false;
    this.#delay = RECONNECT_FIRST_MS;
    if (client !== undefined) await client.end().catch(() => undefined);
  }

  #emit(kind: ChangeKind): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener({ kind });
      } catch {
        // A listener's failure is its own; the others still hear.
      }
    }
  }
}
