/**
 * Discord's side of the HTTP Interactions Endpoint, for the fake Discord: a generated Ed25519 key pair,
 * Discord-style signatures, and `deliverHttp`, which does what Discord does with an endpoint URL set —
 * it POSTs the signed interaction to the endpoint and takes the HTTP response as the interaction's first
 * response. The fake records that response as the interaction's callback (FakeDiscord.recordHttpResponse),
 * so both transports' first responses, edits and follow-ups are read the same way afterwards.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import type { FakeDiscord, Json, RecordedRequest } from './fake-discord.js';

export interface KeyPair {
  privateKey: KeyObject;
  /** The raw public key, 64 hex characters, as the developer portal shows it. */
  publicHex: string;
}

/** A fresh Ed25519 key pair; the public half exported raw through JWK's `x`. */
export function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (!x) throw new Error('no x in the JWK');
  return { privateKey, publicHex: Buffer.from(x, 'base64url').toString('hex') };
}

/** Unix seconds now, as Discord sends them. */
export const nowSeconds = (offsetMs = 0): string => String(Math.floor((Date.now() + offsetMs) / 1000));

/** Discord's signature headers for a body. */
export function signedHeaders(
  key: KeyObject,
  body: string | Buffer,
  timestamp = nowSeconds(),
): Record<string, string> {
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key);
  return { 'X-Signature-Ed25519': signature.toString('hex'), 'X-Signature-Timestamp': timestamp };
}

/** Where an endpoint listens and the key Discord signs for it with. */
export interface Endpoint {
  port: number;
  host?: string;
  privateKey: KeyObject;
  /** Keep-alive connections, as Discord (or a proxy) keeps them; default a new connection each time. */
  agent?: Agent;
  /**
   * Without an agent, whether the request asks the server to close the connection after its response
   * (`Connection: close`; default true). With false the server may keep it open until it times out.
   */
  closeConnection?: boolean;
}

/** What the endpoint answered. */
export interface EndpointReply {
  status: number;
  /** The parsed JSON body (undefined when not JSON). */
  body: Json;
  headers: IncomingHttpHeaders;
  /** Milliseconds from sending the request to the end of the response. */
  ms: number;
  /** With `fake`: the response as the fake recorded it (a 200), with the fake's verdict in `status`. */
  callback?: RecordedRequest;
}

/** POSTs a signed payload to the endpoint's /interactions and reads the answer. */
export function postSigned(endpoint: Endpoint, payload: unknown): Promise<EndpointReply> {
  const body = Buffer.from(JSON.stringify(payload));
  const headers = signedHeaders(endpoint.privateKey, body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: endpoint.host ?? '127.0.0.1',
        port: endpoint.port,
        method: 'POST',
        path: '/interactions',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          ...(endpoint.agent || endpoint.closeConnection === false ? {} : { Connection: 'close' }),
          ...headers,
        },
        agent: endpoint.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Json;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            headers: res.headers,
            ms: performance.now() - t0,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Discord delivering an interaction to an HTTP endpoint: the fake learns of it (so its webhook calls are
 * accepted), the signed payload is POSTed, and a 200 response is recorded as the interaction's callback.
 */
export async function deliverHttp(
  fake: FakeDiscord,
  endpoint: Endpoint,
  payload: { id: string } & Json,
): Promise<EndpointReply> {
  fake.registerInteraction(payload);
  const reply = await postSigned(endpoint, payload);
  if (reply.status === 200) reply.callback = fake.recordHttpResponse(payload.id, reply.body);
  return reply;
}
