/**
 * The article's metadata for the splitter (split.ts): front matter read as text, never
 * evaluated; titles from file names; and the cleaning and caps of every field shown to users.
 */
import { isSpaceCode, type Line } from './split-lines.js';

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
/** Front matter must close within this many lines. */
const MAX_FRONT_MATTER_LINES = 100;

/** Month names and their abbreviations, as a regular-expression alternation. */
const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
/** A date line: "9 July 2025", "July 9th, 2025", "2025-07-09". */
export const DATE_RE = new RegExp(
  `^(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{4}-\\d{2}-\\d{2})$`,
  'iu',
);

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

/** The fields of an article's front matter, and the line its body starts on. */
export interface FrontMatter {
  fields: Map<string, string>;
  bodyFrom: number;
}

/**
 * Reads `key: value` front matter between `---` fences at the very top, as text (nothing is
 * evaluated): see the header comment for what is accepted.
 */
export function readFrontMatter(lines: Line[], warn: (w: string) => void): FrontMatter {
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
export function cleanField(raw: string, max: number, what: string, warn?: (w: string) => void): string {
  const cleaned = cleanInline(raw);
  if (warn && /[\0-\x08\x0e-\x1f\x7f-\x9f\p{Cf}\p{Cs}]/u.test(raw)) {
    warn(`control or invisible characters removed from the ${what}`);
  }
  const capped = capText(cleaned, max);
  if (warn && capped !== cleaned) warn(`${what} cut to ${max} characters (was ${cleaned.length})`);
  return capped;
}

/** The url when it is a plain http(s) address. */
export function cleanUrl(raw: string, warn: (w: string) => void): string | undefined {
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
