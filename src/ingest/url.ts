/**
 * Which addresses citebot fetches at all: http and https URLs without a user name or password.
 * Every redirect's Location is checked here too.
 */
import { shown } from './format.js';
import { IngestError } from './types.js';

const GIVEN = {
  malformed: (s: string) => `that is not a web address: “${s}”`,
  scheme: (s: string) => `citebot fetches only http and https addresses, not “${s}”`,
  credentials: 'that address has a user name or password in it; citebot does not send those',
};
const REDIRECTED = {
  malformed: (s: string) => `the page redirected to something that is not a web address: “${s}”`,
  scheme: (s: string) => `the page redirected to a “${s}” address; citebot follows only http and https`,
  credentials:
    'the page redirected to an address with a user name or password in it; citebot does not send those',
};

/**
 * Parses an address a moderator gave (or a redirect's Location, relative to `base`) and refuses,
 * with code `bad_url`, anything that is not an http(s) URL or carries credentials. The fragment
 * (`#…`) is dropped: it is never sent.
 */
export function parseWebAddress(input: string, base?: URL): URL {
  const words = base ? REDIRECTED : GIVEN;
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    throw new IngestError('bad_url', words.malformed(shown(input)));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IngestError('bad_url', words.scheme(shown(url.protocol, 20)));
  }
  if (url.username !== '' || url.password !== '') throw new IngestError('bad_url', words.credentials);
  if (url.hostname === '') throw new IngestError('bad_url', words.malformed(shown(input)));
  url.hash = '';
  return url;
}

/** A host as connections and FETCH_ALLOW_HOSTS name it: no IPv6 brackets, lower case, no final dot. */
export function bareHost(hostname: string): string {
  return hostname
    .trim()
    .replace(/^\[(.*)\]$/u, '$1')
    .replace(/\.$/u, '')
    .toLowerCase();
}
