/**
 * The sections of /read as button ids and autocomplete choices. A ◀/▶ button's signed id names the
 * section (its article's position, its own position and a hash of both names), so it keeps working
 * after the 15-minute answer store forgot everything, and after a re-index that left the section in
 * place; a section that moved or went away is told as such. The route is interactions/routes/read.ts.
 */
import { createHash } from 'node:crypto';
import { sectionName } from '../commands/commands.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { ArticleMeta } from '../core/types.js';
import { truncate } from './escape.js';
import { LIMITS } from './limits.js';

function hashOf(article: ArticleMeta, sectionIndex: number): string {
  const name = article.sections[sectionIndex]?.name ?? '';
  return createHash('sha256').update(`${article.file}\0${sectionIndex}\0${name}`).digest('hex').slice(0, 12);
}

/** The id of a section in a button: `<article position>x<section position>x<hash>`. */
export function sectionKey(index: CorpusIndex, article: ArticleMeta, sectionIndex: number): string {
  return `${Math.max(0, index.articles.indexOf(article))}x${sectionIndex}x${hashOf(article, sectionIndex)}`;
}

/** The section a key names in this snapshot (found again when the article moved), or undefined. */
export function findSectionKey(
  index: CorpusIndex,
  key: string,
): { article: ArticleMeta; sectionIndex: number } | undefined {
  const m = /^(\d{1,9})x(\d{1,9})x([0-9a-f]{12})$/u.exec(key);
  if (!m) return undefined;
  const [, at = '', section = '', hash] = m;
  const sectionIndex = Number(section);
  const same = (a: ArticleMeta | undefined) => a !== undefined && hashOf(a, sectionIndex) === hash;
  const there = index.articles[Number(at)];
  const article = same(there) ? there : index.articles.find(same);
  return article ? { article, sectionIndex } : undefined;
}

/**
 * Autocomplete of `section`: the sections of the article chosen in `article`, whose shown name
 * contains what was typed. A name that is unique and fits is its own value; otherwise `#n`.
 */
export function sectionChoices(
  index: CorpusIndex,
  articleTyped: string | null,
  typed: string,
): { name: string; value: string }[] {
  const article = articleTyped ? index.findArticle(articleTyped) : undefined;
  if (!article) return [];
  const q = typed.trim().toLowerCase();
  const names = article.sections.map((s) => sectionName(s.name));
  const seen = new Map<string, number>();
  for (const n of names) seen.set(n.toLowerCase(), (seen.get(n.toLowerCase()) ?? 0) + 1);
  return names
    .map((n, k) => {
      const unique = seen.get(n.toLowerCase()) === 1;
      const shown = (unique ? n : `${n} (#${k + 1})`).replace(/\s+/gu, ' ').trim();
      return {
        name: truncate(shown, LIMITS.choiceName),
        value: unique && n.length <= LIMITS.choiceValue && n === n.trim() ? n : `#${k + 1}`,
        shown,
      };
    })
    .filter((c) => !q || c.shown.toLowerCase().includes(q))
    .slice(0, LIMITS.choices)
    .map(({ name, value }) => ({ name, value }));
}
