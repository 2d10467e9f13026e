/**
 * /corpus as Discord messages: a proposal to add, update, remove (hide) or restore an article with
 * its buttons, what deciding it did, and the audit log's pages with ◀/▶. Every message is ephemeral
 * (for the moderator who asked) and pings nobody; every corpus and user text is escaped, and
 * everything is cut to Discord's limits (limits.ts).
 */
import type { APIButtonComponent, APIEmbedField } from 'discord-api-types/v10';
import { MAX_LOG_PAGE } from '../app/bounds.js';
import type {
  Applied,
  ArticleOrigin,
  AuditPage,
  ManageRefusal,
  PassageDiff,
  Proposed,
} from '../manage/types.js';
import type { AuditEntry } from '../store/corpus-types.js';
import { CORPUS_DECISIONS, type CustomIdSigner, LOG_ID } from './custom-id.js';
import { escapeText, markdownLink, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import { button, COLOUR, count, payload, plain, renderNote, type ReplyPayload } from './render-common.js';

/** How much of a title, a file name or a sample a line shows (room is left for the words around it). */
const SHOWN = { title: 150, file: 120, source: 300, sample: 400, target: 200, detail: 300 } as const;

/** `<t:…:R>` ("in 15 minutes"), or another Discord timestamp style, in the reader's own time. */
function stamp(ms: number, style: 'R' | 'f' = 'R'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** A user id as a mention (shown as the person; allowed_mentions pings nobody), anything else as text. */
function who(actor: string | undefined): string {
  if (!actor) return 'someone';
  return /^\d{1,20}$/u.test(actor) ? `<@${actor}>` : escapeText(truncate(actor, SHOWN.file));
}

/** Text shortened first, then escaped: what a line shows of corpus or user text. */
function shown(text: string, max: number): string {
  return escapeText(truncate(text.replace(/\s+/gu, ' ').trim(), max));
}

/** “Title” (file) · where it comes from. */
export function articleLine(o: ArticleOrigin): string {
  const from =
    o.origin === 'folder'
      ? o.hidden
        ? 'a hidden folder article'
        : 'from the corpus folder'
      : `added by ${who(o.addedBy)}${o.addedAt ? ` ${stamp(o.addedAt)}` : ''}`;
  return `“${shown(o.title, SHOWN.title)}” (${shown(o.file, SHOWN.file)}) · ${from}`;
}

/** "3 passages added · 1 changed · 0 removed · 20 unchanged". */
export function diffLine(d: PassageDiff): string {
  return `${count(d.added, 'passage')} added · ${d.changed} changed · ${d.removed} removed · ${d.unchanged} unchanged`;
}

/** Lines joined within `max` characters; what does not fit is counted ("… and 12 more"). */
export function linesWithin(lines: readonly string[], max: number): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const last = i === lines.length - 1;
    const more = `… and ${lines.length - i} more`;
    // Room for this line, and (unless it is the last) for the count that may have to follow it.
    if (used + line.length + (last ? 0 : more.length + 1) > max) {
      out.push(more);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** What the proposal would do, in the words of its kind (the heading and the first line). */
function intent(p: Proposed): { heading: string; line?: string; confirm?: string; colour: number } {
  const title = truncate(plain(p.preview.title), SHOWN.title);
  const target = p.target ? articleLine(p.target) : `“${shown(p.preview.title, SHOWN.title)}”`;
  if (p.unchanged) {
    return {
      heading: `“${title}”: nothing changed`,
      line: `${target}: its text is the same as before, so nothing changed.`,
      colour: COLOUR.info,
    };
  }
  if (p.clash) {
    const same = p.clash.reason === 'title' ? 'title' : 'text';
    return {
      heading: `Replace with “${title}”?`,
      line: `An article with the same ${same} is already there: ${articleLine(p.clash.article)}.\n**Replace** puts this one in its place; **Cancel** keeps it as it is.`,
      colour: COLOUR.declined,
    };
  }
  switch (p.kind) {
    case 'add':
      return { heading: `Add “${title}”?`, confirm: 'Add', colour: COLOUR.info };
    case 'update':
      return {
        heading: `Update “${title}”?`,
        line: `Updates ${target}.`,
        confirm: 'Update',
        colour: COLOUR.info,
      };
    case 'remove':
      return p.target?.origin === 'folder'
        ? {
            heading: `Hide “${title}”?`,
            line: `Hides ${target}: it is a folder article, so the file stays; the index leaves it out. \`/corpus restore\` shows it again.`,
            confirm: 'Hide',
            colour: COLOUR.declined,
          }
        : {
            heading: `Remove “${title}”?`,
            line: `Removes ${target} from the articles.`,
            confirm: 'Remove',
            colour: COLOUR.declined,
          };
    case 'restore':
      return {
        heading: `Restore “${title}”?`,
        line: `Shows ${target} again: the index takes it back.`,
        confirm: 'Restore',
        colour: COLOUR.info,
      };
  }
}

/** The proposal's buttons: [Replace] [Cancel] on a clash, else [Add|Update|Remove|Hide|Restore] [Cancel]. */
function decisionRow(p: Proposed, confirm: string | undefined, signer: CustomIdSigner): APIButtonComponent[] {
  if (p.unchanged || !p.proposalId) return [];
  const id = (d: (typeof CORPUS_DECISIONS)[number]) =>
    signer.encode({ action: 'corpus', answerId: p.proposalId, arg: CORPUS_DECISIONS.indexOf(d) });
  const cancel = button('Cancel', id('cancel'));
  if (p.clash) return [button('Replace', id('replace'), 4), cancel];
  if (!confirm) return [cancel];
  const style = p.kind === 'remove' ? 4 : p.kind === 'update' ? 1 : 3;
  return [button(confirm, id('confirm'), style), cancel];
}

/** A proposal for the moderator to decide: what it is, where it comes from, and its buttons. */
export function renderProposal(p: Proposed, signer: CustomIdSigner): ReplyPayload {
  const what = intent(p);
  const v = p.preview;
  const source = markdownLink(shown(v.source, SHOWN.source), v.source);
  const facts = [
    ...(p.kind !== 'restore' ? [count(v.passages, 'passage')] : []),
    ...(v.bytes > 0 ? [size(v.bytes)] : []),
  ];
  const lines = [
    ...(what.line ? [what.line] : []),
    ...(v.source ? [`**Source:** ${source}`] : []),
    ...(facts.length ? [`**Size:** ${facts.join(' · ')}`] : []),
    ...(p.diff && !p.unchanged ? [`**Changes:** ${diffLine(p.diff)}`] : []),
    ...(p.unchanged ? [] : [`-# Nothing changes until you confirm. This expires ${stamp(p.expiresAt)}.`]),
  ];
  const fields: APIEmbedField[] = [];
  if (v.sections.length && !p.unchanged) {
    fields.push({
      name: `Sections (${v.sections.length})`,
      value: linesWithin(
        v.sections.map((s) => `• ${shown(s, SHOWN.title)}`),
        LIMITS.fieldValue,
      ),
    });
  }
  if (v.sample.trim() && !p.unchanged) {
    fields.push({ name: 'Sample passage', value: `> ${shown(v.sample, SHOWN.sample)}` });
  }
  const row = decisionRow(p, what.confirm, signer);
  return payload({
    embeds: [{ title: what.heading, description: lines.join('\n'), fields, color: what.colour }],
    components: [{ type: 1, components: row }],
    flags: EPHEMERAL,
  });
}

/**
 * What deciding a proposal did, replacing the proposal (no buttons left): the service's line, the
 * passages changed, and the re-index's figures or its error (already fit to be shown).
 */
export function renderApplied(a: Applied): ReplyPayload {
  const r = a.report;
  const lines = [escapeText(a.message)];
  if (a.diff) lines.push(`**Changes:** ${diffLine(a.diff)}`);
  if (r?.ok) lines.push(`-# Re-indexed: ${count(r.articles, 'article')} · ${count(r.passages, 'passage')}`);
  else if (r) lines.push(`-# Re-index failed: ${shown(r.error ?? 'unknown error', SHOWN.detail)}`);
  const colour = a.decision === 'cancel' ? COLOUR.info : r && !r.ok ? COLOUR.error : COLOUR.ok;
  return payload({
    embeds: [
      {
        title: a.decision === 'cancel' ? 'Cancelled' : 'Done',
        description: lines.join('\n'),
        color: colour,
      },
    ],
    components: [],
    flags: EPHEMERAL,
  });
}

/** A refusal of the corpus service (bad input, the fetch, not yours, expired, …) as an ephemeral note. */
export function renderManageRefusal(r: ManageRefusal): ReplyPayload {
  return renderNote(r.message, 'error');
}

/** One audit entry: when · who · action · target · detail. */
export function auditLine(e: AuditEntry): string {
  const parts = [
    stamp(e.at, 'f'),
    who(e.actor),
    `**${escapeText(e.action)}**`,
    shown(e.target, SHOWN.target),
  ];
  if (e.detail.trim()) parts.push(shown(e.detail, SHOWN.detail));
  return parts.join(' · ');
}

/** A page of the audit log, newest first, with ◀ Newer / Older ▶ (disabled at the ends). */
export function renderAuditPage(page: AuditPage, signer: CustomIdSigner): ReplyPayload {
  const pages = Math.max(1, page.pages);
  const to = (n: number) =>
    signer.encode({ action: 'log', answerId: LOG_ID, arg: Math.min(Math.max(0, n), MAX_LOG_PAGE) });
  const newer: APIButtonComponent = {
    ...button('Newer', to(page.page - 1)),
    emoji: { name: '◀️' },
    disabled: page.page <= 1,
  };
  const older: APIButtonComponent = {
    ...button('Older', to(page.page + 1)),
    emoji: { name: '▶️' },
    disabled: page.page >= pages || page.page >= MAX_LOG_PAGE,
  };
  const description = page.entries.length
    ? linesWithin(page.entries.map(auditLine), LIMITS.embedDescription)
    : 'Nothing in the audit log yet.';
  return payload({
    embeds: [
      {
        title: `Audit log · page ${page.page} of ${pages}`,
        description,
        footer: { text: `${page.total === 1 ? '1 entry' : `${page.total} entries`} · newest first` },
        color: COLOUR.info,
      },
    ],
    components: pages > 1 ? [{ type: 1, components: [newer, older] }] : [],
    flags: EPHEMERAL,
  });
}
