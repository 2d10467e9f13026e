/**
 * Feedback as Discord messages: the 👍/👎 row under an answer, what a vote is told, the "Which
 * passage answers it?" menu a 👎 opens, the line a pick or a teach ends with, and /feedback review's
 * pages with their ◀/▶ buttons and Undo/Confirm menu. Every message is ephemeral (for the person who
 * acted) and pings nobody; user and corpus text is escaped (plain text in menus).
 */
import type {
  APIActionRowComponent,
  APIButtonComponent,
  APIComponentInMessageActionRow,
  APISelectMenuOption,
  APIStringSelectComponent,
} from 'discord-api-types/v10';
import type { FeedbackRefusal, PickMenu, ReviewPage, ReviewPick, VoteDone } from '../learning/types.js';
import type { VoteRecord } from '../store/types.js';
import { type CustomIdSigner, REVIEW_ID } from './custom-id.js';
import { escapeText, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import { button, COLOUR, payload, plain, renderNote, type ReplyPayload } from './render-common.js';

/** The values of the pick menu's own options (a candidate's value is its index). */
export const PICK_NONE = 'none';
export const PICK_OTHER = 'other';

const THUMB = { 1: '👍', [-1]: '👎' } as const;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** 👍 and 👎 under an answer, on a row of their own; their ids carry the feedback service's answer id. */
export function voteRow(
  signer: CustomIdSigner,
  feedbackId: string,
): APIActionRowComponent<APIButtonComponent> {
  const vote = (action: 'up' | 'down', emoji: string): APIButtonComponent => ({
    type: 2,
    style: 2,
    custom_id: signer.encode({ action, answerId: feedbackId, arg: 0 }),
    emoji: { name: emoji },
  });
  return { type: 1, components: [vote('up', THUMB[1]), vote('down', THUMB[-1])] };
}

/** "👍 3 · 👎 1". */
export function tallyLine(tally: { up: number; down: number }): string {
  return `${THUMB[1]} ${tally.up} · ${THUMB[-1]} ${tally.down}`;
}

/** What a vote is told: counted, changed, or the same again (counted once), with the tally. */
export function voteLine(done: VoteDone): string {
  const thumb = THUMB[done.value];
  if (done.previous === done.value) return `You had already voted ${thumb}: it counts once.`;
  if (done.previous !== undefined) return `Changed your vote to ${thumb}.`;
  return `Thanks — counted your ${thumb}.`;
}

/** The reply to 👍 (and to 👎 when there is no menu to offer): ephemeral, with the tally. */
export function renderVoted(done: VoteDone): ReplyPayload {
  return payload({
    embeds: [{ description: `${voteLine(done)}\n-# ${tallyLine(done.tally)}`, color: COLOUR.ok }],
    flags: EPHEMERAL,
  });
}

/** A refusal of the feedback service (not yours, gone, a mistake, the store down) as an ephemeral note. */
export function renderRefusal(r: FeedbackRefusal): ReplyPayload {
  return renderNote(r.message, r.code === 'unavailable' || r.code === 'bad' ? 'error' : 'info');
}

/** Menu-safe text: one line, no mention syntax, within `max`. */
function menuText(text: string, max: number): string {
  return truncate(plain(text).replace(/\s+/gu, ' ').trim(), max);
}

export interface PickMenuOptions {
  signer: CustomIdSigner;
  /** The feedback service's answer id (the menu's id carries it). */
  answerId: string;
  /** Moderators also get "Another passage…". */
  moderator: boolean;
}

/** The options of the pick menu: the available candidates (numbered as in the answer), then ours. */
export function pickOptions(menu: PickMenu, moderator: boolean): APISelectMenuOption[] {
  const own: APISelectMenuOption[] = [
    { label: 'None of these', value: PICK_NONE, description: 'The articles don’t answer it' },
  ];
  if (moderator) {
    own.push({ label: 'Another passage…', value: PICK_OTHER, description: 'Teach it with /feedback teach' });
  }
  const room = LIMITS.selectOptions - own.length;
  const candidates = menu.options
    .filter((o) => o.available)
    .slice(0, room)
    .map((o): APISelectMenuOption => {
      const words = menuText(o.firstWords, LIMITS.selectOptionDescription);
      return {
        label: menuText(`${o.index + 1}. ${o.label}`, LIMITS.selectOptionLabel),
        value: String(o.index),
        ...(words ? { description: words } : {}),
      };
    });
  return [...candidates, ...own];
}

/** The reply to 👎: the vote counted, and for the voter only, "Which passage answers it?". */
export function renderPickMenu(done: VoteDone, menu: PickMenu, opts: PickMenuOptions): ReplyPayload {
  const select: APIStringSelectComponent = {
    type: 3,
    custom_id: opts.signer.encode({ action: 'pick', answerId: opts.answerId, arg: 0 }),
    placeholder: menuText('Which passage answers it?', LIMITS.selectPlaceholder),
    min_values: 1,
    max_values: 1,
    options: pickOptions(menu, opts.moderator),
  };
  const question = truncate(escapeText(menu.question), 300);
  return payload({
    embeds: [
      {
        description: `${voteLine(done)}\n-# ${tallyLine(done.tally)}\n\n**Which passage answers it?**\n-# Q: ${question}`,
        color: COLOUR.info,
      },
    ],
    components: [{ type: 1, components: [select] }],
    flags: EPHEMERAL,
  });
}

/** The line a pick or a teach ends with (the service's own), replacing the menu. */
export function renderPicked(message: string, taught: boolean): ReplyPayload {
  return payload({
    embeds: [{ description: escapeText(message), color: taught ? COLOUR.ok : COLOUR.info }],
    flags: EPHEMERAL,
  });
}

/** "Another passage…": where a moderator teaches it instead. */
export function renderTeachHint(question: string): ReplyPayload {
  return payload({
    embeds: [
      {
        description: [
          'Teach it with `/feedback teach`: this question is offered first in its `question` box,',
          'then type words of the passage that answers it in `passage`.',
          `-# Q: ${truncate(escapeText(question), 300)}`,
        ].join('\n'),
        color: COLOUR.info,
      },
    ],
    flags: EPHEMERAL,
  });
}

/** How /feedback review names a status. */
const STATUS: Record<ReviewPick['status'], string> = {
  active: 'active',
  pending: 'pending',
  'set-aside': 'set aside',
  undone: 'undone',
};

/** `<t:…:R>`: Discord shows it as "2 hours ago" in the reader's own time. */
function when(ms: number): string {
  return `<t:${Math.floor(ms / 1000)}:R>`;
}

/** A mention: shown as the person, pinging nobody (every message has allowed_mentions none). */
function who(userId: string): string {
  return /^\d{1,20}$/u.test(userId) ? `<@${userId}>` : escapeText(userId);
}

function pickLine(r: ReviewPick): string {
  const p = r.pick;
  const role = p.byRole === 'moderator' ? ' (moderator)' : '';
  const target = p.verdict === 'none' ? 'none of these' : r.label;
  return `**#${p.id}** · ${STATUS[r.status]} · ${who(p.byUser)}${role} ${when(p.createdAt)}\n“${truncate(escapeText(p.question), 200)}” → ${escapeText(target)}`;
}

function voteLineOf(v: VoteRecord): string {
  const q = v.question ? ` · “${truncate(escapeText(v.question), 200)}”` : '';
  return `${THUMB[v.value]} ${who(v.userId)} ${when(v.createdAt)}${q}`;
}

/** Lines joined within one field's limit, the rest counted. */
function fieldOf(lines: string[], empty: string): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > LIMITS.fieldValue - 20) {
      out.push(`… and ${lines.length - i} more`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.length ? out.join('\n') : empty;
}

/** The Undo/Confirm menu of a review page: undo a pick still in force, confirm a pending one. */
function moderationRow(signer: CustomIdSigner, page: ReviewPage): Row | undefined {
  const options: APISelectMenuOption[] = [];
  for (const r of page.picks) {
    const q = menuText(r.pick.question, LIMITS.selectOptionDescription);
    if (r.status === 'pending')
      options.push({ label: `Confirm #${r.pick.id}`, value: `confirm:${r.pick.id}`, description: q });
    if (r.status !== 'undone')
      options.push({ label: `Undo #${r.pick.id}`, value: `undo:${r.pick.id}`, description: q });
  }
  if (!options.length) return undefined;
  const select: APIStringSelectComponent = {
    type: 3,
    custom_id: signer.encode({ action: 'moderate', answerId: REVIEW_ID, arg: page.page }),
    placeholder: 'Undo or confirm a pick…',
    options: options.slice(0, LIMITS.selectOptions),
  };
  return { type: 1, components: [select] };
}

/** One page of /feedback review: recent picks and votes, ◀/▶, and the Undo/Confirm menu. */
export function renderReview(page: ReviewPage, signer: CustomIdSigner, notice?: string): ReplyPayload {
  const nav: APIButtonComponent[] = [];
  const to = (n: number) => signer.encode({ action: 'review', answerId: REVIEW_ID, arg: n });
  if (page.page > 1) nav.push({ ...button('Newer', to(page.page - 1)), emoji: { name: '◀️' } });
  if (page.page < page.pages) nav.push({ ...button('Older', to(page.page + 1)), emoji: { name: '▶️' } });
  const moderation = moderationRow(signer, page);
  return payload({
    embeds: [
      {
        title: `Feedback review · page ${page.page} of ${Math.max(1, page.pages)}`,
        ...(notice ? { description: escapeText(notice) } : {}),
        fields: [
          { name: 'Picks', value: fieldOf(page.picks.map(pickLine), 'No picks yet.') },
          { name: 'Votes', value: fieldOf(page.votes.map(voteLineOf), 'No votes yet.') },
        ],
        color: COLOUR.info,
      },
    ],
    components: [
      ...(nav.length ? [{ type: 1 as const, components: nav }] : []),
      ...(moderation ? [moderation] : []),
    ],
    flags: EPHEMERAL,
  });
}
