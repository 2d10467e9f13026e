/**
 * The sharded gateway's settings (SHARD_COUNT, SHARD_LIST), read for config.ts.
 */
import type { ConfigVariable } from './config.js';

/** The most shards SHARD_COUNT accepts. */
export const MAX_SHARDS = 1000;

/** SHARD_COUNT and SHARD_LIST, read from `get`; each problem goes to `problems`. */
export function shardSettings(
  get: (name: ConfigVariable) => string | undefined,
  problems: string[],
): { shardCount: number | 'auto'; shardList?: number[] } {
  const countText = (get('SHARD_COUNT') ?? 'auto').toLowerCase();
  let shardCount: number | 'auto' = 'auto';
  if (countText !== 'auto') {
    const n = Number(countText);
    if (/^\d+$/u.test(countText) && n >= 1 && n <= MAX_SHARDS) shardCount = n;
    else
      problems.push(
        `SHARD_COUNT must be auto or a whole number from 1 to ${MAX_SHARDS}; got ${JSON.stringify(get('SHARD_COUNT'))}`,
      );
  }
  const listText = get('SHARD_LIST');
  if (listText === undefined) return { shardCount };
  const limit = shardCount === 'auto' ? MAX_SHARDS : shardCount;
  const parts = listText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ok = (s: string) => /^\d+$/u.test(s) && Number(s) < limit;
  const bad = parts.filter((s) => !ok(s));
  if (bad.length || !parts.length) {
    problems.push(
      `SHARD_LIST must be comma-separated shard ids from 0 to ${limit - 1}${shardCount === 'auto' ? '' : ' (SHARD_COUNT is ' + String(shardCount) + ')'}; got ${JSON.stringify(listText)}${bad.length ? `, bad: ${bad.map((b) => JSON.stringify(b)).join(', ')}` : ''}`,
    );
    return { shardCount };
  }
  return { shardCount, shardList: [...new Set(parts.map(Number))].sort((a, b) => a - b) };
}
