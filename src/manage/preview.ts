/**
 * What an article would be in the index, without building one: split by the same splitter the index
 * uses (core/split.ts), so the title, sections and passage count shown are the ones answers will use.
 * And what an update changes, passage by passage.
 */
import { createHash } from 'node:crypto';
import { splitArticle } from '../core/split.js';
import type { ArticlePreview, PassageDiff } from './types.js';

/** Shortest passage preferred as the sample quote (a heading-like line is a poor sample). */
const SAMPLE_MIN_CHARS = 80;

/** An article split for a preview: the preview and its passages' texts. */
export interface SplitPreview {
  preview: ArticlePreview;
  texts: string[];
}

/** Hex SHA-256 of a text (the store's content hash). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Splits `text` as the index would file it under `file`, for the preview. */
export function previewArticle(file: string, text: string, source: string): SplitPreview {
  const split = splitArticle({ file, text, hash: contentHash(text).slice(0, 16) });
  const texts = split.passages.map((p) => p.text);
  const sample = texts.find((t) => t.length >= SAMPLE_MIN_CHARS) ?? texts[0] ?? '';
  return {
    texts,
    preview: {
      title: split.meta.title,
      sections: split.meta.sections.map((s) => s.name).filter((n) => n.length > 0),
      passages: texts.length,
      sample,
      source,
      bytes: Buffer.byteLength(text, 'utf8'),
    },
  };
}

/** Whitespace-insensitive key of a passage's text. */
function key(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * Passages added, changed, removed and unchanged from `before` to `after`, by text (whitespace
 * aside). A passage that is gone where a new one appeared counts as changed (paired in order);
 * the rest of the new ones as added, of the old ones as removed.
 */
export function diffPassages(before: readonly string[], after: readonly string[]): PassageDiff {
  const left = new Map<string, number>();
  for (const t of before) left.set(key(t), (left.get(key(t)) ?? 0) + 1);
  let unchanged = 0;
  let fresh = 0;
  for (const t of after) {
    const k = key(t);
    const n = left.get(k) ?? 0;
    if (n > 0) {
      unchanged++;
      left.set(k, n - 1);
    } else fresh++;
  }
  const gone = [...left.values()].reduce((a, b) => a + b, 0);
  const changed = Math.min(fresh, gone);
  return { added: fresh - changed, changed, removed: gone - changed, unchanged };
}
