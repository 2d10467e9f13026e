/**
 * Start-up helpers for the entry points (the only code that reads process.env).
 */
import { config as loadDotenv } from 'dotenv';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createLogger, type Logger } from './log.js';

/** Reads .env (never overriding the real environment) and validates the configuration; exits 1 on a bad variable. */
export function startupConfig(): { config: Config; log: Logger } {
  loadDotenv({ quiet: true });
  try {
    const config = loadConfig(process.env);
    const secrets = config.token ? [config.token] : [];
    const log = createLogger({ level: config.logLevel, json: config.logJson, secrets });
    return { config, log };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`citebot: ${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Prints a one-line fatal error and exits non-zero. */
export function fatal(message: string, code = 1): never {
  process.stderr.write(`citebot: ${message}\n`);
  process.exit(code);
}
