// The words of ingest messages (src/ingest/format.ts): sizes, limits, durations, outside text.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatSize, shown, sizeOverLimit } from '../../src/ingest/format.js';

const KB = 1024;
const MB = 1024 * KB;

describe('format', () => {
  it('says sizes in MB and KB with one decimal where useful', () => {
    expect(formatSize(12 * MB)).toBe('12 MB');
    expect(formatSize(1.5 * MB)).toBe('1.5 MB');
    expect(formatSize(5 * MB + 1)).toBe('5 MB');
    expect(formatSize(64 * KB)).toBe('64 KB');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(900)).toBe('900 bytes');
    expect(formatSize(1)).toBe('1 byte');
  });

  it('never says a size equals the limit it is over', () => {
    expect(sizeOverLimit('the file is', 12 * MB, 5 * MB)).toBe('the file is 12 MB; the limit is 5 MB');
    expect(sizeOverLimit('the file is', 5 * MB + 10, 5 * MB)).toBe(
      'the file is more than 5 MB; the limit is 5 MB',
    );
  });

  it('says durations in ms under a second, else in seconds', () => {
    expect(formatDuration(400)).toBe('400 ms');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(2500)).toBe('2.5 s');
  });

  it('shows outside text on one line, bounded', () => {
    expect(shown('evil\r\nX-Header: 1\u202e')).toBe('evil X-Header: 1');
    expect(shown('a'.repeat(100), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
