/**
 * What a proposal holds until its moderator decides: written as JSON into the store (so a restart,
 * or another instance, can apply it) and read back checked, field by field.
 */
import type { StoredArticle } from '../store/corpus-types.js';

/** Add a new article (`replaces`: the article with the same title or text, for "Replace"). */
export interface AddPayload {
  kind: 'add';
  article: StoredArticle;
  replaces?: { file: string; origin: 'folder' | 'discord'; title: string };
}

/** Update a Discord article: `baseHash` is its text's hash when proposed (a change since refuses). */
export interface UpdatePayload {
  kind: 'update';
  article: StoredArticle;
  baseHash: string;
}

/** Remove a Discord article, or hide a folder article. */
export interface RemovePayload {
  kind: 'remove';
  file: string;
  title: string;
  origin: 'folder' | 'discord';
}

/** Show a hidden folder article again. */
export interface RestorePayload {
  kind: 'restore';
  file: string;
  title: string;
}

export type Payload = AddPayload | UpdatePayload | RemovePayload | RestorePayload;

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isArticle(v: unknown): v is StoredArticle {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return (
    str(a.file) &&
    str(a.title) &&
    str(a.text) &&
    str(a.contentHash) &&
    str(a.addedBy) &&
    num(a.addedAt) &&
    ['sourceUrl', 'attachmentName', 'etag', 'lastModified', 'updatedBy'].every(
      (k) => a[k] === undefined || str(a[k]),
    ) &&
    (a.updatedAt === undefined || num(a.updatedAt))
  );
}

/** The payload of a stored proposal, or undefined when it is not one this code wrote. */
export function readPayload(json: string): Payload | undefined {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const p = v as Record<string, unknown>;
  const origin = (o: unknown): o is 'folder' | 'discord' => o === 'folder' || o === 'discord';
  switch (p.kind) {
    case 'add': {
      const r = p.replaces as Record<string, unknown> | undefined;
      if (!isArticle(p.article)) return undefined;
      if (r !== undefined && !(typeof r === 'object' && str(r.file) && str(r.title) && origin(r.origin)))
        return undefined;
      return p as unknown as AddPayload;
    }
    case 'update':
      return isArticle(p.article) && str(p.baseHash) ? (p as unknown as UpdatePayload) : undefined;
    case 'remove':
      return str(p.file) && str(p.title) && origin(p.origin) ? (p as unknown as RemovePayload) : undefined;
    case 'restore':
      return str(p.file) && str(p.title) ? (p as unknown as RestorePayload) : undefined;
    default:
      return undefined;
  }
}
