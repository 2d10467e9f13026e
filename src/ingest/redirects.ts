/** Which answers are redirects, and where they go (checked like the first address). */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { parseWebAddress } from './url.js';
import { IngestError } from './types.js';

/** The statuses citebot follows. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** "404 Not Found": the status and its standard name (never the server's own words). */
export function statusText(status: number): string {
  const name = STATUS_CODES[status];
  return name === undefined ? String(status) : `${status} ${name}`;
}

/**
 * Where a redirect answer sends the fetch: its Location resolved against `current` and checked by
 * parseWebAddress. Without a Location it is an `http_status` failure.
 */
export function redirectTarget(res: IncomingMessage, current: URL): URL {
  const location = res.headers.location;
  if (location === undefined || location.trim() === '') {
    throw new IngestError(
      'http_status',
      `the page answered ${statusText(res.statusCode ?? 0)} without saying where to go`,
    );
  }
  return parseWebAddress(location, current);
}

/** The `too_many_redirects` failure after `max` redirects. */
export function tooManyRedirects(max: number): IngestError {
  return new IngestError(
    'too_many_redirects',
    `the page redirected more than ${max} ${max === 1 ? 'time' : 'times'}; citebot stops there`,
  );
}
