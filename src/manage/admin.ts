/**
 * The corpus service: moderators propose an article to add, update, remove or restore; nothing
 * changes until they confirm. A proposal is kept in the store (so it survives a restart and can be
 * confirmed through any instance), claimed exactly once by its own moderator, then applied in one
 * store transaction with its audit entry, and the index is rebuilt once (overlapping changes share
 * one run: Library.reindex). A failed fetch or a bad file fails at the proposal: nothing is stored.
 */
import { randomBytes } from 'node:crypto';
import type { Library, ReindexReport } from '../corpus/library.js';
import type { FetchOptions } from '../ingest/types.js';
import { IngestError } from '../ingest/types.js';
import type { Logger } from '../log.js';
import type { NewAuditEntry, Store, StoredArticle } from '../store/corpus-types.js';
import { applyPayload } from './apply.js';
import {
  clashOf,
  clip,
  type Deps,
  findStored,
  indexedPreview,
  origins,
  originOf,
  passageTexts,
  refuse,
  resolveOrigin,
  STORE_DOWN,
} from './articles.js';
import { type Drafted, draftArticle } from './draft.js';
import { readPayload, type Payload } from './payload.js';
import { diffPassages, previewArticle } from './preview.js';
import {
  type Applied,
  type ArticleInput,
  type ArticleOrigin,
  type ArticlePreview,
  AUDIT_PAGE_SIZE,
  type AuditPage,
  type CorpusAdminService,
  type Decision,
  type ManageRefusal,
  type ModActor,
  PROPOSAL_TTL_MS,
  type Proposed,
} from './types.js';

/** What the service is made from. */
export interface CorpusAdminDeps {
  store: Store;
  library: Library;
  /** The fetch limits (MAX_FILE_BYTES, FETCH_ALLOW_HOSTS). */
  fetch: FetchOptions;
  log?: Logger;
  /** The clock (tests). */
  now?: () => number;
}

/** Most choices one autocomplete call returns (Discord shows 25). */
const MAX_CHOICES = 25;

/** The corpus service on a store and a library. */
export class CorpusAdmin implements CorpusAdminService {
  readonly #store: Store;
  readonly #library: Library;
  readonly #fetch: FetchOptions;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  readonly #deps: Deps;

  constructor(deps: CorpusAdminDeps) {
    this.#deps = { store: deps.store, library: deps.library, log: deps.log };
    this.#store = deps.store;
    this.#library = deps.library;
    this.#fetch = deps.fetch;
    this.#log = deps.log;
    this.#now = deps.now ?? Date.now;
  }

  async proposeAdd(actor: ModActor, input: ArticleInput): Promise<Proposed | ManageRefusal> {
    const drafted = await this.#draft(input);
    if ('ok' in drafted) return drafted;
    if (drafted.status !== 'ok') return refuse('fetch', 'The page sent nothing new.');
    const now = this.#now();
    const article = this.#article(drafted, actor, now);
    const clash = await clashOf(this.#deps, drafted);
    const payload: Payload = {
      kind: 'add',
      article,
      ...(clash
        ? { replaces: { file: clash.article.file, origin: clash.article.origin, title: clash.article.title } }
        : {}),
    };
    return this.#propose(actor, payload, drafted.split.preview, now, clash ? { clash } : {});
  }

  async proposeUpdate(
    actor: ModActor,
    file: string,
    input?: ArticleInput,
  ): Promise<Proposed | ManageRefusal> {
    const found = await findStored(this.#deps, file);
    if ('ok' in found) return found;
    const current = found;
    const target = originOf(current);
    let source: ArticleInput;
    if (input) source = input;
    else if (current.sourceUrl) source = { kind: 'url', url: current.sourceUrl };
    else
      return refuse(
        'bad_input',
        `“${current.title}” was added from an attachment: attach its new text in the file option.`,
      );
    const validators = input
      ? {}
      : {
          ...(current.etag ? { etag: current.etag } : {}),
          ...(current.lastModified ? { lastModified: current.lastModified } : {}),
        };
    const drafted = await this.#draft(source, validators);
    if ('ok' in drafted) return drafted;
    const now = this.#now();
    const before = passageTexts(this.#deps, current);
    if (drafted.status === 'not-modified' || drafted.contentHash === current.contentHash) {
      const preview = previewArticle(
        current.file,
        current.text,
        current.sourceUrl ?? current.attachmentName ?? '',
      );
      return {
        ok: true,
        proposalId: '',
        kind: 'update',
        preview: preview.preview,
        target,
        diff: { added: 0, changed: 0, removed: 0, unchanged: before.length },
        unchanged: true,
        expiresAt: now,
      };
    }
    const split = previewArticle(current.file, drafted.text, drafted.split.preview.source);
    const article: StoredArticle = {
      ...current,
      title: split.preview.title,
      text: drafted.text,
      contentHash: drafted.contentHash,
      updatedBy: actor.userId,
      updatedAt: now,
    };
    setOptional(article, 'sourceUrl', drafted.sourceUrl ?? (input ? undefined : current.sourceUrl));
    setOptional(
      article,
      'attachmentName',
      drafted.attachmentName ?? (input ? undefined : current.attachmentName),
    );
    setOptional(article, 'etag', drafted.etag);
    setOptional(article, 'lastModified', drafted.lastModified);
    const diff = diffPassages(before, split.texts);
    const payload: Payload = { kind: 'update', article, baseHash: current.contentHash };
    return this.#propose(actor, payload, split.preview, now, { target, diff });
  }

  async proposeRemove(actor: ModActor, file: string): Promise<Proposed | ManageRefusal> {
    const origins = await this.#tryOrigins();
    if (!origins) return refuse('store', STORE_DOWN);
    const target = resolveOrigin(origins, file, (o) => !o.hidden);
    if (!target) return refuse('not_found', `No article “${clip(file)}” is indexed. Pick one from the list.`);
    const payload: Payload = {
      kind: 'remove',
      file: target.file,
      title: target.title,
      origin: target.origin,
    };
    return this.#propose(actor, payload, indexedPreview(this.#deps, target), this.#now(), { target });
  }

  async proposeRestore(actor: ModActor, file: string): Promise<Proposed | ManageRefusal> {
    const origins = await this.#tryOrigins();
    if (!origins) return refuse('store', STORE_DOWN);
    const target = resolveOrigin(origins, file, (o) => o.hidden === true);
    if (!target) return refuse('not_found', `No hidden article “${clip(file)}”. Pick one from the list.`);
    const payload: Payload = { kind: 'restore', file: target.file, title: target.title };
    const preview: ArticlePreview = {
      title: target.title,
      sections: [],
      passages: 0,
      sample: '',
      source: target.file,
      bytes: 0,
    };
    return this.#propose(actor, payload, preview, this.#now(), { target });
  }

  async decide(actor: ModActor, proposalId: string, decision: Decision): Promise<Applied | ManageRefusal> {
    const now = this.#now();
    let claim;
    try {
      claim = await this.#store.claimProposal(
        proposalId,
        actor.userId,
        decision === 'cancel' ? 'cancelled' : 'confirmed',
        now,
      );
    } catch (err) {
      this.#log?.warn('corpus: could not claim a proposal', { error: (err as Error).message });
      return refuse('store', STORE_DOWN);
    }
    if (!claim.ok) {
      switch (claim.reason) {
        case 'not_yours':
          return refuse(
            'not_yours',
            'Only the moderator who asked for this change can confirm or cancel it.',
          );
        case 'expired':
          return refuse('expired', 'This change expired (15 minutes): run the command again.');
        case 'decided':
          return refuse('decided', 'This change was already confirmed or cancelled.');
        default:
          return refuse('expired', 'This change is no longer pending: run the command again.');
      }
    }
    if (decision === 'cancel') return { ok: true, decision, message: 'Cancelled: nothing changed.' };
    const payload = readPayload(claim.proposal.payload);
    if (!payload)
      return refuse(
        'decided',
        'This change was written by another version of citebot: run the command again.',
      );
    const applied = await applyPayload(this.#store, payload, decision, actor, now);
    if (!applied.ok) {
      await this.#store.releaseProposal(proposalId).catch(() => undefined);
      return applied;
    }
    const report = await this.#library.reindex({ fresh: true });
    const message = report.ok
      ? applied.message
      : `${applied.message} The index could not be rebuilt (${report.error ?? 'unknown error'}): answers use the previous articles until /reindex works.`;
    return { ok: true, decision, message, report, ...(applied.diff ? { diff: applied.diff } : {}) };
  }

  async reindex(actor: ModActor): Promise<ReindexReport> {
    const report = await this.#library.reindex();
    const detail = report.ok
      ? `${report.articles} articles, ${report.passages} passages` +
        (report.added.length + report.changed.length + report.removed.length
          ? ` (added ${report.added.length}, changed ${report.changed.length}, removed ${report.removed.length})`
          : '')
      : `failed: ${report.error ?? 'unknown error'}`;
    await this.#audit({ actor: actor.userId, action: 'reindex', target: 'the articles', detail });
    return report;
  }

  async log(page: number, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage | ManageRefusal> {
    try {
      const total = await this.#store.auditCount();
      const pages = Math.max(1, Math.ceil(total / pageSize));
      const p = Math.min(Math.max(1, Math.floor(page) || 1), pages);
      const entries = await this.#store.auditLog(pageSize, (p - 1) * pageSize);
      return { ok: true, entries, page: p, pages, total };
    } catch (err) {
      this.#log?.warn('corpus: could not read the audit log', { error: (err as Error).message });
      return refuse('store', "citebot can't read the audit log right now; try again in a minute.");
    }
  }

  async choices(typed: string, purpose: 'update' | 'remove' | 'restore'): Promise<ArticleOrigin[]> {
    const origins = await this.#tryOrigins();
    if (!origins) return [];
    const q = typed.trim().toLowerCase();
    const wanted = (o: ArticleOrigin) =>
      purpose === 'update' ? o.origin === 'discord' : purpose === 'restore' ? o.hidden === true : !o.hidden;
    return [...origins.values()]
      .filter(
        (o) => wanted(o) && (!q || o.title.toLowerCase().includes(q) || o.file.toLowerCase().includes(q)),
      )
      .slice(0, MAX_CHOICES);
  }

  origins(): Promise<ReadonlyMap<string, ArticleOrigin>> {
    return origins(this.#deps);
  }

  /** The origins, or undefined when the store can't be read (logged). */
  async #tryOrigins(): Promise<ReadonlyMap<string, ArticleOrigin> | undefined> {
    try {
      return await origins(this.#deps);
    } catch (err) {
      this.#log?.warn('corpus: could not read the articles', { error: (err as Error).message });
      return undefined;
    }
  }

  async #draft(
    input: ArticleInput,
    validators?: { etag?: string; lastModified?: string },
  ): Promise<Drafted | { status: 'not-modified' } | ManageRefusal> {
    try {
      return await draftArticle(input, this.#fetch, validators);
    } catch (err) {
      if (err instanceof IngestError) return refuse('fetch', `citebot could not use that: ${err.message}.`);
      this.#log?.warn('corpus: a fetch failed unexpectedly', { error: (err as Error).message });
      return refuse('fetch', 'citebot could not use that: the fetch failed unexpectedly.');
    }
  }

  #article(d: Drafted, actor: ModActor, now: number): StoredArticle {
    const article: StoredArticle = {
      file: d.file,
      title: d.title,
      text: d.text,
      contentHash: d.contentHash,
      addedBy: actor.userId,
      addedAt: now,
    };
    setOptional(article, 'sourceUrl', d.sourceUrl);
    setOptional(article, 'attachmentName', d.attachmentName);
    setOptional(article, 'etag', d.etag);
    setOptional(article, 'lastModified', d.lastModified);
    return article;
  }

  async #propose(
    actor: ModActor,
    payload: Payload,
    preview: ArticlePreview,
    now: number,
    extra: Partial<Pick<Proposed, 'clash' | 'target' | 'diff'>>,
  ): Promise<Proposed | ManageRefusal> {
    const id = randomBytes(12).toString('base64url');
    const expiresAt = now + PROPOSAL_TTL_MS;
    try {
      await this.#store.saveProposal({
        id,
        kind: payload.kind,
        byUser: actor.userId,
        createdAt: now,
        expiresAt,
        payload: JSON.stringify(payload),
      });
    } catch (err) {
      this.#log?.warn('corpus: could not keep a proposal', { error: (err as Error).message });
      return refuse('store', STORE_DOWN);
    }
    return { ok: true, proposalId: id, kind: payload.kind, preview, expiresAt, ...extra };
  }

  async #audit(entry: NewAuditEntry): Promise<void> {
    try {
      await this.#store.audit(entry, this.#now());
    } catch (err) {
      this.#log?.warn('corpus: could not write the audit log', { error: (err as Error).message });
    }
  }
}

/** Sets an optional field only when there is a value (exactOptionalPropertyTypes-friendly). */
function setOptional<K extends 'sourceUrl' | 'attachmentName' | 'etag' | 'lastModified'>(
  a: StoredArticle,
  key: K,
  value: string | undefined,
): void {
  if (value === undefined) delete a[key];
  else a[key] = value;
}
