/**
 * The words of ingest messages: sizes ("12 MB", "64 KB"), durations ("10 s", "400 ms"), and text
 * from outside (a host name, a content type, a file name) made safe to show on one line.
 */

const KB = 1024;
const MB = 1024 * 1024;

/** A number with at most one decimal, without a trailing ".0": 12 → "12", 1.25 → "1.3". */
function oneDecimal(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/** A size in bytes as people read it: "12 MB", "1.5 MB", "64 KB", "900 bytes" (1 MB = 1024 KB). */
export function formatSize(bytes: number): string {
  if (bytes >= MB) return `${oneDecimal(bytes / MB)} MB`;
  if (bytes >= KB) return `${oneDecimal(bytes / KB)} KB`;
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

/**
 * "the page is 12 MB; the limit is 5 MB". When both round to the same words, the size is said to
 * be "more than" the limit, so the message never reads "5 MB; the limit is 5 MB".
 */
export function sizeOverLimit(subject: string, bytes: number, limit: number): string {
  const size = formatSize(bytes);
  const max = formatSize(limit);
  return `${subject} ${size === max ? `more than ${size}` : size}; the limit is ${max}`;
}

/** A duration: "400 ms" under a second, else seconds with at most one decimal ("10 s", "2.5 s"). */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${oneDecimal(ms / 1000)} s`;
}

/**
 * Text from outside shown in a message: control and invisible format characters removed,
 * whitespace collapsed, at most `max` characters ("…" where cut).
 */
export function shown(text: string, max = 80): string {
  const clean = text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
