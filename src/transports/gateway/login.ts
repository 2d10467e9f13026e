/**
 * The one line a failed login (or command deployment) is told with.
 */

/** One line saying why login failed, without the token or a stack trace. */
export function describeLoginError(err: unknown, apiBase: string | undefined): string {
  const where = apiBase ?? 'https://discord.com/api';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.code === 'TokenInvalid') return `Discord rejected the token (check DISCORD_TOKEN).`;
  if (e?.code === 'DisallowedIntents') return 'Discord refused the requested intents.';
  const cause = e?.cause?.code ?? e?.code ?? '';
  const msg = (e?.message ?? String(err)).split('\n')[0];
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|UND_ERR/u.test(`${cause} ${msg}`) ||
    /fetch failed/u.test(msg ?? '')
  ) {
    return `cannot reach Discord at ${where} (${cause || msg}).`;
  }
  return `could not connect to Discord at ${where}: ${msg}`;
}
