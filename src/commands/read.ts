/**
 * /read: a whole section of one article, passage by passage, verbatim; and how a typed section
 * name is matched to an article's sections.
 */
import type { ArticleMeta, Passage } from '../core/types.js';
import type { CommandError, Services } from './commands.js';
import { notReady } from './errors.js';

/** A whole section of one article, passage by passage, verbatim. */
export interface ReadResult {
  kind: 'read';
  article: ArticleMeta;
  /** Position of the section in `article.sections` (a heading can occur twice). */
  sectionIndex: number;
  /** The section's name; empty for the text before the first heading. */
  section: string;
  /** The section's passages in reading order. */
  passages: readonly Passage[];
}

/** How the text before an article's first heading is named where a name must be shown or typed. */
export const OPENING_SECTION = '(opening)';

/** Names listed in a "what exists" message, at most. */
const LISTED_NAMES = 25;

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_NAMES).map((n) => `"${n}"`);
  const rest = names.length - shown.length;
  return `${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

function cut(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

/** The section's name as shown and typed: OPENING_SECTION for the text before the first heading. */
export function sectionName(name: string): string {
  return name || OPENING_SECTION;
}

/**
 * Finds a section of an article from what the user typed or picked: its name (case-insensitive,
 * OPENING_SECTION or nothing for the text before the first heading), `#n` for the n-th section,
 * or text found in exactly one section's name.
 */
export function findSection(article: ArticleMeta, typed: string): number | undefined {
  const q = typed.trim().toLowerCase();
  const names = article.sections.map((s) => s.name.toLowerCase());
  if (!q) {
    const opening = names.indexOf('');
    return opening >= 0 ? opening : undefined;
  }
  const exact = names.indexOf(q);
  if (exact >= 0) return exact;
  if (q === OPENING_SECTION) {
    const opening = names.indexOf('');
    if (opening >= 0) return opening;
  }
  const numbered = /^#(\d{1,4})$/u.exec(q);
  if (numbered) {
    const n = Number(numbered[1]);
    return n >= 1 && n <= names.length ? n - 1 : undefined;
  }
  const containing = names.flatMap((n, k) => (n.includes(q) ? [k] : []));
  return containing.length === 1 ? containing[0] : undefined;
}

/** The passages of the `sectionIndex`-th section of an article (sections are runs of passages). */
export function sectionPassages(
  passages: readonly Passage[],
  article: ArticleMeta,
  sectionIndex: number,
): Passage[] {
  const out: Passage[] = [];
  let run = -1;
  let previous: string | undefined;
  for (const p of passages) {
    if (p.origin.file !== article.file) continue;
    if (p.origin.section !== previous) {
      run++;
      previous = p.origin.section;
    }
    if (run === sectionIndex) out.push(p);
    else if (run > sectionIndex) break;
  }
  return out;
}

/** /read article section: the whole section, or an error listing what exists. */
export function read(services: Services, article: string, section: string): ReadResult | CommandError {
  if (!services.library.ready) return notReady();
  const index = services.library.index;
  const found = index.findArticle(article);
  if (!found) {
    return {
      kind: 'error',
      code: 'unknown_article',
      message:
        index.articles.length === 0
          ? 'There are no articles yet.'
          : `No article matches "${cut(article)}". The articles are: ${listNames(index.articles.map((a) => a.title))}.`,
    };
  }
  const sectionIndex = findSection(found, section);
  const meta = sectionIndex === undefined ? undefined : found.sections[sectionIndex];
  if (sectionIndex === undefined || !meta) {
    return {
      kind: 'error',
      code: 'unknown_section',
      message: `"${found.title}" has no section "${cut(section)}". Its sections are: ${listNames(found.sections.map((s) => sectionName(s.name)))}.`,
    };
  }
  return {
    kind: 'read',
    article: found,
    sectionIndex,
    section: meta.name,
    passages: sectionPassages(index.passages, found, sectionIndex),
  };
}
