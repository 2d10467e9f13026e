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
 */
import type { ArticleMeta, Passage, SourceText } from './types.js';

/** A passage before it gets its index id. */
export type DraftPassage = Omit<Passage, 'id'>;

export interface SplitResult {
  meta: ArticleMeta;
  passages: DraftPassage[];
}

interface Line {
  /** 1-based line number. */
  no: number;
  /** Offset of the line's first character in the file text. */
  start: number;
  /** The line without its end-of-line characters. */
  raw: string;
}

const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DATE_RE = new RegExp(
  `^(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\.?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{4}-\\d{2}-\\d{2})$`,
  'iu',
);
const MD_HEADING_RE = /^(#{1,6})\s+(.+?)\s*#*\s*$/u;
const BULLET_RE = /^(\s*)([-*+•‣◦▪]|[–—])\s+/u;
const NUMBERED_RE = /^\s*\d{1,3}[.)]\s+\S/u;
const FINAL_PUNCT_RE = /[.!;:,…]["”’]?$/u;
const SENTENCE_END_RE = /[.!?…:;]["”’)\]]?$/u;
const MAX_HEADING_CHARS = 120;
const MAX_HEADING_WORDS = 16;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  let no = 1;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    let raw = text.slice(pos, end);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    lines.push({ no, start: pos, raw });
    if (nl === -1) break;
    pos = nl + 1;
    no++;
  }
  return lines;
}

function isBlank(line: Line | undefined): boolean {
  return line === undefined || line.raw.trim() === '';
}

function startsLowerCase(s: string): boolean {
  const first = s.trimStart().match(/\p{L}|\p{N}/u)?.[0];
  return first !== undefined && first !== first.toUpperCase() && first === first.toLowerCase();
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

/** Reads `key: value` front matter between `---` fences at the very top. */
function readFrontMatter(lines: Line[]): { fields: Record<string, string>; bodyFrom: number } {
  if (lines[0]?.raw.replace(/^\uFEFF/u, '').trim() !== '---') return { fields: {}, bodyFrom: 0 };
  const fields: Record<string, string> = {};
  for (let i = 1; i < lines.length && i < 100; i++) {
    const raw = lines[i]?.raw ?? '';
    if (raw.trim() === '---' || raw.trim() === '...') return { fields, bodyFrom: i + 1 };
    const m = raw.match(/^([A-Za-z][\w-]*)\s*:\s*(.*)$/u);
    if (m?.[1] && m[2] !== undefined) {
      fields[m[1].toLowerCase()] = m[2].trim().replace(/^(["'])(.*)\1$/u, '$2');
    }
  }
  return { fields: {}, bodyFrom: 0 };
}

/** A readable title made from a file name: "open-source_ai.txt" → "Open Source Ai". */
export function titleFromFileName(file: string): string {
  const base = file.split('/').pop() ?? file;
  const stem = base.replace(/\.[^.]+$/u, '');
  const words = stem.split(/[-_\s.]+/u).filter((w) => w && !/^[0-9a-f]{8,}$/iu.test(w) && !/^\d+$/u.test(w));
  if (words.length === 0) return stem || base;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** Removes control characters and collapses whitespace in metadata shown to users. */
export function cleanInline(s: string): string {
  return s
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
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
  const lines = splitLines(text);
  const { fields, bodyFrom } = readFrontMatter(lines);
  let i = bodyFrom;
  const skipBlank = () => {
    while (i < lines.length && isBlank(lines[i])) i++;
  };

  skipBlank();
  let date = fields.date ? cleanInline(fields.date) : undefined;
  const firstRaw = (lines[i]?.raw ?? '').replace(/^\uFEFF/u, '').trim();
  if (lines[i] && DATE_RE.test(firstRaw)) {
    date ??= firstRaw;
    i++;
    skipBlank();
  }

  let title = fields.title ? cleanInline(fields.title) : '';
  // The first line is the title when it is heading-shaped and body text follows it.
  const first = lines[i];
  if (first) {
    const md = first.raw.match(MD_HEADING_RE);
    const next = lines.slice(i + 1).find((l) => !isBlank(l));
    const shaped = md ? md[1] === '#' : isHeadingShaped(first.raw) && !NUMBERED_RE.test(first.raw);
    const firstText = cleanInline(md?.[2] ?? first.raw);
    // With a front-matter title, the first line is consumed only when it repeats that title.
    if (shaped && next && !startsLowerCase(next.raw) && (!title || firstText === title)) {
      title = firstText;
      i++;
    }
  }
  if (!title) title = titleFromFileName(source.file);

  const blocks = toBlocks(lines, i, markdown);
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
    const joined = joinBlock(b);
    if (b.kind === 'heading') {
      const name = cleanInline(joined.text);
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
    paragraph++;
    const passage: DraftPassage = {
      kind: b.kind,
      text: joined.text,
      origin: {
        file: source.file,
        title,
        section,
        paragraph,
        lines: [b.lines[0]?.no ?? 0, b.lines[b.lines.length - 1]?.no ?? 0],
        offsets: [joined.start, joined.end],
      },
    };
    if (b.kind === 'item') {
      if (leadIn) passage.context = leadIn;
    } else {
      leadIn = /:$/u.test(joined.text) ? joined.text : undefined;
    }
    passages.push(passage);
    const last = sections[sections.length - 1];
    if (last && last.name === section) last.passages++;
    else sections.push({ name: section, passages: 1 });
  }

  const meta: ArticleMeta = {
    file: source.file,
    title,
    sections,
    passages: passages.length,
    hash: source.hash,
  };
  if (date) meta.date = date;
  if (fields.author) meta.author = cleanInline(fields.author);
  if (fields.url) meta.url = cleanInline(fields.url);
  return { meta, passages };
}

/** Joins a block's lines with single spaces; offsets span the original text. */
function joinBlock(b: Block): { text: string; start: number; end: number } {
  const parts: string[] = [];
  let start = -1;
  let end = 0;
  b.lines.forEach((line, k) => {
    const from = k === 0 ? b.contentStart : 0;
    const raw = line.raw;
    const lead = raw.slice(from).match(/^\s*/u)?.[0].length ?? 0;
    const content = raw.slice(from + lead).trimEnd();
    if (!content) return;
    if (start < 0) start = line.start + from + lead;
    end = line.start + from + lead + content.length;
    parts.push(content);
  });
  return { text: parts.join(' ').replace(/[ \t]+/gu, ' '), start: Math.max(start, 0), end };
}

/** Groups lines into headings, paragraphs and list items. */
function toBlocks(lines: Line[], from: number, markdown: boolean): Block[] {
  const blocks: Block[] = [];
  let inFence = false;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i] as Line;
    const raw = line.raw;
    if (/^\s*(```|~~~)/u.test(raw)) {
      inFence = !inFence;
    }
    if (isBlank(line) && !inFence) continue;
    const prev = blocks[blocks.length - 1];
    const prevLine = lines[i - 1];
    const contiguous =
      prev && prevLine && !isBlank(prevLine) && prev.lines[prev.lines.length - 1] === prevLine;

    if (inFence || /^\s*(```|~~~)/u.test(raw)) {
      if (
        prev &&
        contiguous &&
        prev.kind === 'paragraph' &&
        /^\s*(```|~~~)/u.test(prev.lines[0]?.raw ?? '')
      ) {
        prev.lines.push(line);
      } else {
        blocks.push({ kind: 'paragraph', lines: [line], contentStart: 0 });
      }
      continue;
    }

    const md = raw.match(MD_HEADING_RE);
    if (md?.[1] && md[2]) {
      blocks.push({
        kind: 'heading',
        level: md[1].length,
        lines: [line],
        contentStart: raw.indexOf(md[2]),
      });
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

    const next = lines.slice(i + 1).find((l) => !isBlank(l));
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
