/**
 * Configuration: read once from an environment object (process.env at the entry
 * points, a plain object in tests), validated, and passed in. Every problem names
 * the variable and what is expected; the token is never echoed.
 */
import path from 'node:path';
import { shardSettings } from './config-shards.js';
import type { ConfigVariable } from './config-variables.js';
import { LOG_LEVELS, type LogLevel } from './log-levels.js';

export interface Config {
  /** Discord bot token; absent = terminal mode. */
  token?: string;
  /** REST base URL for discord.js (`rest.api`), e.g. http://127.0.0.1:3000/api. */
  apiBase?: string;
  corpusDir: string;
  cacheDir: string;
  /** Where the store lives (DATA_DIR: votes, picks, the answers they are on). */
  dataDir: string;
  /**
   * The store on PostgreSQL instead of SQLite in `dataDir` (DATABASE_URL, a postgresql:// URL); a
   * secret: it holds the password.
   */
  databaseUrl?: string;
  /** Votes, picks and remembered answers older than this many days are deleted (FEEDBACK_RETENTION_DAYS). */
  feedbackRetentionDays: number;
  maxFileBytes: number;
  /**
   * Hosts `/corpus add url:` and attachments may fetch from although they resolve to a private,
   * loopback or link-local address (FETCH_ALLOW_HOSTS, comma-separated; lower case, no port).
   */
  fetchAllowHosts: string[];
  logLevel: LogLevel;
  logJson: boolean;
  moderatorRoleIds: string[];
  ownerIds: string[];
  /** Per-user question limit: `cooldownQuestions` per `cooldownSeconds`. */
  cooldownQuestions: number;
  cooldownSeconds: number;
  /** Per-user autocomplete limit per 10 seconds. */
  autocompletePer10s: number;
  /** Most questions worked on at once; beyond that users are told the bot is busy. */
  maxConcurrent: number;
  /** Most questions waiting for a slot. */
  maxQueue: number;
  /** The semantic stage (sentence vectors mixed into the ranking). */
  semantic: boolean;
  /** The sentence-embedding model's name (SEMANTIC_MODEL), checked against the known models at start. */
  semanticModel: string;
  /** Above this many passages the semantic stage is skipped (default: no limit, Infinity). */
  semanticMaxPassages: number;
  /** Pseudo-relevance feedback (query expansion from the top passages); off by default. */
  prf: boolean;
  /** Seconds between the bot's "memory" log lines (rss, heap, external, array buffers); 0 = none. */
  memoryLogSeconds: number;
  /**
   * How far V8 lets the old generation grow past the live heap before the next full collection, in
   * percent (V8's --heap-growing-percent); 0 = V8's own heuristics. See docs/performance.md, Memory.
   */
  heapGrowthPercent: number;
  /** The application's Ed25519 public key (DISCORD_PUBLIC_KEY, 64 hex characters), for HTTP interactions. */
  publicKey?: string;
  /** Where the HTTP interactions server listens (PORT, HOST). */
  port: number;
  host: string;
  /**
   * Where GET /metrics and GET /healthz are served on their own (METRICS_PORT, on HOST). Unset: in
   * HTTP mode both are on PORT; in gateway mode there is no metrics server.
   */
  metricsPort?: number;
  /** The key that signs button ids (BUTTON_SECRET); unset = derived from the token. */
  buttonSecret?: string;
  /** A previous BUTTON_SECRET still accepted on buttons while rotating (BUTTON_SECRET_PREVIOUS). */
  buttonSecretPrevious?: string;
  /**
   * How many gateway shards the bot has in all (SHARD_COUNT, for `npm run start:sharded`): a number, or
   * `auto` for the count GET /gateway/bot recommends.
   */
  shardCount: number | 'auto';
  /** The shards this machine runs (SHARD_LIST, e.g. `0,1`); undefined = every shard. */
  shardList?: number[];
  /**
   * Whether the gateway answers interactions (GATEWAY_INTERACTIONS, default on). Off when an HTTP
   * Interactions Endpoint serves them: the gateway then only answers plain DMs and mentions.
   */
  gatewayInteractions: boolean;
}

/**
 * The configuration values that must never be shown: masked in logs and redacted from everything the
 * bot sends to Discord. The bot token, the button secrets, DATABASE_URL and the password inside it.
 */
export function configSecrets(config: Config): string[] {
  return [
    config.token,
    config.buttonSecret,
    config.buttonSecretPrevious,
    config.databaseUrl,
    ...(config.databaseUrl === undefined ? [] : urlPasswords(config.databaseUrl)),
  ].filter((s): s is string => s !== undefined && s !== '');
}

/** The password of a URL as written and decoded (none when it has none). */
function urlPasswords(url: string): string[] {
  try {
    const { password } = new URL(url);
    if (password === '') return [];
    const decoded = decodeURIComponent(password);
    return decoded === password ? [password] : [password, decoded];
  } catch {
    return [];
  }
}

/** The shortest BUTTON_SECRET accepted. */
export const MIN_BUTTON_SECRET_CHARS = 32;

/** One or more configuration problems. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

const SNOWFLAKE_RE = /^\d{15,21}$/u;

export {
  CONFIG_VARIABLES,
  type ConfigVariable,
  closestVariable,
  configWarnings,
} from './config-variables.js';

/** Loads and validates the configuration from `env`. Relative folders resolve against `cwd`. */
export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: ConfigVariable) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: ConfigVariable, def: number, min: number, max: number): number => {
    const v = get(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(v)}`);
      return def;
    }
    return n;
  };
  const ids = (name: ConfigVariable): string[] => {
    const v = get(name);
    if (v === undefined) return [];
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = list.filter((s) => !SNOWFLAKE_RE.test(s));
    if (bad.length)
      problems.push(
        `${name} must be a comma-separated list of Discord ids (digits); bad: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      );
    return list.filter((s) => SNOWFLAKE_RE.test(s));
  };

  const token = get('DISCORD_TOKEN');
  if (token !== undefined && /^bot\s/iu.test(token)) {
    problems.push('DISCORD_TOKEN must be the token alone: remove the "Bot " in front of it');
  } else if (token !== undefined && (/\s/u.test(token) || token.length < 20)) {
    problems.push(
      'DISCORD_TOKEN must be the bot token from the developer portal (no spaces, at least 20 characters)',
    );
  }
  const apiBase = get('DISCORD_API_BASE');
  if (apiBase !== undefined) {
    let ok = false;
    try {
      const u = new URL(apiBase);
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok)
      problems.push(
        `DISCORD_API_BASE must be an http(s) URL such as https://discord.com/api; got ${JSON.stringify(apiBase)}`,
      );
  }
  const level = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(level as LogLevel)) {
    problems.push(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(get('LOG_LEVEL'))}`,
    );
  }
  const logFormat = (get('LOG_FORMAT') ?? 'text').toLowerCase();
  if (logFormat !== 'text' && logFormat !== 'json') {
    problems.push(`LOG_FORMAT must be text or json; got ${JSON.stringify(get('LOG_FORMAT'))}`);
  }

  const publicKey = get('DISCORD_PUBLIC_KEY');
  if (publicKey !== undefined && !/^[0-9a-f]{64}$/iu.test(publicKey)) {
    problems.push(
      `DISCORD_PUBLIC_KEY must be the application's public key from the developer portal (64 hex characters); got ${publicKey.length} characters`,
    );
  }
  const host = get('HOST') ?? '0.0.0.0';
  if (/\s|\//u.test(host))
    problems.push(`HOST must be an address or host name to listen on; got ${JSON.stringify(host)}`);
  const secret = (name: 'BUTTON_SECRET' | 'BUTTON_SECRET_PREVIOUS'): string | undefined => {
    const v = get(name);
    if (v !== undefined && v.length < MIN_BUTTON_SECRET_CHARS) {
      // The value itself is never echoed: it is a secret.
      problems.push(
        `${name} must be at least ${MIN_BUTTON_SECRET_CHARS} characters (random, e.g. openssl rand -hex 32); got ${v.length}`,
      );
      return undefined;
    }
    return v;
  };
  /** A comma-separated list of host names or literal addresses (IPv6 with or without brackets). */
  const hosts = (name: ConfigVariable): string[] => {
    const out: string[] = [];
    for (const part of (get(name) ?? '').split(',')) {
      const h = part
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/u, '$1');
      if (!h) continue;
      if (
        !/^[a-z0-9.:_-]{1,253}$/u.test(h) ||
        (/:\d+$/u.test(h) && !h.includes('::') && h.split(':').length === 2)
      ) {
        problems.push(
          `${name} must list host names without ports or paths, separated by commas; got ${JSON.stringify(part.trim())}`,
        );
        continue;
      }
      out.push(h);
    }
    return out;
  };
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let ok = false;
    try {
      const u = new URL(databaseUrl);
      ok = u.protocol === 'postgresql:' || u.protocol === 'postgres:';
    } catch {
      ok = false;
    }
    // The value is never echoed: it may hold a password.
    if (!ok)
      problems.push(
        'DATABASE_URL must be a PostgreSQL URL such as postgresql://citebot:PASSWORD@db.example:5432/citebot',
      );
  }
  const buttonSecret = secret('BUTTON_SECRET');
  const buttonSecretPrevious = secret('BUTTON_SECRET_PREVIOUS');

  const semantic = (get('SEMANTIC') ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(semantic))
    problems.push(`SEMANTIC must be on or off; got ${JSON.stringify(get('SEMANTIC'))}`);
  const gatewayInteractions = (get('GATEWAY_INTERACTIONS') ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(gatewayInteractions))
    problems.push(
      `GATEWAY_INTERACTIONS must be on or off; got ${JSON.stringify(get('GATEWAY_INTERACTIONS'))}`,
    );
  const shards = shardSettings(get, problems);
  const prf = (get('PRF') ?? 'off').toLowerCase();
  if (!['on', 'off'].includes(prf)) problems.push(`PRF must be on or off; got ${JSON.stringify(get('PRF'))}`);
  const config: Config = {
    prf: prf === 'on',
    semantic: semantic !== 'off',
    semanticModel: (get('SEMANTIC_MODEL') ?? 'use-lite').toLowerCase(),
    semanticMaxPassages: int('SEMANTIC_MAX_PASSAGES', Number.POSITIVE_INFINITY, 0, 10_000_000),
    corpusDir: path.resolve(cwd, get('CORPUS_DIR') ?? 'corpus'),
    cacheDir: path.resolve(cwd, get('CACHE_DIR') ?? '.cache'),
    dataDir: path.resolve(cwd, get('DATA_DIR') ?? '.data'),
    feedbackRetentionDays: int('FEEDBACK_RETENTION_DAYS', 180, 1, 36_500),
    maxFileBytes: int('MAX_FILE_BYTES', 5 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    fetchAllowHosts: hosts('FETCH_ALLOW_HOSTS'),
    logLevel: (LOG_LEVELS.includes(level as LogLevel) ? level : 'info') as LogLevel,
    logJson: logFormat === 'json',
    moderatorRoleIds: ids('MODERATOR_ROLE_IDS'),
    ownerIds: ids('OWNER_IDS'),
    cooldownQuestions: int('COOLDOWN_QUESTIONS', 5, 1, 1000),
    cooldownSeconds: int('COOLDOWN_SECONDS', 30, 1, 3600),
    autocompletePer10s: int('AUTOCOMPLETE_PER_10S', 40, 1, 1000),
    maxConcurrent: int('MAX_CONCURRENT', 8, 1, 256),
    maxQueue: int('MAX_QUEUE', 200, 0, 100_000),
    memoryLogSeconds: int('MEMORY_LOG_SECONDS', 0, 0, 86_400),
    heapGrowthPercent: int('HEAP_GROWTH_PERCENT', 30, 0, 300),
    port: int('PORT', 8080, 0, 65_535),
    host,
    shardCount: shards.shardCount,
    gatewayInteractions: gatewayInteractions !== 'off',
  };
  if (get('METRICS_PORT') !== undefined) config.metricsPort = int('METRICS_PORT', 0, 0, 65_535);
  if (shards.shardList) config.shardList = shards.shardList;
  if (publicKey !== undefined) config.publicKey = publicKey.toLowerCase();
  if (buttonSecret !== undefined) config.buttonSecret = buttonSecret;
  if (buttonSecretPrevious !== undefined) config.buttonSecretPrevious = buttonSecretPrevious;
  if (databaseUrl !== undefined) config.databaseUrl = databaseUrl;
  if (token !== undefined) config.token = token;
  if (apiBase !== undefined) config.apiBase = apiBase.replace(/\/+$/u, '');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
