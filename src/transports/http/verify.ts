/**
 * Ed25519 verification of Discord's HTTP interactions (node:crypto, no package). Discord signs the
 * bytes of `X-Signature-Timestamp` followed by the raw request body with the application's key and
 * sends the signature, hex, in `X-Signature-Ed25519`. Nothing here throws on what a request carries:
 * every bad input is a `VerifyResult` with a reason.
 */
import { createPublicKey, type KeyObject, verify as cryptoVerify } from 'node:crypto';

/** How far a request's timestamp may be from our clock before it counts as a replay (5 minutes). */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;

/** The DER prefix that turns 32 raw Ed25519 key bytes into an SPKI public key. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PUBLIC_KEY_RE = /^[0-9a-f]{64}$/iu;
/** An Ed25519 signature is 64 bytes: 128 hex characters. */
const SIGNATURE_RE = /^[0-9a-f]{128}$/iu;
/** Discord's timestamps are Unix seconds; more than 12 digits is no timestamp of this era. */
const TIMESTAMP_RE = /^\d{1,12}$/u;

/** Why a request was refused. */
export type VerifyFailure = 'missing' | 'malformed' | 'bad-signature' | 'stale';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

/**
 * The application's public key (64 hex characters, as the developer portal shows it) as a KeyObject.
 * Throws an Error saying what is wrong when it is not 64 hex characters or not a usable key: this is
 * configuration, checked once at start, never request data.
 */
export function publicKeyFromHex(hex: string): KeyObject {
  const trimmed = hex.trim();
  if (!PUBLIC_KEY_RE.test(trimmed)) {
    throw new Error('the public key must be 64 hexadecimal characters (32 bytes)');
  }
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(trimmed, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

/** Checks one request's signature headers against its raw body. */
export type RequestVerifier = (
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
) => VerifyResult;

export interface VerifierOptions {
  /** Milliseconds since the epoch (default `Date.now`); tests move the clock. */
  now?: () => number;
  /** Default `MAX_TIMESTAMP_SKEW_MS`. */
  maxSkewMs?: number;
}

/**
 * A verifier for one application key (hex, or a KeyObject made by `publicKeyFromHex`); the key is
 * parsed once, here. The returned function never throws: missing headers, bad hex, wrong lengths and
 * timestamps outside the window (either way, `stale`) are reasons, not exceptions.
 */
export function createVerifier(
  publicKey: string | KeyObject,
  options: VerifierOptions = {},
): RequestVerifier {
  const key = typeof publicKey === 'string' ? publicKeyFromHex(publicKey) : publicKey;
  const now = options.now ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? MAX_TIMESTAMP_SKEW_MS;
  return (signature, timestamp, body) => {
    if (!signature || !timestamp) return { ok: false, reason: 'missing' };
    if (!SIGNATURE_RE.test(signature) || !TIMESTAMP_RE.test(timestamp)) {
      return { ok: false, reason: 'malformed' };
    }
    // The window is checked before the signature: a replayed request costs no verification.
    if (Math.abs(now() - Number(timestamp) * 1000) > maxSkewMs) return { ok: false, reason: 'stale' };
    let good: boolean;
    try {
      good = cryptoVerify(
        null,
        Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
        key,
        Buffer.from(signature, 'hex'),
      );
    } catch {
      good = false;
    }
    return good ? { ok: true } : { ok: false, reason: 'bad-signature' };
  };
}
