/**
 * Where a hop may connect: a literal address is checked as it is; a host name is resolved once
 * and every address it gave is checked. One blocked address refuses the host (unless
 * FETCH_ALLOW_HOSTS names it), so a name cannot mix a public address with a private one and let
 * the connection pick.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { allowedWhenListed, classifyAddress } from './address.js';
import { shown } from './format.js';
import { bareHost } from './url.js';
import { IngestError, type HostResolver, type ResolvedAddress } from './types.js';

/** The system resolver, all addresses in the order the system gives them. */
export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** An allow-list entry or a URL host in one spelling: IPv6 compressed, names in punycode. */
export function normalizeHost(host: string): string {
  const bare = bareHost(host);
  if (bare === '' || isIP(bare) === 4) return bare;
  try {
    return bareHost(new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname);
  } catch {
    return bare;
  }
}

/** Whether FETCH_ALLOW_HOSTS names `host` (case-insensitive, ports never part of it). */
export function isAllowedHost(host: string, allowHosts: readonly string[]): boolean {
  const wanted = normalizeHost(host);
  return allowHosts.some((entry) => normalizeHost(entry) === wanted);
}

/**
 * The addresses a hop to `hostname` (a URL's hostname) may connect to, all checked; refuses with
 * `blocked_address` (the reason in words) or `dns` (the host was not found).
 */
export async function checkedAddresses(
  hostname: string,
  allowHosts: readonly string[],
  resolve: HostResolver = systemResolver,
): Promise<ResolvedAddress[]> {
  const host = bareHost(hostname);
  const allowed = isAllowedHost(host, allowHosts);
  const literal = isIP(host);
  let found: readonly ResolvedAddress[];
  if (literal !== 0) found = [{ address: host, family: literal }];
  else {
    try {
      found = await resolve(host);
    } catch (err) {
      throw new IngestError('dns', `citebot could not find the host ${shown(host)}`, { cause: err });
    }
    if (found.length === 0) throw new IngestError('dns', `citebot could not find the host ${shown(host)}`);
  }
  for (const { address } of found) {
    const verdict = classifyAddress(address);
    if (!verdict.blocked || (allowed && allowedWhenListed(verdict.kind))) continue;
    const where = literal !== 0 ? shown(host) : `${shown(host)} (${shown(address)})`;
    throw new IngestError('blocked_address', `citebot does not fetch from ${where}: ${verdict.reason}`);
  }
  return found.map(({ address, family }) => ({ address, family }));
}
