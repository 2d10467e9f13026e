/**
 * The contract of running the corpus from Discord (and the terminal's /log): proposing an article to
 * add, update, remove or restore, confirming or cancelling it, the audit log, and where each article
 * comes from. Callers check that the actor is a moderator; the service checks everything else
 * (whose proposal it is, whether it expired, what the fetch and the file gave).
 */
import type { ReindexReport } from '../corpus/library.js';
import type { AuditEntry } from '../store/corpus-types.js';

/** The moderator acting. */
export interface ModActor {
  userId: string;
  /** Shown in the audit log next to the id, when known. */
  name?: string;
}

/** What an article is proposed from: a web page, or an attachment Discord gave. */
export type ArticleInput =
  | { kind: 'url'; url: string }
  | {
      kind: 'file';
      /** The attachment's file name (its extension says .txt, .md or .html). */
      name: string;
      /** Where Discord serves it. */
      url: string;
      /** Its size in bytes, from the payload (checked before fetching). */
      size: number;
      contentType?: string;
    };

/** Where an article comes from, as /sources, autocomplete and the previews show it. */
export interface ArticleOrigin {
  file: string;
  title: string;
  origin: 'folder' | 'discord';
  /** Discord articles: who added it and when. */
  addedBy?: string;
  addedAt?: number;
  /** Discord articles added by link. */
  sourceUrl?: string;
  /** A folder article hidden from Discord (not indexed now), by whom and when. */
  hidden?: boolean;
  hiddenBy?: string;
  hiddenAt?: number;
}

/** What an article would be once added: enough for the moderator to decide. */
export interface ArticlePreview {
  title: string;
  /** Section names, in order ("Section › Subsection"). */
  sections: string[];
  passages: number;
  /** One passage's text, verbatim (renderers shorten it). */
  sample: string;
  /** The page address or the attachment's name. */
  source: string;
  bytes: number;
}

/** Passages of an article before and after an update, by text. */
export interface PassageDiff {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/** An article already there with the same title or the same text. */
export interface Clash {
  article: ArticleOrigin;
  reason: 'title' | 'content';
}

/** A change waiting for the moderator's "Add" / "Replace" / "Remove" / "Cancel". */
export interface Proposed {
  ok: true;
  /** The proposal to decide (goes into the buttons' ids); empty when there is nothing to decide. */
  proposalId: string;
  kind: 'add' | 'update' | 'remove' | 'restore';
  /** The article as it would be (add, update) or as it is (remove, restore). */
  preview: ArticlePreview;
  /** add: the article with the same title or text (the buttons offer "Replace"). */
  clash?: Clash;
  /** update, remove, restore: the article it acts on. */
  target?: ArticleOrigin;
  /** update: what changes. */
  diff?: PassageDiff;
  /** update: the text did not change (the page said 304, or the same hash): nothing to decide. */
  unchanged?: boolean;
  /** When the proposal expires (ms since the epoch). */
  expiresAt: number;
}

/** A refusal, with one line the moderator can act on. */
export interface ManageRefusal {
  ok: false;
  code:
    | 'bad_input'
    | 'fetch'
    | 'not_found'
    | 'folder_article'
    | 'expired'
    | 'not_yours'
    | 'decided'
    | 'store'
    | 'reindex';
  message: string;
}

/** What deciding a proposal did. */
export type Decision = 'confirm' | 'replace' | 'cancel';

export interface Applied {
  ok: true;
  decision: Decision;
  /** One line: "Added “Title” (12 passages).", "Cancelled: nothing changed." */
  message: string;
  /** The re-index the change ran (absent when cancelled). */
  report?: ReindexReport;
  diff?: PassageDiff;
}

/** One page of the audit log, newest first. */
export interface AuditPage {
  ok: true;
  entries: AuditEntry[];
  /** 1-based; clamped into 1..pages. */
  page: number;
  pages: number;
  total: number;
}

/** The corpus service every surface calls. */
export interface CorpusAdminService {
  /** Fetches and checks an article to add; nothing changes until `decide`. */
  proposeAdd(actor: ModActor, input: ArticleInput): Promise<Proposed | ManageRefusal>;
  /** Re-fetches a link article (or takes a new attachment) to update it; shows the diff. */
  proposeUpdate(actor: ModActor, file: string, input?: ArticleInput): Promise<Proposed | ManageRefusal>;
  /** Removes a Discord article, or hides a folder article (its file stays). */
  proposeRemove(actor: ModActor, file: string): Promise<Proposed | ManageRefusal>;
  /** Shows a hidden folder article again. */
  proposeRestore(actor: ModActor, file: string): Promise<Proposed | ManageRefusal>;
  /**
   * Applies (`confirm`, or `replace` for an add that clashed) or drops (`cancel`) a proposal: only
   * its own moderator, once, before it expires. A change is stored, then re-indexed once.
   */
  decide(actor: ModActor, proposalId: string, decision: Decision): Promise<Applied | ManageRefusal>;
  /** Re-reads the folder and the store (the /reindex command), with an audit entry. */
  reindex(actor: ModActor): Promise<ReindexReport>;
  /** A page of the audit log (page size: `pageSize`, default AUDIT_PAGE_SIZE). */
  log(page: number, pageSize?: number): Promise<AuditPage | ManageRefusal>;
  /**
   * Articles matching typed words, for autocomplete: `update` offers Discord articles, `remove`
   * every indexed article, `restore` the hidden folder articles.
   */
  choices(typed: string, purpose: 'update' | 'remove' | 'restore'): Promise<ArticleOrigin[]>;
  /** Where each indexed or hidden article comes from, by file. */
  origins(): Promise<ReadonlyMap<string, ArticleOrigin>>;
}

/** Audit entries per page of /corpus log and the terminal's /log. */
export const AUDIT_PAGE_SIZE = 10;
/** How long a proposal can be confirmed: the interaction token's 15 minutes. */
export const PROPOSAL_TTL_MS = 15 * 60 * 1000;
