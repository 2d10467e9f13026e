import { sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVerifier, MAX_TIMESTAMP_SKEW_MS, publicKeyFromHex } from '../../src/transports/http/verify.js';
import { keyPair, nowSeconds } from './helpers.js';

const keys = keyPair();
const body = Buffer.from('{"type":1}');
const signFor = (timestamp: string, data: Buffer = body, key = keys.privateKey) =>
  sign(null, Buffer.concat([Buffer.from(timestamp), data]), key).toString('hex');

describe('publicKeyFromHex', () => {
  it('accepts the 64 hex characters the portal shows, in either case', () => {
    expect(publicKeyFromHex(keys.publicHex).asymmetricKeyType).toBe('ed25519');
    expect(publicKeyFromHex(keys.publicHex.toUpperCase()).asymmetricKeyType).toBe('ed25519');
  });

  it.each(['', 'abc', keys.publicHex.slice(2), `${keys.publicHex}00`, 'zz'.repeat(32)])(
    'refuses %j with a message about the length',
    (hex) => {
      expect(() => publicKeyFromHex(hex)).toThrow(/64 hexadecimal characters/u);
    },
  );
});

describe('createVerifier', () => {
  const verify = createVerifier(keys.publicHex);

  it('accepts a good signature over timestamp + body', () => {
    const ts = nowSeconds();
    expect(verify(signFor(ts), ts, body)).toEqual({ ok: true });
  });

  it('refuses a tampered body, a changed timestamp, another key and missing headers', () => {
    const ts = nowSeconds();
    const sig = signFor(ts);
    expect(verify(sig, ts, Buffer.from('{"type":2}'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(sig, String(Number(ts) - 1), body)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(signFor(ts, body, keyPair().privateKey), ts, body)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(undefined, ts, body)).toEqual({ ok: false, reason: 'missing' });
    expect(verify(sig, undefined, body)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses timestamps outside five minutes either way, even well signed', () => {
    let now = Date.now();
    const at = createVerifier(keys.publicHex, { now: () => now });
    const ts = String(Math.floor(now / 1000));
    const sig = signFor(ts);
    now += MAX_TIMESTAMP_SKEW_MS - 1000;
    expect(at(sig, ts, body).ok).toBe(true);
    now += 2000;
    expect(at(sig, ts, body)).toEqual({ ok: false, reason: 'stale' });
    now -= 2 * MAX_TIMESTAMP_SKEW_MS + 2000;
    expect(at(sig, ts, body)).toEqual({ ok: false, reason: 'stale' });
  });

  it('calls bad hex, wrong lengths and odd timestamps malformed', () => {
    const ts = nowSeconds();
    const sig = signFor(ts);
    for (const bad of [sig.slice(2), `${sig}00`, `${sig.slice(0, -2)}zz`, ' '.repeat(128)]) {
      expect(verify(bad, ts, body)).toEqual({ ok: false, reason: 'malformed' });
    }
    for (const bad of ['', '-1', '1.5', `${ts} `, '1e9', '9'.repeat(20)]) {
      expect(verify(sig, bad, body).ok).toBe(false);
    }
  });

  it('never throws and never accepts on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.uint8Array({ maxLength: 200 }), (sig, ts, data) => {
        const r = verify(sig, ts, Buffer.from(data));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{128}$/u), fc.uint8Array({ maxLength: 200 }), (sig, data) => {
        expect(verify(sig, nowSeconds(), Buffer.from(data))).toEqual({ ok: false, reason: 'bad-signature' });
      }),
      { numRuns: 200 },
    );
  });
});
