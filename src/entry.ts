/**
 * Start-up helpers for the entry points (the only code that reads process.env).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { config as loadDotenv } from 'dotenv';
import type { ServiceOptions } from './app.js';
import type { Services } from './commands/commands.js';
import { type Config, ConfigError, configSecrets, configWarnings, loadConfig } from './config.js';
import { createLogger, LOG_LEVELS, type Logger } from './log.js';
import type { Store } from './store/corpus-types.js';
import { StoreError } from './store/types.js';
import { type Options, type ParsedArgs, parseCommandLine } from './terminal/args.js';

export interface StartupOptions {
  /**
   * Show only warnings and errors unless LOG_LEVEL is set in the environment (or .env): for
   * terminal use without --verbose. A function decides once the configuration is known.
   */
  quiet?: boolean | ((config: Config) => boolean);
}

/** Reads .env (never overriding the real environment) and validates the configuration; exits 1 on a bad variable. */
export function startupConfig(options: StartupOptions = {}): { config: Config; log: Logger } {
  const dotenv = loadDotenv({ quiet: true });
  try {
    const config = loadConfig(process.env);
    const quiet = typeof options.quiet === 'function' ? options.quiet(config) : options.quiet;
    if (
      quiet &&
      !process.env.LOG_LEVEL?.trim() &&
      LOG_LEVELS.indexOf(config.logLevel) < LOG_LEVELS.indexOf('warn')
    ) {
      config.logLevel = 'warn';
    }
    const log = createLogger({
      level: config.logLevel,
      json: config.logJson,
      secrets: configSecrets(config),
    });
    for (const warning of configWarnings(process.env, Object.keys(dotenv.parsed ?? {}))) log.warn(warning);
    return { config, log };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`citebot: ${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Caps how far V8 grows the old generation past the live heap before a full collection
 * (HEAP_GROWTH_PERCENT; 0 leaves V8's own heuristics). On a host with plenty of memory V8 lets it grow
 * to up to 4 times the live heap, so a long-running bot's RSS wanders far above what it uses. V8 reads
 * this flag each time it sets the next limit, so setting it at start-up takes effect.
 */
export function applyHeapGrowth(config: Config, log: Logger): void {
  if (config.heapGrowthPercent <= 0) return;
  setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);
  log.debug('V8 heap growth capped', { percent: config.heapGrowthPercent });
}

/**
 * Opens the store (PostgreSQL at DATABASE_URL, else SQLite in DATA_DIR); one that can't be opened
 * ends the process with one line.
 */
export async function openDataStore(config: Config): Promise<Store> {
  // Loaded here, not at the top: an entry that never opens the store (deploy-commands, --help)
  // starts without the store's and the services' modules.
  const { openStore } = await import('./store/open.js');
  try {
    const where = config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl };
    return await openStore({ dataDir: config.dataDir, ...where });
  } catch (err) {
    if (err instanceof StoreError) fatal(err.message);
    throw err;
  }
}

/**
 * Opens the store (unless `options.store` says otherwise), loads the corpus and builds the
 * services; a store or a corpus folder that can't be used ends the process with one line.
 */
export async function startServices(
  config: Config,
  log: Logger,
  options: ServiceOptions = {},
): Promise<Services> {
  const store = options.store === undefined ? await openDataStore(config) : options.store;
  const { createServices, StartupError } = await import('./app.js');
  try {
    return await createServices(config, log, { ...options, store });
  } catch (err) {
    if (err instanceof StartupError) fatal(err.message);
    throw err;
  }
}

/**
 * An entry point's command line, with `--help` and `--version` among `options`: `--help` prints
 * `usage` and `--version` the version (both exit 0); a mistake, or an argument where `positionals`
 * is false, exits 2 with one line and the usage.
 */
export function entryCommandLine<O extends Options>(
  usage: string,
  options: O,
  positionals = false,
): { values: ParsedArgs<O>['values']; positionals: string[] } {
  const parsed = parseCommandLine(process.argv.slice(2), options);
  if (!parsed.ok) fatal(`${parsed.message}\n${usage}`, 2);
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    process.exit(0);
  }
  if (!positionals && parsed.positionals.length) {
    fatal(`unexpected argument '${parsed.positionals[0]}'\n${usage}`, 2);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** The version in package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

/**
 * On the first SIGINT or SIGTERM: logs `what` with the signal (and `fields()`), runs `stop`, then exits
 * 0 ("stopped"), or 1 when stopping failed. Returns whether a stop has begun.
 */
export function stopOnSignals(
  log: Logger,
  what: string,
  stop: () => Promise<unknown>,
  fields: () => Record<string, unknown> = () => ({}),
): () => boolean {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(what, { signal, ...fields() });
    stop()
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
  return () => stopping;
}

/** Prints a one-line fatal error and exits non-zero. */
export function fatal(message: string, code = 1): never {
  process.stderr.write(`citebot: ${message}\n`);
  process.exit(code);
}
