/**
 * Finding the article a user named: exact names, prefixes, words, substrings, then small
 * typos, in tiers (see `rankArticles`).
 */
import { normalizeWord } from './text.js';
import type { ArticleMeta } from './types.js';

/** One article that matches a typed name: its tier (lower is better) and the typos it took. */
export interface RankedArticle {
  a: ArticleMeta;
  tier: number;
  edits: number;
}

/**
 * Articles matching what a user typed, best first (for lookup and autocomplete). Tiers, in
 * order: the exact file or title (case-insensitive, the file also without its extension);
 * a prefix of the title or file; every typed word starting a word of the title or file
 * name (without extension); a substring of at least MIN_SUBSTRING characters; then small typos (every typed word within `articleTypos` edits of a
 * word of the title or file name, or of a word's beginning for typed words of 5+ letters;
 * a swap of two neighbouring letters is one edit).
 * Within a tier, fewer edits first, then the articles' own order (by file). Nonsense
 * matches nothing: an empty list, never an arbitrary article.
 */
export function rankArticles(
  articles: readonly ArticleMeta[],
  query: string,
  limit: number,
): RankedArticle[] {
  const q = normalizeName(query);
  if (!q || limit <= 0) return [];
  const typed = nameWords(q);
  const ranked: { a: ArticleMeta; tier: number; edits: number; order: number }[] = [];
  articles.forEach((a, order) => {
    const title = normalizeName(a.title);
    const file = normalizeName(a.file);
    const stem = file.replace(/\.[^./]+$/u, '');
    let tier = -1;
    let edits = 0;
    if (a.file === query.trim() || a.title === query.trim()) tier = 0;
    else if (q === title || q === file || q === stem) tier = 1;
    else if (title.startsWith(q) || file.startsWith(q)) tier = 2;
    else {
      // Past the prefix, the file's extension is no part of its name ("x" is not in "a.txt").
      const words = [...nameWords(title), ...nameWords(stem)];
      if (typed.length > 0 && typed.every((t) => words.some((w) => w.startsWith(t)))) tier = 3;
      else if (q.length >= MIN_SUBSTRING && (title.includes(q) || stem.includes(q))) tier = 4;
      else {
        const e = typoEdits(typed, words);
        if (e !== undefined) {
          tier = 5;
          edits = e;
        }
      }
    }
    if (tier >= 0) ranked.push({ a, tier, edits, order });
  });
  ranked.sort((x, y) => x.tier - y.tier || x.edits - y.edits || x.order - y.order);
  return ranked.slice(0, limit);
}

/** Shortest typed text matched inside an article's name (shorter ones must start a word). */
const MIN_SUBSTRING = 3;

/** Most edits a typed word of an article name may be off by: 1 from 4 letters, 2 from 8. */
export function articleTypos(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/** An article name or query as compared: normalised, spaces collapsed. */
function normalizeName(s: string): string {
  return normalizeWord(s).replace(/\s+/gu, ' ').trim();
}

/** The words of a name: runs of letters and digits. */
function nameWords(s: string): string[] {
  return s.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Total edits when every typed word is a small typo of a name word or (5+ letters) of a
 * name word's beginning (the typed length, ±1); undefined when some word is not. Words shorter than 4
 * letters must start a name word exactly, and at least one typed word must be 4+ letters.
 */
function typoEdits(typed: readonly string[], words: readonly string[]): number | undefined {
  if (!typed.some((t) => t.length >= 4)) return undefined;
  let total = 0;
  for (const t of typed) {
    const max = articleTypos(t.length);
    let best = Infinity;
    for (const w of words) {
      if (w.startsWith(t)) {
        best = 0;
        break;
      }
      if (max === 0) continue;
      const lengths = t.length >= 5 ? [w.length, t.length - 1, t.length, t.length + 1] : [w.length];
      for (const len of lengths) {
        if (len < 1 || len > w.length) continue;
        const d = typoDistance(t, w.slice(0, len));
        if (d < best) best = d;
      }
    }
    if (best > max) return undefined;
    total += best;
  }
  return total;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
export function typoDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (rows[i - 1]?.[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (rows[i - 1]?.[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
