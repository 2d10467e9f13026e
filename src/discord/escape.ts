/**
 * Makes corpus and user text safe for Discord: it can neither ping anyone (mentions
 * are also disabled on every message) nor break the formatting around it.
 */

import { LIMITS } from './limits.js';

const ZWSP = '\u200b';

/**
 * Escapes Markdown and neutralises mentions, so the text shows as written on one
 * line: backslash, asterisk, underscore, tilde, backtick, pipe and square brackets
 * are backslash-escaped everywhere, and `#`, `>`, `-`, `+` or "1." where they would
 * start a line; `@everyone`, `@here`, `<@id>`, `<@&id>`,
 * `<#id>`, `</cmd:id>` and custom emoji get a zero-width space so they stay text;
 * line breaks, control and bidirectional-override characters become spaces, and half
 * a surrogate pair becomes U+FFFD.
 */
export function escapeText(text: string): string {
  const flat = text
    .replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]/gu, ' ')
    // Half a surrogate pair (a quote cut mid-emoji) is not valid UTF-16: show U+FFFD instead.
    // With the u flag, this class matches only lone surrogates, never whole pairs.
    .replace(/[\ud800-\udfff]/gu, '\ufffd');
  return neutraliseMentions(
    flat
      .replace(/[\\*_~`|[\]]/gu, (c) => `\\${c}`)
      // "+ " starts a list too in simple-markdown, the parser Discord's Markdown builds on.
      .replace(/^(\s*)([#>+-])/u, '$1\\$2')
      .replace(/^(\s*\d+)\./u, '$1\\.'),
  );
}

/**
 * Puts a zero-width space into `@everyone`, `@here`, `<@id>`, `<@&id>`, `<#id>`,
 * `</cmd:id>`, custom emoji and timestamps, so they show as text. Adds no escapes:
 * also for plain (non-Markdown) text such as embed titles and footers.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/giu, `@${ZWSP}$1`).replace(/<(@[!&]?|#|\/|a?:|t:)/gu, `<${ZWSP}$1`);
}

/** Cuts text to at most `max` characters (UTF-16 units), at a word boundary when possible, adding "…". Never splits a surrogate pair or an escape. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  let cut = max - 1;
  const space = text.lastIndexOf(' ', cut);
  if (space > max * 0.6) cut = space;
  // Don't leave half a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${balanceMarkup(text.slice(0, cut)).trimEnd()}…`;
}

/** Positions of unescaped "**" markers, and whether the text ends in a lone escaping backslash. */
function scanMarkup(s: string): { bold: number[]; danglingEscape: boolean } {
  const bold: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      if (i === s.length - 1) return { bold, danglingEscape: true };
      i++;
    } else if (s[i] === '*' && s[i + 1] === '*') {
      bold.push(i);
      i++;
    }
  }
  return { bold, danglingEscape: false };
}

/**
 * Makes a cut piece of escaped Markdown safe: drops a dangling backslash, a lone
 * half of a "**" marker at the end, and the last "**" when bold markers are unbalanced.
 */
function balanceMarkup(piece: string): string {
  let out = piece;
  if (scanMarkup(out).danglingEscape) out = out.slice(0, -1);
  const { bold } = scanMarkup(out);
  const endsInMarker = bold[bold.length - 1] === out.length - 2;
  const endsInStar = out.endsWith('*') && !scanMarkup(out.slice(0, -1)).danglingEscape;
  if (endsInStar && !endsInMarker) out = out.slice(0, -1);
  const markers = scanMarkup(out).bold;
  if (markers.length % 2 === 1) {
    const at = markers[markers.length - 1] as number;
    // Removing the marker must not join what it separated into a live mention: boldQuote
    // writes "@everyone" with "everyone" highlighted as "@**everyone**". When an "@" or "<"
    // is close enough before the marker to start one, keep a zero-width space in its place
    // (one character where the marker had two, so the result still fits).
    const joint = /[@<]/u.test(out.slice(Math.max(0, at - 9), at)) ? ZWSP : '';
    out = out.slice(0, at) + joint + out.slice(at + 2);
  }
  return out;
}

/**
 * The url as citebot may show it: an absolute http(s) address without credentials, at most
 * LIMITS.linkUrl long once normalised, with every character that means something to Markdown
 * or to Discord's link syntax (brackets, parentheses, angle brackets, `*`, `_`, `~`, `|`,
 * backtick, backslash) percent-encoded. Anything else (javascript:, relative, too long)
 * gives undefined: show no link rather than a wrong or unsafe one.
 */
export function safeUrl(raw: string | undefined): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > LIMITS.linkUrl) return undefined;
  if (/[\s\p{Cc}]/u.test(raw)) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return undefined;
  // A host is letters, digits, dots and dashes (punycode), or an IPv6 address in brackets.
  if (!/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d+)?$/u.test(u.host)) return undefined;
  const href =
    u.origin +
    u.href
      .slice(u.origin.length)
      .replace(
        /[[\]()<>*_~|`\\]/gu,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
      );
  return href.length <= LIMITS.linkUrl ? href : undefined;
}

/**
 * A Markdown link `[text](<url>)` (the angle brackets stop Discord's embed preview) when the url is
 * safe, else the text alone. `text` must already be escaped.
 */
export function markdownLink(escapedText: string, url: string | undefined): string {
  const href = safeUrl(url);
  return href ? `[${escapedText}](<${href}>)` : escapedText;
}
