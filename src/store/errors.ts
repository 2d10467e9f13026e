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

/** "CODE: message", or the message alone when there is no code, or the code alone when no message. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const text = errorText(error);
  // Node's AggregateError of a refused connection to each address of a name has a code, no message.
  if (code !== undefined && text === '') return code;
  return code !== undefined && !text.startsWith(code) ? `${code}: ${text}` : text;
}
