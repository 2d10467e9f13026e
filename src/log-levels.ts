/**
 * The log levels, shared by the logger and the configuration (which validates LOG_LEVEL without
 * importing the logger).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Every level, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
