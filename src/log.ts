/**
 * A small levelled logger writing one line per event to stderr (stdout stays
 * free for answers and JSON). Secrets given to it are masked in every line.
 */
import { LOG_LEVELS, type LogLevel } from './log-levels.js';

export { LOG_LEVELS, type LogLevel } from './log-levels.js';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Strings never to print (the bot token). */
  secrets?: string[];
  /** Where lines go (default: process.stderr). */
  write?: (line: string) => void;
  /** JSON lines instead of human-readable lines. */
  json?: boolean;
}

function mask(line: string, secrets: string[]): string {
  let out = line;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

function fieldText(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'string' ? JSON.stringify(v) : v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`,
    )
    .join(' ');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const secrets = (options.secrets ?? []).filter(Boolean);
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const time = new Date().toISOString();
    const line = options.json
      ? JSON.stringify({ time, level, msg, ...fields }, (_k, v) =>
          v instanceof Error ? { message: v.message, stack: v.stack } : v,
        )
      : `${time} ${level.toUpperCase().padEnd(5)} ${msg}${fields && Object.keys(fields).length ? ` ${fieldText(fields)}` : ''}`;
    write(mask(line, secrets));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that drops everything (tests that don't look at logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A process's memory in MB (one decimal), as `process.memoryUsage()` reports it. */
export interface MemoryFields {
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  arrayBuffersMB: number;
}

const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;

/** The process's memory now, in MB. */
export function memoryFields(usage: NodeJS.MemoryUsage = process.memoryUsage()): MemoryFields {
  return {
    rssMB: mb(usage.rss),
    heapUsedMB: mb(usage.heapUsed),
    heapTotalMB: mb(usage.heapTotal),
    externalMB: mb(usage.external),
    arrayBuffersMB: mb(usage.arrayBuffers),
  };
}

/**
 * Logs a "memory" line (info) every `everyMs` until the returned function is called. The timer does not
 * keep the process alive.
 */
export function startMemoryLog(
  log: Logger,
  everyMs: number,
  usage: () => NodeJS.MemoryUsage = () => process.memoryUsage(),
): () => void {
  if (!(everyMs > 0)) throw new Error(`everyMs must be positive; got ${everyMs}`);
  const timer = setInterval(() => log.info('memory', { ...memoryFields(usage()) }), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
