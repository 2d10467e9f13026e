import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has working defaults for an empty environment (terminal mode)', () => {
    const c = loadConfig({}, '/srv/citebot');
    expect(c.token).toBeUndefined();
    expect(c.corpusDir).toBe('/srv/citebot/corpus');
    expect(c.cooldownQuestions).toBe(5);
    expect(c.cooldownSeconds).toBe(30);
  });

  it('reads every variable', () => {
    const c = loadConfig(
      {
        DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz',
        DISCORD_API_BASE: 'http://127.0.0.1:4000/api/',
        CORPUS_DIR: 'articles',
        MODERATOR_ROLE_IDS: '123456789012345678, 223456789012345678',
        OWNER_IDS: '323456789012345678',
        COOLDOWN_QUESTIONS: '3',
        COOLDOWN_SECONDS: '10',
        LOG_LEVEL: 'debug',
      },
      '/srv',
    );
    expect(c.apiBase).toBe('http://127.0.0.1:4000/api');
    expect(c.corpusDir).toBe('/srv/articles');
    expect(c.moderatorRoleIds).toEqual(['123456789012345678', '223456789012345678']);
    expect(c.ownerIds).toEqual(['323456789012345678']);
    expect(c.cooldownQuestions).toBe(3);
    expect(c.logLevel).toBe('debug');
  });

  it('names every bad variable and quotes the bad value, but never the token', () => {
    const token = 'short token';
    let err: unknown;
    try {
      loadConfig({
        DISCORD_TOKEN: token,
        DISCORD_API_BASE: 'ftp://x',
        OWNER_IDS: 'abc',
        COOLDOWN_SECONDS: '0',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const name of ['DISCORD_TOKEN', 'DISCORD_API_BASE', 'OWNER_IDS', 'COOLDOWN_SECONDS', 'LOG_LEVEL'])
      expect(msg).toContain(name);
    expect(msg).toContain('"ftp://x"');
    expect(msg).toContain('"abc"');
    expect(msg).not.toContain(token);
  });

  it('lists the values never to show (the token), none without one', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz';
    expect(configSecrets(loadConfig({ DISCORD_TOKEN: token }))).toEqual([token]);
    expect(configSecrets(loadConfig({}))).toEqual([]);
  });

  it('reads the memory settings, with defaults, and rejects bad values', () => {
    const d = loadConfig({});
    expect(d.memoryLogSeconds).toBe(0);
    expect(d.heapGrowthPercent).toBe(30);
    const c = loadConfig({ MEMORY_LOG_SECONDS: '60', HEAP_GROWTH_PERCENT: '0' });
    expect(c.memoryLogSeconds).toBe(60);
    expect(c.heapGrowthPercent).toBe(0);
    let err: unknown;
    try {
      loadConfig({ MEMORY_LOG_SECONDS: '-1', HEAP_GROWTH_PERCENT: '30%' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'MEMORY_LOG_SECONDS must be a whole number from 0 to 86400; got "-1"',
      'HEAP_GROWTH_PERCENT must be a whole number from 0 to 300; got "30%"',
    ]);
  });
});
