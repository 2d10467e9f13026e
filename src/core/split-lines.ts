/**
 * The line-level reading of an article for the splitter (split.ts): lines with their offsets
 * (every kind of line break), and the shapes of a line: blank, Markdown heading, heading-like,
 * bullet, numbered, fence.
 */

/** One line of an article. */
export interface Line {
  /** 1-based line number. */
  no: number;
  /** Offset of the line's first character in the file text. */
  start: number;
  /** The line without its end-of-line characters. */
  raw: string;
  /** Only whitespace. */
  blank: boolean;
}

/** Every line break the splitter knows. */
const LINE_BREAK_RE = /\r\n|[\n\r\u0085\u2028\u2029]/gu;
/** A bullet list item's marker. */
export const BULLET_RE = /^(\s*)([-*+•‣◦▪]|[–—])\s+/u;
/** A numbered item or heading ("1. …", "2) …"). */
export const NUMBERED_RE = /^\s*\d{1,3}[.)]\s+\S/u;
/** Final punctuation: a line ending so is not a heading. */
const FINAL_PUNCT_RE = /[.!;:,…]["”’]?$/u;
/** A line that ends a sentence. */
export const SENTENCE_END_RE = /[.!?…:;]["”’)\]]?$/u;
/** A code fence. */
export const FENCE_RE = /^\s*(```|~~~)/u;
const MAX_HEADING_CHARS = 120;
const MAX_HEADING_WORDS = 16;

/** The lines of a text, split at CRLF, LF, CR, NEL and the Unicode line and paragraph separators. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  // A byte order mark is not part of the first line (offsets still count it).
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let no = 1;
  const push = (raw: string) => lines.push({ no: no++, start: pos, raw, blank: raw.trim() === '' });
  for (const m of text.matchAll(LINE_BREAK_RE)) {
    const at = m.index ?? 0;
    push(text.slice(pos, at));
    pos = at + m[0].length;
  }
  push(text.slice(pos));
  return lines;
}

/** For each line, the index of the next non-blank line after it, or -1. */
export function nextNonBlankIndex(lines: readonly Line[]): Int32Array {
  const next = new Int32Array(lines.length);
  let k = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    next[i] = k;
    if (!lines[i]?.blank) k = i;
  }
  return next;
}

/** Whether a line is missing or only whitespace. */
export function isBlank(line: Line | undefined): boolean {
  return line === undefined || line.blank;
}

/** Whether the first letter or digit of the text is a lower-case letter. */
export function startsLowerCase(s: string): boolean {
  const first = s.trimStart().match(/\p{L}|\p{N}/u)?.[0];
  return first !== undefined && first !== first.toUpperCase() && first === first.toLowerCase();
}

/** Whitespace as JavaScript's `\s` sees it, plus NEL (U+0085). */
export function isSpaceCode(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * A Markdown ATX heading ("## Name ##"): level, text, and where the text starts in the line.
 * Scanned by hand, in linear time (a regular expression for this backtracks badly on long lines).
 */
export function mdHeading(raw: string): { level: number; text: string; start: number } | undefined {
  let level = 0;
  while (level < raw.length && raw.charCodeAt(level) === 35 /* # */) level++;
  if (level < 1 || level > 6 || level >= raw.length || !isSpaceCode(raw.charCodeAt(level))) return undefined;
  let start = level;
  while (start < raw.length && isSpaceCode(raw.charCodeAt(start))) start++;
  let end = raw.length;
  while (end > start && isSpaceCode(raw.charCodeAt(end - 1))) end--;
  // A closing run of #'s is dropped when a space comes before it ("## Name ##", not "## C#").
  let k = end;
  while (k > start && raw.charCodeAt(k - 1) === 35) k--;
  if (k < end && k > start && isSpaceCode(raw.charCodeAt(k - 1))) {
    end = k;
    while (end > start && isSpaceCode(raw.charCodeAt(end - 1))) end--;
  }
  if (end <= start || k === start) return undefined;
  return { level, text: raw.slice(start, end), start };
}

/** Heading-shaped: short, a few words, no final full stop or comma. A question mark is allowed. */
export function isHeadingShaped(s: string): boolean {
  const t = s.trim();
  if (t.length === 0 || t.length > MAX_HEADING_CHARS) return false;
  if (t.split(/\s+/u).length > MAX_HEADING_WORDS) return false;
  if (FINAL_PUNCT_RE.test(t)) return false;
  if (BULLET_RE.test(t)) return false;
  return /\p{L}/u.test(t);
}

/** The line holding an offset (the last line starting at or before it). */
export function lineAt(lines: readonly Line[], offset: number): Line {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lines[mid]?.start ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lines[lo] as Line;
}
