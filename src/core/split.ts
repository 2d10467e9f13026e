/**
 * Splits an article into quotable passages, each with its origin.
 *
 * Rules (see README "How articles are split"):
 * - Optional front matter between `---` lines at the top (title, author, date, url).
 * - A leading date line ("9 July 2025") is the article's date.
 * - The first line is the title when it looks like a heading (short, no final full
 *   stop) and body text follows.
 * - Headings: Markdown `#` lines; plain-text headings (short line, no final full stop,
 *   followed by body text whose first letter is not lower case); numbered sub-headings
 *   ("1. Breaking Down Cost Barriers"), nested under the plain or Markdown heading above.
 * - Passages: paragraphs and list items. A line that ends without final punctuation and
 *   is followed by a line starting in lower case is one sentence broken in two: the lines
 *   are joined with a space. In Markdown files consecutive lines form one paragraph.
 * - A list's lead-in line stays a passage of its own and is attached to every item as
 *   `context`: it is indexed with the item but never glued into the item's quote.
 *
 * Hostile or unusual text:
 * - Line breaks are CRLF, LF, a lone CR (old Mac files), NEL (U+0085), and the Unicode
 *   line and paragraph separators (U+2028, U+2029). Offsets always index the text as
 *   given, so a byte order mark at offset 0 counts as one code unit.
 * - Passage text is verbatim: zero-width characters (U+200B…) and other invisible
 *   characters stay in it. Metadata shown to users (title, author, date, url, section
 *   names) is plain single-line text: control and invisible format characters are
 *   removed, whitespace collapsed, and each field capped (title 256 characters, "…"
 *   where cut). A url is kept only when it is an http(s) address.
 * - Front matter is read as text, never evaluated: quoted values lose their quotes,
 *   YAML tags other than `!!str` (`!!js/function`…), aliases and nested mappings make a
 *   field ignored, block scalars and lists are joined on one line, and a repeated key
 *   keeps its first value. Front matter that never closes (no `---` within 100 lines)
 *   is not front matter: the file is read as body text.
 * - A paragraph longer than MAX_PASSAGE_CHARS is cut into several passages at sentence
 *   ends (else at a space), so a quote is always chosen from a bounded passage.
 * - Every such repair is named in `warnings`.
 */
import type { ArticleMeta, Passage, SourceText } from './types.js';

/** A passage before it gets its index id. */
export type DraftPassage = Omit<Passage, 'id'>;

export interface SplitResult {
  meta: ArticleMeta;
  passages: DraftPassage[];
  /** What was repaired or ignored in this article (cut metadata, odd front matter, long paragraphs). */
  warnings: string[];
}

/**
 * Longest title kept, in characters (UTF-16 units); a longer one is cut with "…". Discord's embed
 * title limit; long enough for every Cranfield title (the longest is 249), which the ranking indexes.
 */
export const MAX_TITLE_CHARS = 256;
/** Longest author kept. */
export const MAX_AUTHOR_CHARS = 120;
/** Longest date kept. */
export const MAX_DATE_CHARS = 60;
/** Longest url kept (a longer one is dropped: a cut address is a wrong address). */
export const MAX_URL_CHARS = 500;
/** Longest heading name kept, per level of the section path. */
export const MAX_SECTION_CHARS = 200;
/** Longest passage: a longer paragraph is cut into passages at sentence ends. */
export const MAX_PASSAGE_CHARS = 8000;
/** Front matter must close within this many lines. */
const MAX_FRONT_MATTER_LINES = 100;
/** At most this many warnings per article are kept. */
const MAX_WARNINGS = 20;

interface Line {
  /** 1-based line number. */
  no: number;
  /** Offset of the line's first character in the file text. */
  start: number;
  /** The line without its end-of-line characters. */
  raw: string;
  /** Only whitespace. */
  blank: boolean;
}

const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DATE_RE = new RegExp(
  `^(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{4}-\\d{2}-\\d{2})$`,
  'iu',
);
const LINE_BREAK_RE = /\r\n|[\n\r\u0085\u2028\u2029]/gu;
const BULLET_RE = /^(\s*)([-*+•‣◦▪]|[–—])\s+/u;
const NUMBERED_RE = /^\s*\d{1,3}[.)]\s+\S/u;
const FINAL_PUNCT_RE = /[.!;:,…]["”’]?$/u;
const SENTENCE_END_RE = /[.!?…:;]["”’)\]]?$/u;
const FENCE_RE = /^\s*(```|~~~)/u;
const MAX_HEADING_CHARS = 120;
const MAX_HEADING_WORDS = 16;

function splitLines(text: string): Line[] {
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
function nextNonBlankIndex(lines: readonly Line[]): Int32Array {
  const next = new Int32Array(lines.length);
  let k = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    next[i] = k;
    if (!lines[i]?.blank) k = i;
  }
  return next;
}

function isBlank(line: Line | undefined): boolean {
  return line === undefined || line.blank;
}

function startsLowerCase(s: string): boolean {
  const first = s.trimStart().match(/\p{L}|\p{N}/u)?.[0];
  return first !== undefined && first !== first.toUpperCase() && first === first.toLowerCase();
}

/** Whitespace as JavaScript's `\s` sees it, plus NEL (U+0085). */
function isSpaceCode(c: number): boolean {
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
function mdHeading(raw: string): { level: number; text: string; start: number } | undefined {
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
function isHeadingShaped(s: string): boolean {
  const t = s.trim();
  if (t.length === 0 || t.length > MAX_HEADING_CHARS) return false;
  if (t.split(/\s+/u).length > MAX_HEADING_WORDS) return false;
  if (FINAL_PUNCT_RE.test(t)) return false;
  if (BULLET_RE.test(t)) return false;
  return /\p{L}/u.test(t);
}

/** Removes YAML quotes from a scalar: `"a \"b\""` → `a "b"`, `'it''s'` → `it's`. */
function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '"': '"',
      '\\': '\\',
      '/': '/',
      ' ': ' ',
    };
    return v
      .slice(1, -1)
      .replace(
        /\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))/gu,
        (all, u?: string, x?: string, c?: string) => {
          const hex = u ?? x;
          if (hex) return String.fromCharCode(parseInt(hex, 16));
          return (c && simple[c]) ?? all;
        },
      );
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/gu, "'");
  return v;
}

/** Makes a warning safe to log: one line, bounded. */
function quoteForWarning(s: string): string {
  return JSON.stringify(capText(cleanInline(s), 40));
}

interface FrontMatter {
  fields: Map<string, string>;
  bodyFrom: number;
}

/**
 * Reads `key: value` front matter between `---` fences at the very top, as text (nothing is
 * evaluated): see the header comment for what is accepted.
 */
function readFrontMatter(lines: Line[], warn: (w: string) => void): FrontMatter {
  if (lines[0]?.raw.replace(/^\uFEFF/u, '').trim() !== '---') return { fields: new Map(), bodyFrom: 0 };
  const fields = new Map<string, string>();
  const notes: string[] = [];
  let key: string | undefined;
  let first = '';
  let parts: { text: string; item: boolean }[] = [];
  const flush = () => {
    if (key === undefined) return;
    const { value, problem } = fieldValue(first, parts);
    if (problem) notes.push(`front-matter "${key}" ignored: ${problem}`);
    else if (value !== undefined) {
      if (fields.has(key)) notes.push(`duplicate front-matter key "${key}": the first value is kept`);
      else fields.set(key, value);
    }
    key = undefined;
  };
  for (let i = 1; i < lines.length && i < MAX_FRONT_MATTER_LINES; i++) {
    const raw = lines[i]?.raw ?? '';
    const t = raw.trim();
    if (t === '---' || t === '...') {
      flush();
      notes.forEach(warn);
      return { fields, bodyFrom: i + 1 };
    }
    if (t === '' || t.startsWith('#')) continue;
    const item = t === '-' || t.startsWith('- ');
    if (key !== undefined && (item || isSpaceCode(raw.charCodeAt(0)))) {
      parts.push({ text: item ? t.slice(1).trim() : t, item });
      continue;
    }
    flush();
    const m = raw.match(/^([A-Za-z][\w-]{0,63})\s*:\s*(.*)$/u);
    if (m?.[1] !== undefined) {
      key = m[1].toLowerCase();
      first = m[2] ?? '';
      parts = [];
    }
  }
  warn(
    `front matter never closes (no "---" line within ${MAX_FRONT_MATTER_LINES} lines): the file is read as body text`,
  );
  return { fields: new Map(), bodyFrom: 0 };
}

/** The value of one front-matter field: its first line and any indented or list lines under it. */
function fieldValue(
  firstLine: string,
  parts: { text: string; item: boolean }[],
): { value?: string; problem?: string } {
  let v = firstLine.trim();
  v = v.replace(/^&[\w-]+(?:\s+|$)/u, '');
  if (/^\*[\w-]+$/u.test(v)) return { problem: 'a YAML alias' };
  if (/^!!str(?:\s|$)/u.test(v)) v = v.slice(5).trim();
  else if (/^!{1,2}[\w/:.%-]*(?:\s|$)/u.test(v)) {
    return { problem: `a YAML tag ${quoteForWarning(v.split(/\s/u)[0] ?? v)}` };
  }
  if (v.startsWith('{')) return { problem: 'a YAML mapping' };
  if (/^[|>][-+0-9]*$/u.test(v)) return { value: parts.map((p) => p.text).join(' ') };
  if (v.startsWith('[') && v.endsWith(']')) {
    const items = v.slice(1, -1).split(',');
    return { value: items.map((s) => unquote(s.trim())).join(', ') };
  }
  if (v === '') {
    if (parts.length === 0) return {};
    if (!parts.every((p) => p.item)) return { problem: 'a nested mapping' };
    return { value: parts.map((p) => unquote(p.text)).join(', ') };
  }
  return { value: unquote([v, ...parts.map((p) => p.text)].join(' ')) };
}

/** A readable title made from a file name: "open-source_ai.txt" → "Open Source Ai". */
export function titleFromFileName(file: string): string {
  const base = file.split('/').pop() ?? file;
  const stem = base.replace(/\.[^.]+$/u, '');
  const words = stem.split(/[-_\s.]+/u).filter((w) => w && !/^[0-9a-f]{8,}$/iu.test(w) && !/^\d+$/u.test(w));
  const title =
    words.length === 0 ? stem || base : words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return capText(cleanInline(title), MAX_TITLE_CHARS);
}

/**
 * Plain single-line text for metadata shown to users: invisible format characters (zero-width,
 * bidirectional controls, byte order marks) and lone surrogates removed, other control
 * characters removed, line breaks and whitespace runs made one space, at most four combining
 * marks in a row.
 */
export function cleanInline(s: string): string {
  return s
    .replace(/[\p{Cf}\p{Cs}]/gu, '')
    .replace(/[\0-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]/gu, '')
    .replace(/[\s\x85]+/gu, ' ')
    .replace(/(\p{M}{4})\p{M}+/gu, '$1')
    .trim();
}

/** Cuts text to at most `max` characters, at a space when one is near, adding "…"; never splits a surrogate pair. */
export function capText(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const space = s.lastIndexOf(' ', cut);
  if (space > max * 0.7) cut = space;
  else {
    const c = s.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
  }
  return `${s.slice(0, cut).trimEnd()}…`;
}

/** Cleans and caps one metadata field, naming what was changed. */
function cleanField(raw: string, max: number, what: string, warn?: (w: string) => void): string {
  const cleaned = cleanInline(raw);
  if (warn && /[\0-\x08\x0e-\x1f\x7f-\x9f\p{Cf}\p{Cs}]/u.test(raw)) {
    warn(`control or invisible characters removed from the ${what}`);
  }
  const capped = capText(cleaned, max);
  if (warn && capped !== cleaned) warn(`${what} cut to ${max} characters (was ${cleaned.length})`);
  return capped;
}

/** The url when it is a plain http(s) address. */
function cleanUrl(raw: string, warn: (w: string) => void): string | undefined {
  const v = cleanInline(raw);
  if (!v) return undefined;
  if (v.length > MAX_URL_CHARS) {
    warn(`url ignored: longer than ${MAX_URL_CHARS} characters`);
    return undefined;
  }
  let ok = false;
  try {
    const u = new URL(v);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && !/\s/u.test(v);
  } catch {
    ok = false;
  }
  if (!ok) warn(`url ignored: ${quoteForWarning(v)} is not an http(s) address`);
  return ok ? v : undefined;
}

interface Block {
  kind: 'paragraph' | 'item' | 'heading';
  level?: number;
  numbered?: boolean;
  lines: Line[];
  /** Offset of the block's first character of content within its first line. */
  contentStart: number;
}

/** Splits one article. `markdown` selects Markdown paragraph rules. */
export function splitArticle(source: SourceText, markdown = source.file.endsWith('.md')): SplitResult {
  const text = source.text;
  const warnings: string[] = [];
  let dropped = 0;
  const warn = (w: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(w);
    else dropped++;
  };
  const lines = splitLines(text);
  const nextNonBlank = nextNonBlankIndex(lines);
  const { fields, bodyFrom } = readFrontMatter(lines, warn);
  let i = bodyFrom;
  const skipBlank = () => {
    while (i < lines.length && isBlank(lines[i])) i++;
  };

  skipBlank();
  const fmDate = fields.get('date');
  let date = fmDate ? cleanField(fmDate, MAX_DATE_CHARS, 'date', warn) : undefined;
  const firstRaw = (lines[i]?.raw ?? '').replace(/^\uFEFF/u, '').trim();
  if (lines[i] && firstRaw.length <= MAX_DATE_CHARS && DATE_RE.test(firstRaw)) {
    date ||= firstRaw;
    i++;
    skipBlank();
  }

  const fmTitle = fields.get('title');
  let title = fmTitle ? cleanField(fmTitle, MAX_TITLE_CHARS, 'title', warn) : '';
  // The first line is the title when it is heading-shaped and body text follows it.
  const first = lines[i];
  if (first) {
    const md = mdHeading(first.raw);
    const nextIdx = nextNonBlank[i] ?? -1;
    const next = nextIdx >= 0 ? lines[nextIdx] : undefined;
    const shaped = md ? md.level === 1 : isHeadingShaped(first.raw) && !NUMBERED_RE.test(first.raw);
    const firstText = md?.text ?? first.raw;
    const firstTitle = shaped ? cleanField(firstText, MAX_TITLE_CHARS, 'title') : '';
    // With a front-matter title, the first line is consumed only when it repeats that title.
    if (shaped && next && !startsLowerCase(next.raw) && (!title || firstTitle === title)) {
      if (!title) title = cleanField(firstText, MAX_TITLE_CHARS, 'title', warn);
      i++;
    }
  }
  if (!title) title = titleFromFileName(source.file);

  const blocks = toBlocks(lines, nextNonBlank, i, markdown);
  const passages: DraftPassage[] = [];
  const sections: { name: string; passages: number }[] = [];
  const mdStack: { level: number; name: string }[] = [];
  let plainHeading = '';
  let numberedHeading = '';
  let section = '';
  let paragraph = 0;
  let leadIn: string | undefined;

  const setSection = (name: string) => {
    section = name;
    paragraph = 0;
    leadIn = undefined;
  };
  const parentPath = () => [...mdStack.map((h) => h.name), plainHeading].filter(Boolean);

  for (const b of blocks) {
    const joined = joinRange(b, 0, Infinity);
    if (!joined.text) continue;
    if (b.kind === 'heading') {
      const name = cleanField(joined.text, MAX_SECTION_CHARS, `heading on line ${b.lines[0]?.no ?? 0}`, warn);
      if (b.level !== undefined) {
        while (mdStack.length && (mdStack[mdStack.length - 1]?.level ?? 0) >= b.level) mdStack.pop();
        mdStack.push({ level: b.level, name });
        plainHeading = '';
        numberedHeading = '';
        setSection(mdStack.map((h) => h.name).join(' › '));
      } else if (b.numbered) {
        numberedHeading = name;
        setSection([...parentPath(), numberedHeading].join(' › '));
      } else {
        plainHeading = name;
        numberedHeading = '';
        setSection(parentPath().join(' › '));
      }
      continue;
    }
    let pieces = [joined];
    let lineRanges: [number, number][] = [[b.lines[0]?.no ?? 0, b.lines[b.lines.length - 1]?.no ?? 0]];
    if (joined.text.length > MAX_PASSAGE_CHARS) {
      const cuts = cutLongText(text, joined.start, joined.end, MAX_PASSAGE_CHARS);
      pieces = cuts.map(([s, e]) => joinRange(b, s, e)).filter((p) => p.text);
      lineRanges = pieces.map((p) => [
        lineAt(b.lines, p.start).no,
        lineAt(b.lines, Math.max(p.start, p.end - 1)).no,
      ]);
      warn(
        `paragraph on line ${b.lines[0]?.no ?? 0} is ${joined.text.length} characters long: cut into ${pieces.length} passages of at most ${MAX_PASSAGE_CHARS}`,
      );
    }
    pieces.forEach((piece, k) => {
      paragraph++;
      const passage: DraftPassage = {
        kind: b.kind === 'item' ? 'item' : 'paragraph',
        text: piece.text,
        origin: {
          file: source.file,
          title,
          section,
          paragraph,
          lines: lineRanges[k] ?? [0, 0],
          offsets: [piece.start, piece.end],
        },
      };
      if (b.kind === 'item') {
        if (leadIn) passage.context = leadIn;
      } else {
        leadIn = /:$/u.test(piece.text) ? piece.text : undefined;
      }
      passages.push(passage);
      const last = sections[sections.length - 1];
      if (last && last.name === section) last.passages++;
      else sections.push({ name: section, passages: 1 });
    });
  }

  const meta: ArticleMeta = {
    file: source.file,
    title,
    sections,
    passages: passages.length,
    hash: source.hash,
  };
  if (date) meta.date = date;
  const author = fields.get('author');
  if (author) {
    const a = cleanField(author, MAX_AUTHOR_CHARS, 'author', warn);
    if (a) meta.author = a;
  }
  const url = fields.get('url');
  if (url) {
    const u = cleanUrl(url, warn);
    if (u) {
      meta.url = u;
      for (const p of passages) p.origin.url = u;
    }
  }
  if (dropped) warnings.push(`… and ${dropped} more`);
  return { meta, passages, warnings };
}

/** The line holding an offset (the last line starting at or before it). */
function lineAt(lines: readonly Line[], offset: number): Line {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lines[mid]?.start ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lines[lo] as Line;
}

/**
 * Joins the content of a block's lines within text offsets [from, to) with single spaces;
 * the offsets returned span the original text.
 */
function joinRange(b: Block, from: number, to: number): { text: string; start: number; end: number } {
  const parts: string[] = [];
  let start = -1;
  let end = 0;
  // The first line that ends after `from`.
  let lo = 0;
  let hi = b.lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const l = b.lines[mid] as Line;
    if (l.start + l.raw.length <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < b.lines.length; k++) {
    const line = b.lines[k] as Line;
    if (line.start >= to) break;
    const base = line.start + (k === 0 ? b.contentStart : 0);
    const s = Math.max(base, from) - line.start;
    const e = Math.min(line.start + line.raw.length, to) - line.start;
    if (e <= s) continue;
    const seg = line.raw.slice(s, e);
    const lead = seg.length - seg.trimStart().length;
    const content = seg.slice(lead).trimEnd();
    if (!content) continue;
    if (start < 0) start = line.start + s + lead;
    end = line.start + s + lead + content.length;
    parts.push(content);
  }
  return { text: parts.join(' ').replace(/[ \t]+/gu, ' '), start: Math.max(start, 0), end };
}

const CLOSERS = new Set(['"', '”', '’', ')', ']']);
const OPENERS = new Set(['"', '“', '‘', '(', '[']);

/**
 * Cuts text[start, end) into ranges of at most `max` characters: at the last sentence end
 * ("… word. Next") in the window, else at the last space, else (no space at all) at `max`.
 * Linear time.
 */
function cutLongText(text: string, start: number, end: number, max: number): [number, number][] {
  const out: [number, number][] = [];
  let pos = start;
  while (end - pos > max) {
    const limit = pos + max;
    let sentence = -1;
    let space = -1;
    // i: a whitespace character with a non-space before it; the piece would be [pos, i).
    for (let i = limit; i > pos && sentence < 0; i--) {
      if (!isSpaceCode(text.charCodeAt(i)) || isSpaceCode(text.charCodeAt(i - 1))) continue;
      if (space < 0) space = i;
      // A sentence end in the first quarter would make a tiny piece: a space later on is better.
      if (i - pos < max / 4) break;
      let j = i - 1;
      while (j > pos && CLOSERS.has(text.charAt(j))) j--;
      if (!/[.!?…]/u.test(text.charAt(j))) continue;
      let n = i;
      while (n < end && isSpaceCode(text.charCodeAt(n))) n++;
      if (OPENERS.has(text.charAt(n))) n++;
      const cp = String.fromCodePoint(text.codePointAt(n) ?? 32);
      if (/[\p{Lu}\p{N}]/u.test(cp)) sentence = i;
    }
    let cut = sentence >= 0 ? sentence : space;
    if (cut < 0) {
      cut = limit;
      const c = text.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--;
    }
    out.push([pos, cut]);
    pos = cut;
    while (pos < end && isSpaceCode(text.charCodeAt(pos))) pos++;
  }
  if (pos < end) out.push([pos, end]);
  return out;
}

/** Groups lines into headings, paragraphs and list items. */
function toBlocks(lines: Line[], nextNonBlank: Int32Array, from: number, markdown: boolean): Block[] {
  const blocks: Block[] = [];
  let inFence = false;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as Line;
    const raw = line.raw;
    const fence = FENCE_RE.test(raw);
    if (fence) {
      inFence = !inFence;
    }
    if (isBlank(line) && !inFence) continue;
    const prev = blocks[blocks.length - 1];
    const prevLine = lines[i - 1];
    const contiguous =
      prev && prevLine && !isBlank(prevLine) && prev.lines[prev.lines.length - 1] === prevLine;

    if (inFence || fence) {
      if (prev && contiguous && prev.kind === 'paragraph' && FENCE_RE.test(prev.lines[0]?.raw ?? '')) {
        prev.lines.push(line);
      } else {
        blocks.push({ kind: 'paragraph', lines: [line], contentStart: 0 });
      }
      continue;
    }

    const md = mdHeading(raw);
    if (md) {
      blocks.push({ kind: 'heading', level: md.level, lines: [line], contentStart: md.start });
      continue;
    }

    // A line continuing the previous block: a sentence broken across lines, or Markdown paragraph text.
    if (prev && contiguous && prev.kind !== 'heading') {
      const lastRaw = prev.lines[prev.lines.length - 1]?.raw.trimEnd() ?? '';
      const isNewItem = BULLET_RE.test(raw) || (NUMBERED_RE.test(raw) && markdown);
      const broken = !SENTENCE_END_RE.test(lastRaw) && startsLowerCase(raw);
      const mdContinuation = markdown && !isNewItem;
      if (!isNewItem && (broken || mdContinuation)) {
        prev.lines.push(line);
        continue;
      }
    }

    const bullet = raw.match(BULLET_RE);
    if (bullet) {
      blocks.push({ kind: 'item', lines: [line], contentStart: bullet[0].length });
      continue;
    }

    const nextIdx = nextNonBlank[i] ?? -1;
    const next = nextIdx >= 0 ? lines[nextIdx] : undefined;
    const nextDirect = lines[i + 1];
    const followedByBody = next !== undefined && !startsLowerCase(next.raw);
    const brokenIntoNext = !isBlank(nextDirect) && startsLowerCase(nextDirect?.raw ?? '');
    if (isHeadingShaped(raw) && followedByBody && !brokenIntoNext) {
      blocks.push({ kind: 'heading', numbered: NUMBERED_RE.test(raw), lines: [line], contentStart: 0 });
      continue;
    }

    if (NUMBERED_RE.test(raw)) {
      blocks.push({ kind: 'item', lines: [line], contentStart: 0 });
      continue;
    }
    blocks.push({ kind: 'paragraph', lines: [line], contentStart: 0 });
  }
  return blocks;
}
