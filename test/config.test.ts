import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLES,
  ConfigError,
  closestVariable,
  configSecrets,
  configWarnings,
  loadConfig,
} from '../src/config.js';

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

describe('METRICS_PORT', () => {
  it('is unset by default, read as a port, and refused out of range naming the variable', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: ' ' }).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(() => loadConfig({ METRICS_PORT: '65536' })).toThrow(
      'METRICS_PORT must be a whole number from 0 to 65535; got "65536"',
    );
    expect(() => loadConfig({ METRICS_PORT: 'http' })).toThrow(/METRICS_PORT/u);
  });
});

describe('sharding settings', () => {
  it('defaults to auto, every shard, interactions on the gateway', () => {
    const c = loadConfig({});
    expect(c.shardCount).toBe('auto');
    expect(c.shardList).toBeUndefined();
    expect(c.gatewayInteractions).toBe(true);
  });

  it('reads SHARD_COUNT, SHARD_LIST (sorted, once each) and GATEWAY_INTERACTIONS', () => {
    const c = loadConfig({ SHARD_COUNT: '4', SHARD_LIST: ' 3, 1,3 ', GATEWAY_INTERACTIONS: 'OFF' });
    expect(c.shardCount).toBe(4);
    expect(c.shardList).toEqual([1, 3]);
    expect(c.gatewayInteractions).toBe(false);
    expect(loadConfig({ SHARD_COUNT: 'Auto', SHARD_LIST: '7' })).toMatchObject({
      shardCount: 'auto',
      shardList: [7],
    });
  });

  it('quotes every bad value', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ SHARD_COUNT: '0' })).toEqual([
      'SHARD_COUNT must be auto or a whole number from 1 to 1000; got "0"',
    ]);
    expect(problems({ SHARD_COUNT: '1001' })).toHaveLength(1);
    expect(problems({ SHARD_COUNT: '2.5' })).toHaveLength(1);
    expect(problems({ SHARD_COUNT: '2', SHARD_LIST: '0,2,x' })).toEqual([
      'SHARD_LIST must be comma-separated shard ids from 0 to 1 (SHARD_COUNT is 2); got "0,2,x", bad: "2", "x"',
    ]);
    expect(problems({ SHARD_LIST: ',' })).toEqual([
      'SHARD_LIST must be comma-separated shard ids from 0 to 999; got ","',
    ]);
    expect(problems({ GATEWAY_INTERACTIONS: 'http' })).toEqual([
      'GATEWAY_INTERACTIONS must be on or off; got "http"',
    ]);
  });
});

describe('variables citebot would ignore', () => {
  it('names the setting a misspelled variable was probably meant to be', () => {
    expect(configWarnings({ COOLDOWN_SECONDZ: '5' })).toEqual([
      'COOLDOWN_SECONDZ is not a citebot setting and is ignored; did you mean COOLDOWN_SECONDS?',
    ]);
    expect(closestVariable('discord_token')).toBe('DISCORD_TOKEN');
    expect(closestVariable('OWNER_ID')).toBe('OWNER_IDS');
    expect(closestVariable('SEMANTIC_MAX_PASAGES')).toBe('SEMANTIC_MAX_PASSAGES');
  });

  it('leaves the rest of the environment alone, but questions unknown names in .env', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/root',
      CI: 'true',
      PFR: 'on',
      COOLDOWN_SECONDS: '3',
      ROLE_IDS: 'x',
    };
    expect(configWarnings(env)).toEqual([]);
    expect(
      configWarnings({ ...env, NODE_OPTIONS: '--x' }, ['ROLE_IDS', 'NODE_OPTIONS', 'COOLDOWN_SECONDS']),
    ).toEqual(['ROLE_IDS in .env is not a citebot setting and is ignored (see .env.example)']);
  });

  it('reads DATABASE_URL as a secret, its password too, and refuses a URL of another kind without echoing it', () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    const url = 'postgresql://citebot:p%40ss-w0rd@db.example:5432/citebot';
    const c = loadConfig({ DATABASE_URL: ` ${url} ` });
    expect(c.databaseUrl).toBe(url);
    expect(configSecrets(c)).toEqual([url, 'p%40ss-w0rd', 'p@ss-w0rd']);
    expect(loadConfig({ DATABASE_URL: 'postgres:///citebot?host=/run/postgresql' }).databaseUrl).toBe(
      'postgres:///citebot?host=/run/postgresql',
    );
    for (const bad of ['mysql://root:hunter22@db/x', 'db.example:5432', 'hunter22']) {
      let err: unknown;
      try {
        loadConfig({ DATABASE_URL: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([
        'DATABASE_URL must be a PostgreSQL URL such as postgresql://citebot:PASSWORD@db.example:5432/citebot',
      ]);
      expect((err as Error).message).not.toContain('hunter22');
    }
  });

  it('every variable it knows is documented in .env.example', () => {
    const example = readFileSync(path.resolve(import.meta.dirname, '../.env.example'), 'utf8');
    for (const name of CONFIG_VARIABLES) expect(example, name).toMatch(new RegExp(`\\b${name}\\b`, 'u'));
  });

  it('says what to do about a token pasted with its "Bot " prefix, without echoing it', () => {
    const token = 'Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz';
    let err: unknown;
    try {
      loadConfig({ DISCORD_TOKEN: token });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'DISCORD_TOKEN must be the token alone: remove the "Bot " in front of it',
    ]);
    expect((err as Error).message).not.toContain('MTIz');
  });

  it('warns at start-up, on stderr, and still answers', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/ask.ts', '--json', 'What is nanoGPT?'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      // Lexical only: the warning is the point here, not a first start's embedding (slow on a busy machine).
      env: {
        ...process.env,
        DISCORD_TOKEN: '',
        SEMANTIC: 'off',
        COOLDOWN_SECONDZ: '5',
        CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'citebot-cfg-')),
      },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      'COOLDOWN_SECONDZ is not a citebot setting and is ignored; did you mean COOLDOWN_SECONDS?',
    );
    expect(JSON.parse(r.stdout).answered).toBe(true);
  });

  it('stops the start with one line naming the known models when SEMANTIC_MODEL is unknown', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/ask.ts', 'What is nanoGPT?'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, DISCORD_TOKEN: '', SEMANTIC_MODEL: 'gpt-9' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('citebot: SEMANTIC_MODEL must be one of use-lite; got "gpt-9"');
    expect(r.stdout).toBe('');
  });
});
