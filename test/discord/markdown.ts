/**
 * Independent readers of what the renderer produces, for tests that check it without using
 * the renderer's own code: an embed's character count, Markdown read back as text, and
 * characters cut in two.
 */
import type { APIEmbed } from 'discord-api-types/v10';

/** The zero-width space the renderer puts into mentions to defuse them. */
export const ZWSP = '\u200b';

/**
 * An independent count of the characters Discord adds up towards an embed's 6,000 total
 * (title, description, footer, author name, field names and values), for tests that check
 * the renderer's limits without using the renderer's own counting.
 */
export function embedChars(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0)
  );
}

/** True when s[i] is a Markdown escape: a backslash before punctuation (Discord's rule). */
export function isEscape(s: string, i: number): boolean {
  const next = s[i + 1];
  return s[i] === '\\' && next !== undefined && !/[0-9A-Za-z\s]/u.test(next);
}

/**
 * Reads rendered Markdown back as plain text: backslash escapes become the escaped
 * character, `**` bold markers and zero-width spaces disappear. Anything else (a stray
 * single `*`, say) is kept, so broken formatting shows up as a difference.
 */
export function unformat(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (isEscape(s, i)) {
      out += s[i + 1];
      i++;
    } else if (c === '*' && s[i + 1] === '*') {
      i++;
    } else if (c !== ZWSP) {
      out += c;
    }
  }
  return out;
}

/** Where a string holds half of a surrogate pair (a character cut in two), or -1. */
export function loneSurrogateAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return i;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return i;
    }
  }
  return -1;
}
