/**
 * Failures as the one-line parenthesis of an operator's message: "(SQLITE_FULL: database or
 * disk is full)", "(EACCES)".
 */

/** The error's code, if it has one (Node's `EACCES`, SQLite's `SQLITE_NOTADB`). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** The first line of the error's message. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? '';
}

/** "CODE: message", or the message alone when there is no code. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const text = errorText(error);
  return code !== undefined && !text.startsWith(code) ? `${code}: ${text}` : text;
}
