/**
 * Button ids that survive restarts: the signing key comes from config (BUTTON_SECRET, or derived
 * from the token), a previous key verifies during rotation, and the new HTTP-mode settings.
 */
import { describe, expect, it } from 'vitest';

import { ConfigError, configSecrets, loadConfig } from '../src/config.js';
import {
  type ButtonRef,
  CustomIdSigner,
  deriveButtonKey,
  signerFromConfig,
} from '../src/discord/custom-id.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz';
const SECRET = 'a'.repeat(16) + 'b'.repeat(16);
const OTHER = 'c'.repeat(40);
const REF: ButtonRef = { action: 'more', answerId: 'Abc123', arg: 2 };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('signerFromConfig', () => {
  it('a button signed by one instance verifies on a second built from the same config (a restart)', () => {
    for (const env of [
      { BUTTON_SECRET: SECRET },
      { DISCORD_TOKEN: TOKEN },
      { DISCORD_TOKEN: TOKEN, BUTTON_SECRET: SECRET },
    ]) {
      const id = signerFromConfig(loadConfig(env)).encode(REF);
      expect(signerFromConfig(loadConfig(env)).decode(id), JSON.stringify(Object.keys(env))).toEqual(REF);
    }
  });

  it('derives the key from the token with HKDF: stable, and different for another token or for BUTTON_SECRET', () => {
    expect(deriveButtonKey(TOKEN).equals(deriveButtonKey(TOKEN))).toBe(true);
    expect(deriveButtonKey(TOKEN)).toHaveLength(32);
    const byToken = signerFromConfig(loadConfig({ DISCORD_TOKEN: TOKEN })).encode(REF);
    expect(signerFromConfig(loadConfig({ DISCORD_TOKEN: `${TOKEN}x` })).decode(byToken)).toBeUndefined();
    // Not the token itself used as the key.
    expect(new CustomIdSigner(Buffer.from(TOKEN)).decode(byToken)).toBeUndefined();
  });

  it('keeps the buttons signed with the token-derived key when BUTTON_SECRET is first set, unless BUTTON_SECRET_PREVIOUS names another key', () => {
    const byToken = signerFromConfig(loadConfig({ DISCORD_TOKEN: TOKEN })).encode(REF);
    const explicit = signerFromConfig(loadConfig({ DISCORD_TOKEN: TOKEN, BUTTON_SECRET: SECRET }));
    expect(explicit.decode(byToken)).toEqual(REF);
    // It signs with BUTTON_SECRET: a signer of that secret alone accepts its buttons, the token's does not.
    const fresh = explicit.encode(REF);
    expect(fresh).not.toBe(byToken);
    expect(signerFromConfig(loadConfig({ BUTTON_SECRET: SECRET })).decode(fresh)).toEqual(REF);
    expect(signerFromConfig(loadConfig({ DISCORD_TOKEN: TOKEN })).decode(fresh)).toBeUndefined();
    // A rotation names the previous key: the token's derived key is no longer accepted.
    const rotated = signerFromConfig(
      loadConfig({ DISCORD_TOKEN: TOKEN, BUTTON_SECRET: OTHER, BUTTON_SECRET_PREVIOUS: SECRET }),
    );
    expect(rotated.decode(byToken)).toBeUndefined();
    expect(rotated.decode(fresh)).toEqual(REF);
  });

  it('accepts a rotated key through BUTTON_SECRET_PREVIOUS, and signs with the current one', () => {
    const old = signerFromConfig(loadConfig({ BUTTON_SECRET: SECRET }));
    const rotated = signerFromConfig(loadConfig({ BUTTON_SECRET: OTHER, BUTTON_SECRET_PREVIOUS: SECRET }));
    const oldId = old.encode(REF);
    expect(rotated.decode(oldId)).toEqual(REF);
    const newId = rotated.encode(REF);
    expect(newId).not.toBe(oldId);
    expect(old.decode(newId)).toBeUndefined();
    expect(signerFromConfig(loadConfig({ BUTTON_SECRET: OTHER })).decode(newId)).toEqual(REF);
    // After the rotation ends (previous unset), the old key is refused.
    expect(signerFromConfig(loadConfig({ BUTTON_SECRET: OTHER })).decode(oldId)).toBeUndefined();
  });

  it('refuses a foreign key, and without token or secret uses a random key per signer', () => {
    const id = signerFromConfig(loadConfig({ BUTTON_SECRET: SECRET })).encode(REF);
    expect(signerFromConfig(loadConfig({ BUTTON_SECRET: OTHER })).decode(id)).toBeUndefined();
    expect(new CustomIdSigner().decode(id)).toBeUndefined();
    const a = signerFromConfig(loadConfig({}));
    expect(a.decode(a.encode(REF))).toEqual(REF);
    expect(signerFromConfig(loadConfig({})).decode(a.encode(REF))).toBeUndefined();
  });

  it('keeps the constructor forms: keys object, a bare key, none', () => {
    const key = Buffer.alloc(32, 9);
    const id = new CustomIdSigner(key).encode(REF);
    expect(new CustomIdSigner({ current: key }).decode(id)).toEqual(REF);
    expect(new CustomIdSigner({ current: Buffer.alloc(32, 1), previous: key }).decode(id)).toEqual(REF);
    expect(new CustomIdSigner({ current: Buffer.alloc(32, 1) }).decode(id)).toBeUndefined();
  });
});

describe('config: button secrets and HTTP mode', () => {
  it('defaults PORT to 8080 and HOST to 0.0.0.0; no public key or secrets', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.publicKey).toBeUndefined();
    expect(c.buttonSecret).toBeUndefined();
    expect(c.buttonSecretPrevious).toBeUndefined();
  });

  it('reads DISCORD_PUBLIC_KEY, PORT, HOST and both secrets', () => {
    const key = 'AB'.repeat(32);
    const c = loadConfig({
      DISCORD_PUBLIC_KEY: key,
      PORT: '65535',
      HOST: '127.0.0.1',
      BUTTON_SECRET: SECRET,
      BUTTON_SECRET_PREVIOUS: OTHER,
    });
    expect(c).toMatchObject({ publicKey: key.toLowerCase(), port: 65535, host: '127.0.0.1' });
    expect(c).toMatchObject({ buttonSecret: SECRET, buttonSecretPrevious: OTHER });
    expect(loadConfig({ PORT: '1' }).port).toBe(1);
  });

  it('names each bad variable, and never echoes a secret', () => {
    const short = 'tooShortSecret-123';
    const found = problems({
      DISCORD_PUBLIC_KEY: 'f'.repeat(63),
      PORT: '65536',
      HOST: 'local host',
      BUTTON_SECRET: short,
      BUTTON_SECRET_PREVIOUS: 'x'.repeat(31),
    });
    expect(found).toHaveLength(5);
    for (const name of ['DISCORD_PUBLIC_KEY', 'PORT', 'HOST', 'BUTTON_SECRET', 'BUTTON_SECRET_PREVIOUS']) {
      expect(
        found.filter((p) => p.startsWith(`${name} must`)),
        name,
      ).toHaveLength(1);
    }
    expect(found.join('\n')).not.toContain(short);
    expect(found.join('\n')).not.toContain('x'.repeat(31));
    expect(problems({ PORT: '65536' })).toEqual(['PORT must be a whole number from 0 to 65535; got "65536"']);
    expect(problems({ PORT: '0' })).toEqual([]);
    expect(problems({ DISCORD_PUBLIC_KEY: 'g'.repeat(64) })).toHaveLength(1);
    expect(problems({ BUTTON_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('counts both button secrets among the secrets (masked in logs, redacted from Discord bodies)', () => {
    const c = loadConfig({ DISCORD_TOKEN: TOKEN, BUTTON_SECRET: SECRET, BUTTON_SECRET_PREVIOUS: OTHER });
    expect(configSecrets(c)).toEqual([TOKEN, SECRET, OTHER]);
    expect(configSecrets(loadConfig({}))).toEqual([]);
  });
});
