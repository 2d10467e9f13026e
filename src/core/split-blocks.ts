/**
 * Lines grouped into blocks (headings, paragraphs, list items) for the splitter (split.ts),
 * the joining of a block's lines into passage text with offsets, and the cutting of an
 * overlong paragraph at sentence ends.
 */
import {
  BULLET_RE,
  FENCE_RE,
  isBlank,
  isHeadingShaped,
  isSpaceCode,
  type Line,
  mdHeading,
  NUMBERED_RE,
  SENTENCE_END_RE,
  startsLowerCase,
} from './split-lines.js';

/** Consecutive lines that make one heading, paragraph or list item. */
export interface Block {
  kind: 'paragraph' | 'item' | 'heading';
  level?: number;
  numbered?: boolean;
  lines: Line[];
  /** Offset of the block's first character of content within its first line. */
  contentStart: number;
}

/**
 * Joins the content of a block's lines within text offsets [from, to) with single spaces;
 * the offsets returned span the original text.
 */
export function joinRange(b: Block, from: number, to: number): { text: string; start: number; end: number } {
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
export function cutLongText(text: string, start: number, end: number, max: number): [number, number][] {
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
export function toBlocks(lines: Line[], nextNonBlank: Int32Array, from: number, markdown: boolean): Block[] {
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
