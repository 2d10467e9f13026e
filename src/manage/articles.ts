/**
 * The articles as the corpus service sees them: where each comes from (folder, Discord, hidden),
 * the one a typed name means, an article already there with the same title or text, and the
 * passages of one article for previews and diffs.
 */
import type { Library } from '../corpus/library.js';
import { STORE_PREFIX } from '../corpus/store-sources.js';
import type { Logger } from '../log.js';
import type { Store, StoredArticle } from '../store/corpus-types.js';
import { SAVE_UNAVAILABLE } from '../store/types.js';
import type { Drafted } from './draft.js';
import { previewArticle } from './preview.js';
import type { ArticleOrigin, ArticlePreview, Clash, ManageRefusal } from './types.js';

/** What the lookups read. */
export interface Deps {
  store: Store;
  library: Library;
  log?: Logger | undefined;
}

/** A refused write, in the store's words. */
export const STORE_DOWN = SAVE_UNAVAILABLE;

export const refuse = (code: ManageRefusal['code'], message: string): ManageRefusal => ({
  ok: false,
  code,
  message,
});

/** Normalised title, for "the same title". */
export const sameTitle = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** A typed name shortened for a message. */
export function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

export async function origins(deps: Deps): Promise<ReadonlyMap<string, ArticleOrigin>> {
  const [stored, tombstones] = await Promise.all([deps.store.articles(), deps.store.tombstones()]);
  const out = new Map<string, ArticleOrigin>();
  const indexed = deps.library.ready ? deps.library.index.articles : [];
  for (const a of indexed) {
    if (!a.file.startsWith(STORE_PREFIX)) out.set(a.file, { file: a.file, title: a.title, origin: 'folder' });
  }
  for (const a of stored) out.set(a.file, originOf(a));
  for (const t of tombstones) {
    out.set(t.file, {
      file: t.file,
      title: t.title,
      origin: 'folder',
      hidden: true,
      hiddenBy: t.by,
      hiddenAt: t.at,
    });
  }
  return out;
}

/** An indexed article with the same title, or a stored one with the same text. */
export async function clashOf(deps: Deps, d: Drafted): Promise<Clash | undefined> {
  const stored = await deps.store.articles();
  const sameText = stored.find((a) => a.contentHash === d.contentHash);
  if (sameText) return { article: originOf(sameText), reason: 'content' };
  const folderSameText = deps.library.ready
    ? deps.library.index.articles.find(
        (a) => !a.file.startsWith(STORE_PREFIX) && d.contentHash.startsWith(a.hash),
      )
    : undefined;
  if (folderSameText)
    return {
      article: { file: folderSameText.file, title: folderSameText.title, origin: 'folder' },
      reason: 'content',
    };
  const named = stored.find((a) => sameTitle(a.title, d.title));
  if (named) return { article: originOf(named), reason: 'title' };
  const folderNamed = deps.library.ready
    ? deps.library.index.articles.find((a) => !a.file.startsWith(STORE_PREFIX) && sameTitle(a.title, d.title))
    : undefined;
  return folderNamed
    ? { article: { file: folderNamed.file, title: folderNamed.title, origin: 'folder' }, reason: 'title' }
    : undefined;
}

export async function findStored(deps: Deps, file: string): Promise<StoredArticle | ManageRefusal> {
  try {
    const direct = await deps.store.getArticle(file);
    if (direct) return direct;
    const all = await deps.store.articles();
    const named = all.filter((a) => sameTitle(a.title, file));
    if (named.length === 1 && named[0]) return named[0];
  } catch (err) {
    deps.log?.warn('corpus: could not read an article', { error: (err as Error).message });
    return refuse('store', STORE_DOWN);
  }
  const folder = deps.library.ready
    ? deps.library.index.articles.find((a) => a.file === file || sameTitle(a.title, file))
    : undefined;
  if (folder) {
    return refuse(
      'folder_article',
      `“${folder.title}” is from the corpus folder: edit its file there, or hide it with /corpus remove and add the new text with /corpus add.`,
    );
  }
  return refuse(
    'not_found',
    `No article added from Discord is called “${clip(file)}”. Pick one from the list.`,
  );
}

/** The passages' texts of an article in the serving snapshot (its stored text split, if not indexed). */
export function passageTexts(deps: Deps, a: StoredArticle): string[] {
  const index = deps.library.ready ? deps.library.index : undefined;
  const indexed = index?.passages.filter((p) => p.origin.file === a.file).map((p) => p.text) ?? [];
  return indexed.length > 0 ? indexed : previewArticle(a.file, a.text, '').texts;
}

/** The preview of an indexed article (remove): its sections, passages and first long passage. */
export function indexedPreview(deps: Deps, o: ArticleOrigin): ArticlePreview {
  const index = deps.library.ready ? deps.library.index : undefined;
  const meta = index?.articles.find((a) => a.file === o.file);
  const texts = index?.passages.filter((p) => p.origin.file === o.file).map((p) => p.text) ?? [];
  return {
    title: meta?.title ?? o.title,
    sections: meta?.sections.map((s) => s.name).filter(Boolean) ?? [],
    passages: texts.length,
    sample: texts.find((t) => t.length >= 80) ?? texts[0] ?? '',
    source: o.sourceUrl ?? o.file,
    bytes: 0,
  };
}

/** Where a stored article comes from. */
export function originOf(a: StoredArticle): ArticleOrigin {
  const o: ArticleOrigin = {
    file: a.file,
    title: a.title,
    origin: 'discord',
    addedBy: a.addedBy,
    addedAt: a.addedAt,
  };
  if (a.sourceUrl) o.sourceUrl = a.sourceUrl;
  return o;
}

/** The article a typed name means: its file, or (one only) its title. */
export function resolveOrigin(
  origins: ReadonlyMap<string, ArticleOrigin>,
  typed: string,
  wanted: (o: ArticleOrigin) => boolean,
): ArticleOrigin | undefined {
  const direct = origins.get(typed);
  if (direct && wanted(direct)) return direct;
  const named = [...origins.values()].filter((o) => wanted(o) && sameTitle(o.title, typed));
  return named.length === 1 ? named[0] : undefined;
}
