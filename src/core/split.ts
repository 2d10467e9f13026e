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
import { cutLongText, joinRange, toBlocks } from './split-blocks.js';
import {
  isBlank,
  lineAt,
  mdHeading,
  isHeadingShaped,
  NUMBERED_RE,
  nextNonBlankIndex,
  splitLines,
  startsLowerCase,
} from './split-lines.js';
import {
  cleanField,
  cleanUrl,
  DATE_RE,
  MAX_AUTHOR_CHARS,
  MAX_DATE_CHARS,
  MAX_SECTION_CHARS,
  MAX_TITLE_CHARS,
  readFrontMatter,
  titleFromFileName,
} from './split-meta.js';
import type { ArticleMeta, Passage, SourceText } from './types.js';

export {
  capText,
  cleanInline,
  MAX_AUTHOR_CHARS,
  MAX_DATE_CHARS,
  MAX_SECTION_CHARS,
  MAX_TITLE_CHARS,
  MAX_URL_CHARS,
  titleFromFileName,
} from './split-meta.js';

/** A passage before it gets its index id. */
export type DraftPassage = Omit<Passage, 'id'>;

/** One article split: its metadata, its passages, and what was repaired on the way. */
export interface SplitResult {
  meta: ArticleMeta;
  passages: DraftPassage[];
  /** What was repaired or ignored in this article (cut metadata, odd front matter, long paragraphs). */
  warnings: string[];
}

/** Longest passage: a longer paragraph is cut into passages at sentence ends. */
export const MAX_PASSAGE_CHARS = 8000;
/** At most this many warnings per article are kept. */
const MAX_WARNINGS = 20;

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
