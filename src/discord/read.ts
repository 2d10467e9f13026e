/**
 * /read article section [page]: a whole section of an article, verbatim, passage by passage,
 * with ◀/▶ between pages. The buttons carry no state on our side: their signed id names the
 * section (its article's position, its own position and a hash of both names), so they keep
 * working after the 15-minute answer store forgot everything, and after a re-index that left
 * the section in place; a section that moved or went away is told as such.
 */
import { createHash } from 'node:crypto';
import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { read, sectionName } from '../commands/commands.js';
import type { CorpusIndex } from '../core/corpus-index.js';
import type { ArticleMeta } from '../core/types.js';
import type { RouteContext } from './context.js';
import { truncate } from './escape.js';
import { LIMITS } from './limits.js';
import { renderNote, renderRead } from './render.js';

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

export class ReadRoute {
  readonly #ctx: RouteContext;

  constructor(ctx: RouteContext) {
    this.#ctx = ctx;
  }

  /** In a server only the reader sees the section (ephemeral); in a DM it is a normal message. */
  #ephemeral(i: ChatInputCommandInteraction | ButtonInteraction): boolean {
    return i.inGuild();
  }

  #pageId(key: string): (page: number) => string {
    return (page) => this.#ctx.signer.encode({ action: 'read', answerId: key, arg: page });
  }

  async command(i: ChatInputCommandInteraction): Promise<void> {
    const article = this.#ctx.clean(i.options.getString('article') ?? '');
    const section = this.#ctx.clean(i.options.getString('section') ?? '');
    const page = i.options.getInteger('page') ?? 1;
    const r = read(this.#ctx.services, article, section);
    if (r.kind === 'error') return this.#ctx.send(i, renderNote(r.message, 'error'));
    const key = sectionKey(this.#ctx.services.library.index, r.article, r.sectionIndex);
    return this.#ctx.send(
      i,
      renderRead(r, page - 1, { pageId: this.#pageId(key), ephemeral: this.#ephemeral(i) }),
    );
  }

  async page(i: ButtonInteraction, key: string, page: number): Promise<void> {
    const lib = this.#ctx.services.library;
    const found = lib.ready ? findSectionKey(lib.index, key) : undefined;
    if (!found) {
      return this.#ctx.send(
        i,
        renderNote('This section is not in the articles any more (they were re-indexed). Use /read again.'),
      );
    }
    const r = read(this.#ctx.services, found.article.file, `#${found.sectionIndex + 1}`);
    if (r.kind === 'error') return this.#ctx.send(i, renderNote(r.message, 'error'));
    const { flags: _f, ...p } = renderRead(r, page, { pageId: this.#pageId(key), ephemeral: false });
    return this.#ctx.update(i, p);
  }

  choices(i: AutocompleteInteraction, typed: string): { name: string; value: string }[] {
    const lib = this.#ctx.services.library;
    if (!lib.ready) return [];
    return sectionChoices(lib.index, i.options.getString('article'), typed);
  }
}
