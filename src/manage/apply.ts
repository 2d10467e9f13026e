/**
 * Applying a confirmed proposal to the store: each change is one store call, which writes the
 * change, the corpus revision and the audit entry in one transaction ("Replace" of a folder article
 * is two: the new article, then the folder file's tombstone; a failure between them leaves the new
 * article added and says so).
 */
import type { NewAuditEntry, Store } from '../store/corpus-types.js';
import type { Payload } from './payload.js';
import { diffPassages, previewArticle } from './preview.js';
import { refuse, STORE_DOWN } from './articles.js';
import type { Decision, ManageRefusal, ModActor, PassageDiff } from './types.js';

/** What applying did, in one line, and the passages an update changed. */
export type ApplyResult = { ok: true; message: string; diff?: PassageDiff } | ManageRefusal;

function plural(n: number, one: string): string {
  return `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;
}

/** One line of the diff, as the audit log and the replies say it. */
export function diffLine(d: PassageDiff): string {
  return `passages: ${d.added} added, ${d.changed} changed, ${d.removed} removed, ${d.unchanged} unchanged`;
}

/** Applies `payload` (decided `decision` by `actor`) to the store. */
export async function applyPayload(
  store: Store,
  payload: Payload,
  decision: Exclude<Decision, 'cancel'>,
  actor: ModActor,
  now: number,
): Promise<ApplyResult> {
  const audit = (e: Omit<NewAuditEntry, 'actor'>): NewAuditEntry => ({ actor: actor.userId, ...e });
  try {
    switch (payload.kind) {
      case 'add': {
        const { article, replaces } = payload;
        const passages = previewArticle(article.file, article.text, '').texts;
        const where = article.sourceUrl ?? article.attachmentName ?? 'an attachment';
        if (decision === 'replace' && replaces?.origin === 'discord') {
          const old = await store.getArticle(replaces.file);
          const next = { ...article, file: replaces.file, updatedBy: actor.userId, updatedAt: now };
          if (old) Object.assign(next, { addedBy: old.addedBy, addedAt: old.addedAt });
          const diff = diffPassages(old ? previewArticle(old.file, old.text, '').texts : [], passages);
          await store.putArticle(
            next,
            audit({
              action: 'replace',
              target: `“${replaces.title}” (${replaces.file})`,
              detail: `from ${where}; ${diffLine(diff)}`,
            }),
            now,
          );
          return {
            ok: true,
            message: `Replaced “${replaces.title}” with “${article.title}” (${plural(passages.length, 'passage')}).`,
            diff,
          };
        }
        await store.putArticle(
          article,
          audit({
            action: 'add',
            target: `“${article.title}” (${article.file})`,
            detail: `from ${where}; ${plural(passages.length, 'passage')}`,
          }),
          now,
        );
        if (decision === 'replace' && replaces?.origin === 'folder') {
          await store.hideArticle(
            { file: replaces.file, title: replaces.title, by: actor.userId, at: now },
            audit({
              action: 'hide',
              target: `“${replaces.title}” (${replaces.file})`,
              detail: `replaced by “${article.title}” (${article.file})`,
            }),
          );
          return {
            ok: true,
            message: `Added “${article.title}” (${plural(passages.length, 'passage')}) and hid the folder article “${replaces.title}” (its file stays).`,
          };
        }
        return { ok: true, message: `Added “${article.title}” (${plural(passages.length, 'passage')}).` };
      }
      case 'update': {
        const current = await store.getArticle(payload.article.file);
        if (!current)
          return refuse('not_found', `“${payload.article.title}” was removed meanwhile: nothing changed.`);
        if (current.contentHash !== payload.baseHash) {
          return refuse(
            'decided',
            `“${current.title}” changed since this update was prepared: run /corpus update again.`,
          );
        }
        const diff = diffPassages(
          previewArticle(current.file, current.text, '').texts,
          previewArticle(payload.article.file, payload.article.text, '').texts,
        );
        await store.putArticle(
          payload.article,
          audit({
            action: 'update',
            target: `“${payload.article.title}” (${payload.article.file})`,
            detail: diffLine(diff),
          }),
          now,
        );
        return { ok: true, message: `Updated “${payload.article.title}”: ${diffLine(diff)}.`, diff };
      }
      case 'remove': {
        const target = `“${payload.title}” (${payload.file})`;
        if (payload.origin === 'discord') {
          const gone = await store.deleteArticle(
            payload.file,
            audit({ action: 'remove', target, detail: 'removed from the store' }),
            now,
          );
          return gone
            ? { ok: true, message: `Removed “${payload.title}”.` }
            : refuse('not_found', `“${payload.title}” was already removed.`);
        }
        const hidden = await store.hideArticle(
          { file: payload.file, title: payload.title, by: actor.userId, at: now },
          audit({ action: 'hide', target, detail: 'hidden from the index; the file stays' }),
        );
        return hidden
          ? {
              ok: true,
              message: `Hid “${payload.title}”: its file stays in the corpus folder, and the index leaves it out.`,
            }
          : refuse('decided', `“${payload.title}” was already hidden.`);
      }
      case 'restore': {
        const shown = await store.restoreArticle(
          payload.file,
          audit({
            action: 'restore',
            target: `“${payload.title}” (${payload.file})`,
            detail: 'indexed again',
          }),
          now,
        );
        return shown
          ? { ok: true, message: `Restored “${payload.title}”: it is indexed again.` }
          : refuse('decided', `“${payload.title}” is not hidden.`);
      }
    }
  } catch {
    return refuse('store', STORE_DOWN);
  }
}
