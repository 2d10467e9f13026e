/**
 * One request of a fetch: a GET to a URL whose addresses were already checked. The connection's
 * `lookup` answers with those addresses only, so nothing is resolved a second time (no DNS
 * rebinding between the check and the connection); TLS still names and verifies the host itself.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { shown } from './format.js';
import { bareHost } from './url.js';
import { IngestError, type ResolvedAddress } from './types.js';

/** The headers of every request (validators are added per fetch). */
export const REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'User-Agent': 'citebot/0.1 (a Discord bot that quotes articles; fetching one a moderator added)',
  Accept: 'text/html, application/xhtml+xml, text/markdown, text/x-markdown;q=0.9, text/plain;q=0.8',
  'Accept-Encoding': 'gzip, deflate, br',
};

/** A `lookup` for net.connect that gives the checked addresses and never asks DNS. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const usable = addresses.filter((a) => family === 0 || a.family === family);
    const first = usable[0];
    if (first === undefined) {
      const err: NodeJS.ErrnoException = new Error('no checked address of that family');
      err.code = 'ENOTFOUND';
      callback(err, '');
    } else if (options.all === true)
      callback(
        null,
        usable.map((a) => ({ ...a })),
      );
    else callback(null, first.address, first.family);
  };
}

const CUT_OFF = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT']);

/** A connection's failure in a moderator's words (code `connect`). */
export function connectError(err: unknown, host: string): IngestError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const name = shown(host);
  let message = `citebot could not connect to ${name}${code ? ` (${shown(code, 40)})` : ''}`;
  if (code === 'ECONNREFUSED') message = `${name} refused the connection`;
  else if (CUT_OFF.has(code)) message = `the connection to ${name} was cut off`;
  else if (UNREACHABLE.has(code)) message = `citebot could not reach ${name}`;
  else if (code === 'EPROTO' || /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/u.test(code)) {
    message = `the secure connection to ${name} failed (${shown(code, 40)})`;
  } else if (code.startsWith('HPE_')) message = `${name} answered something that is not HTTP`;
  return new IngestError('connect', message, { cause: err });
}

/**
 * Sends a GET to `url`, connecting only to `addresses`, and resolves with the response once its
 * headers arrived. Fails with `connect`, or with the deadline's error when `signal` aborts.
 */
export function requestOnce(
  url: URL,
  addresses: readonly ResolvedAddress[],
  extraHeaders: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const host = bareHost(url.hostname);
  const headers: OutgoingHttpHeaders = { ...REQUEST_HEADERS, ...extraHeaders, Host: url.host };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (err: unknown): void => {
      reject(signal.aborted ? (signal.reason as Error) : connectError(err, host));
    };
    try {
      const req = send(
        {
          protocol: url.protocol,
          host,
          port: url.port === '' ? undefined : Number(url.port),
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers,
          agent: false,
          lookup: pinnedLookup(addresses),
          signal,
        },
        resolve,
      );
      req.on('error', fail);
      req.end();
    } catch (err) {
      fail(err);
    }
  });
}
