/**
 * Renders command results as Discord messages (raw API JSON), within Discord's limits,
 * with corpus and user text escaped. One embed per passage: each quote is its own
 * card with its origin in the footer, so a long answer degrades by dropping whole
 * cards rather than cutting quotes mid-way. /sources, /help, /reindex are in
 * render-info.ts, /read in render-read.ts, the shared pieces in render-common.ts.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import { sectionLabel, toParts } from '../core/parts.js';
import type { AnswerPassage, ArticleMeta, Passage } from '../core/types.js';
import type { CustomIdSigner } from './custom-id.js';
import { escapeText, markdownLink, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import {
  type AllowedMentions,
  button,
  COLOUR,
  fitEmbeds,
  linkButton,
  originUrl,
  payload,
  plain,
  type ReplyPayload,
} from './render-common.js';
import { voteRow } from './render-feedback.js';
import type { StoredAnswer } from './store.js';

export {
  type AllowedMentions,
  count,
  fitEmbeds,
  payload,
  renderNote,
  type ReplyPayload,
} from './render-common.js';
export {
  PICK_NONE,
  PICK_OTHER,
  renderPicked,
  renderPickMenu,
  renderRefusal,
  renderReview,
  renderTeachHint,
  renderVoted,
  voteRow,
} from './render-feedback.js';
export { renderHelp, renderReindex, renderSources } from './render-info.js';
export { readPages, type ReadRenderOptions, renderRead } from './render-read.js';

/** The quote with matched words in bold, escaped. */
export function boldQuote(p: AnswerPassage): string {
  return toParts(p.quote, p.quoteHighlights)
    .map((part) => (part.mark ? `**${escapeText(part.text)}**` : escapeText(part.text)))
    .join('');
}

function allPassages(stored: StoredAnswer): AnswerPassage[] {
  return [...stored.answer.passages, ...stored.answer.more];
}

/** Number of pages of a stored answer. */
export function pageCount(stored: StoredAnswer): number {
  return Math.max(1, Math.ceil(allPassages(stored).length / stored.perPage));
}

export interface AnswerRenderOptions {
  signer: CustomIdSigner;
  /** Offer "Post to channel" (a private answer in a server). */
  canPost: boolean;
  /** Render for a public post: no buttons but 🗑 Delete, no ephemeral flag. */
  posted?: boolean;
}

/** 🗑 Delete: its id carries the asker's user id (they, or a moderator, may delete the message). */
export function deleteButton(signer: CustomIdSigner, askerId: string): APIButtonComponent {
  return {
    ...button('Delete', signer.encode({ action: 'delete', answerId: askerId, arg: 0 }), 4),
    emoji: { name: '🗑️' },
  };
}

/** "For <@id>:" above an answer addressed to someone; its mention is the only one allowed. */
function addressed(stored: StoredAnswer): { prefix: string; allowed_mentions?: AllowedMentions } {
  return stored.forUserId
    ? { prefix: `For <@${stored.forUserId}>:\n`, allowed_mentions: { users: [stored.forUserId] } }
    : { prefix: '' };
}

/** One page of an answer, with its buttons. */
export function renderAnswerPage(
  stored: StoredAnswer,
  page: number,
  opts: AnswerRenderOptions,
): ReplyPayload {
  const a = stored.answer;
  const question = truncate(escapeText(a.question), 300);
  const deletable = opts.posted || stored.deletable === true;
  if (!a.answered) return renderDeclined(stored, opts.signer, deletable, opts.posted === true);
  const passages = allPassages(stored);
  const pages = pageCount(stored);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const from = p * stored.perPage;
  const shown = passages.slice(from, from + stored.perPage);
  // Cards that don't fit the message total are dropped whole; their "Full passage" buttons remain.
  const embeds = fitEmbeds(shown.map((ap, i) => passageEmbed(ap, from + i + 1, stored.articles)));
  const range = embeds.length === 1 ? `${from + 1}` : `${from + 1}–${from + embeds.length}`;
  const to = addressed(stored);
  const content = `${to.prefix}**Q:** ${question}\n-# Result${embeds.length === 1 ? '' : 's'} ${range} of ${passages.length}`;
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  if (opts.posted) {
    components.push({ type: 1, components: [deleteButton(opts.signer, stored.userId)] });
  } else {
    const nav: APIButtonComponent[] = [];
    if (p > 0)
      nav.push(button('Previous', opts.signer.encode({ action: 'more', answerId: stored.id, arg: p - 1 })));
    if (p < pages - 1)
      nav.push(
        button('More results', opts.signer.encode({ action: 'more', answerId: stored.id, arg: p + 1 }), 1),
      );
    if (opts.canPost)
      nav.push(
        button('Post to channel', opts.signer.encode({ action: 'post', answerId: stored.id, arg: p }), 3),
      );
    if (deletable) nav.push(deleteButton(opts.signer, stored.userId));
    if (nav.length) components.push({ type: 1, components: nav });
    const full = shown
      .map((ap, i) => ({ ap, n: from + i }))
      .filter(({ ap }, k) => ap.quote !== ap.passage.text || k >= embeds.length)
      .map(({ n }) =>
        button(`Full passage ${n + 1}`, opts.signer.encode({ action: 'full', answerId: stored.id, arg: n })),
      );
    if (full.length) components.push({ type: 1, components: full.slice(0, LIMITS.buttonsPerRow) });
    if (stored.feedbackId) components.push(voteRow(opts.signer, stored.feedbackId));
  }
  return payload({
    content,
    embeds,
    components,
    ...(stored.private && !opts.posted ? { flags: EPHEMERAL } : {}),
    ...(to.allowed_mentions ? { allowed_mentions: to.allowed_mentions } : {}),
  });
}

/** A quote's card: the title links to the article's source when it has a safe http(s) url. */
function passageEmbed(ap: AnswerPassage, n: number, articles: readonly ArticleMeta[]): APIEmbed {
  const o = ap.passage.origin;
  const url = originUrl(o, articles);
  return {
    title: `${n}. ${plain(o.title)}`,
    ...(url ? { url } : {}),
    description: `“${boldQuote(ap)}”`,
    footer: { text: plain(`${sectionLabel(o)} · ${o.file} lines ${o.lines[0]}–${o.lines[1]}`) },
    color: COLOUR.answer,
  };
}

function renderDeclined(
  stored: StoredAnswer,
  signer: CustomIdSigner,
  deletable: boolean,
  posted: boolean,
): ReplyPayload {
  const a = stored.answer;
  const to = addressed(stored);
  const components: APIActionRowComponent<APIButtonComponent>[] = deletable
    ? [{ type: 1, components: [deleteButton(signer, stored.userId)] }]
    : [];
  // 👎 on a decline says "it is answered": its menu lists the related passages, if any.
  if (stored.feedbackId && !posted) components.push(voteRow(signer, stored.feedbackId));
  const flags = stored.private && !posted ? { flags: EPHEMERAL } : {};
  const mentions = to.allowed_mentions ? { allowed_mentions: to.allowed_mentions } : {};
  const content = `${to.prefix}**Q:** ${truncate(escapeText(a.question), 300)}`;
  if (stored.articles.length === 0) {
    return payload({
      content,
      embeds: [
        {
          title: 'No articles yet',
          description: 'There are no articles yet, so there is nothing to quote.',
          color: COLOUR.declined,
        },
      ],
      components,
      ...flags,
      ...mentions,
    });
  }
  if (a.related.length) {
    // Declined for its answer type (a price, a date, a name…): what the articles do say.
    const lead = a.subject ? `They mention ${escapeText(a.subject)} here:` : 'What they say about it:';
    const head: APIEmbed = {
      title: 'Not in the articles',
      description: truncate(
        `${a.declineReason ?? "The articles don't answer that."} ${lead}`,
        LIMITS.embedDescription,
      ),
      color: COLOUR.declined,
    };
    const quotes = a.related
      .slice(0, LIMITS.embeds - 1)
      .map((ap, i) => ({ ...passageEmbed(ap, i + 1, stored.articles), color: COLOUR.declined }));
    return payload({ content, embeds: fitEmbeds([head, ...quotes]), components, ...flags, ...mentions });
  }
  const lines = ["The articles don't answer that, so there is nothing to quote."];
  if (stored.elsewhere?.length) {
    // Asked of one article, answered by others: say where to look instead.
    const titles = stored.elsewhere.map((art) => `“${escapeText(art.title)}”`).join(', ');
    const scoped = stored.scopedTo ? `“${escapeText(stored.scopedTo.title)}”` : 'That article';
    lines[0] = `${scoped} doesn't answer that; ${titles} ${stored.elsewhere.length === 1 ? 'does' : 'do'}. Ask again without the article option.`;
  } else if (a.suggestions.length) {
    lines.push(
      '',
      `Did you mean: ${a.suggestions
        .slice(0, 5)
        .map((s) => `“${escapeText(s)}”`)
        .join(', ')}?`,
    );
  }
  lines.push('', 'Use `/sources` to see what the articles cover.');
  const embed: APIEmbed = {
    title: 'No answer in the articles',
    description: lines.join('\n'),
    color: COLOUR.declined,
    fields: [{ name: 'Articles', value: articleList(stored.articles) }],
  };
  return payload({ content, embeds: [embed], components, ...flags, ...mentions });
}

function articleList(articles: readonly ArticleMeta[]): string {
  if (articles.length === 0) return 'No articles are indexed.';
  const lines: string[] = [];
  let used = 0;
  for (const [i, a] of articles.entries()) {
    const line = `• ${markdownLink(escapeText(a.title), a.url)}${a.date ? ` (${escapeText(a.date)})` : ''}`;
    const rest = articles.length - i;
    if (used + line.length + 1 > LIMITS.fieldValue - 20) {
      lines.push(`… and ${rest} more`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

/** The whole passage, ephemeral, with a "Read the article" link when its article has a url. */
export function renderFullPassage(
  passage: Passage,
  n: number,
  articles: readonly ArticleMeta[] = [],
): ReplyPayload {
  const o = passage.origin;
  const url = originUrl(o, articles);
  const context = passage.context ? `-# ${escapeText(passage.context)}\n` : '';
  return payload({
    embeds: [
      {
        title: `${n}. ${plain(o.title)}`,
        ...(url ? { url } : {}),
        description: `${context}“${escapeText(passage.text)}”`,
        footer: { text: plain(`${sectionLabel(o)} · ${o.file} lines ${o.lines[0]}–${o.lines[1]}`) },
        color: COLOUR.answer,
      },
    ],
    components: [{ type: 1, components: linkButton(url) }],
    flags: EPHEMERAL,
  });
}
