import { afterEach, describe, expect, it } from 'vitest';
import { fetchGatewayBot, type GatewayBotInfo, planShards } from '../../src/transports/gateway/sharding.js';
import { FAKE_TOKEN, FakeDiscord } from '../harness/index.js';

let server: FakeDiscord | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const info = (over: Partial<GatewayBotInfo> = {}): GatewayBotInfo => ({
  shards: 3,
  remaining: 1000,
  resetAfterMs: 0,
  maxConcurrency: 1,
  ...over,
});

describe('GET /gateway/bot through DISCORD_API_BASE', () => {
  it('reads the recommended count and the session start limit', async () => {
    server = await FakeDiscord.start({ shards: 4 });
    expect(await fetchGatewayBot(FAKE_TOKEN, server.apiBase)).toEqual({
      shards: 4,
      remaining: 999,
      resetAfterMs: 14_400_000,
      maxConcurrency: 16,
    });
    const [req] = server.findRequests({ method: 'GET', route: '/gateway/bot' });
    expect(req?.headers.authorization).toBe(`Bot ${FAKE_TOKEN}`);
  });

  it('says in one line that the token was refused, without it', async () => {
    server = await FakeDiscord.start();
    const err = await fetchGatewayBot('bm90LXRoZS10b2tlbg.wrong.token-here', server.apiBase).catch((e) => e);
    expect((err as Error).message).toBe(
      'could not ask Discord for the shard count: Discord rejected the token (check DISCORD_TOKEN).',
    );
  });
});

describe('the shards this machine runs', () => {
  it('takes the count from SHARD_COUNT, or from Discord for auto', () => {
    expect(planShards({ shardCount: 2 }, info())).toEqual({
      totalShards: 2,
      shardList: [0, 1],
      batchSize: 1,
    });
    expect(planShards({ shardCount: 'auto' }, info({ maxConcurrency: 16 }))).toEqual({
      totalShards: 3,
      shardList: [0, 1, 2],
      batchSize: 16,
    });
    expect(planShards({ shardCount: 'auto', shardList: [2] }, info()).shardList).toEqual([2]);
  });

  it('refuses a SHARD_LIST beyond the count, and more shards than session starts left', () => {
    expect(() => planShards({ shardCount: 'auto', shardList: [1, 5] }, info())).toThrow(
      'SHARD_LIST has shard ids 5, but there are only 3 shards (0 to 2)',
    );
    expect(() => planShards({ shardCount: 4 }, info({ remaining: 2, resetAfterMs: 90_000 }))).toThrow(
      'Discord allows 2 more session starts for 2 min; 4 shards need one each',
    );
  });
});
