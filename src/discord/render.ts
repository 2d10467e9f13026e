/**
 * Renders command results as Discord messages (API JSON), within Discord's limits,
 * with corpus and user text escaped. One embed per passage: each quote is its own
 * card with its origin in the footer, so a long answer degrades by dropping whole
 * cards rather than cutting quotes mid-way.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import { HELP_TEXT } from '../commands/commands.js';
import { sectionLabel, toParts } from '../core/parts.js';
import type { AnswerPassage, ArticleMeta, Passage } from '../core/types.js';
import type { ReindexReport } from '../corpus/library.js';
import type { CustomIdSigner } from './custom-id.js';
import { escapeText, neutraliseMentions, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import type { StoredAnswer } from './store.js';

/** A message ready for discord.js (`reply`, `followUp`, `editReply`, `update`). */
export interface ReplyPayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  flags?: number;
  allowedMentions: { parse: []; repliedUser?: false };
}

const COLOUR = {
  answer: 0x3b82f6,
  declined: 0xf59e0b,
  info: 0x6b7280,
  error: 0xef4444,
  ok: 0x22c55e,
} as const;
const NO_MENTIONS = { parse: [] as [] };

/**
 * Removes characters that never belong in plain (non-Markdown) text such as footers,
 * and breaks mention syntax: a section heading from the corpus can be "@everyone".
 */
function plain(s: string): string {
  return neutraliseMentions(s.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ' '));
}

/** The quote with matched words in bold, escaped. */
export function boldQuote(p: AnswerPassage): string {
  return toParts(p.quote, p.quoteHighlights)
    .map((part) => (part.mark ? `**${escapeText(part.text)}**` : escapeText(part.text)))
    .join('');
}

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0)
  );
}

/** Cuts every text to its own limit, then drops trailing embeds until the total fits 6,000. */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const out = embeds.slice(0, LIMITS.embeds).map((e) => {
    const f: APIEmbed = { ...e };
    if (f.title) f.title = truncate(f.title, LIMITS.embedTitle);
    if (f.description) f.description = truncate(f.description, LIMITS.embedDescription);
    if (f.footer) f.footer = { ...f.footer, text: truncate(f.footer.text, LIMITS.footerText) };
    if (f.author) f.author = { ...f.author, name: truncate(f.author.name, LIMITS.authorName) };
    if (f.fields) {
      f.fields = f.fields.slice(0, LIMITS.fields).map((x) => ({
        ...x,
        name: truncate(x.name, LIMITS.fieldName),
        value: truncate(x.value, LIMITS.fieldValue),
      }));
    }
    return f;
  });
  while (out.length > 1 && out.reduce((s, e) => s + embedLength(e), 0) > LIMITS.embedTotal) out.pop();
  const only = out[0];
  if (only) {
    // One embed left and still too long: drop fields from the end, then shorten the description.
    while (embedLength(only) > LIMITS.embedTotal && only.fields && only.fields.length > 0) only.fields.pop();
    if (embedLength(only) > LIMITS.embedTotal && only.description) {
      const over = embedLength(only) - LIMITS.embedTotal;
      only.description = truncate(only.description, Math.max(1, only.description.length - over));
    }
    if (embedLength(only) > LIMITS.embedTotal && only.title) only.title = truncate(only.title, 100);
  }
  return out;
}

function payload(
  p: Omit<ReplyPayload, 'allowedMentions' | 'components'> & Partial<ReplyPayload>,
): ReplyPayload {
  const out: ReplyPayload = {
    embeds: fitEmbeds(p.embeds),
    components: (p.components ?? []).slice(0, LIMITS.rows),
    allowedMentions: NO_MENTIONS,
  };
  if (p.content !== undefined) out.content = truncate(p.content, LIMITS.content);
  if (p.flags !== undefined) out.flags = p.flags;
  return out;
}

/** A short ephemeral note (errors, refusals, cooldowns). */
export function renderNote(message: string, kind: 'error' | 'info' = 'info', ephemeral = true): ReplyPayload {
  return payload({
    embeds: [{ description: escapeText(message), color: kind === 'error' ? COLOUR.error : COLOUR.info }],
    ...(ephemeral ? { flags: EPHEMERAL } : {}),
  });
}

function allPassages(stored: StoredAnswer): AnswerPassage[] {
  return [...stored.answer.passages, ...stored.answer.more];
}

/** Number of pages of a stored answer. */
export function pageCount(stored: StoredAnswer): number {
  return Math.max(1, Math.ceil(allPassages(stored).length / stored.perPage));
}

function button(label: string, customId: string, style: 1 | 2 | 3 = 2): APIButtonComponent {
  return { type: 2, style, label: truncate(label, LIMITS.buttonLabel), custom_id: customId };
}

export interface AnswerRenderOptions {
  signer: CustomIdSigner;
  /** Offer "Post to channel" (a private answer in a server). */
  canPost: boolean;
  /** Render for a public post: no buttons, no ephemeral flag. */
  posted?: boolean;
}

/** One page of an answer, with its buttons. */
export function renderAnswerPage(
  stored: StoredAnswer,
  page: number,
  opts: AnswerRenderOptions,
): ReplyPayload {
  const a = stored.answer;
  const question = truncate(escapeText(a.question), 300);
  if (!a.answered) return renderDeclined(stored);
  const passages = allPassages(stored);
  const pages = pageCount(stored);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const from = p * stored.perPage;
  const shown = passages.slice(from, from + stored.perPage);
  // Cards that don't fit the message total are dropped whole; their "Full passage" buttons remain.
  const embeds = fitEmbeds(shown.map((ap, i) => passageEmbed(ap, from + i + 1)));
  const range = embeds.length === 1 ? `${from + 1}` : `${from + 1}–${from + embeds.length}`;
  const content = `**Q:** ${question}\n-# Result${embeds.length === 1 ? '' : 's'} ${range} of ${passages.length}`;
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  if (!opts.posted) {
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
    if (nav.length) components.push({ type: 1, components: nav });
    const full = shown
      .map((ap, i) => ({ ap, n: from + i }))
      .filter(({ ap }, k) => ap.quote !== ap.passage.text || k >= embeds.length)
      .map(({ n }) =>
        button(`Full passage ${n + 1}`, opts.signer.encode({ action: 'full', answerId: stored.id, arg: n })),
      );
    if (full.length) components.push({ type: 1, components: full.slice(0, LIMITS.buttonsPerRow) });
  }
  return payload({
    content,
    embeds,
    components,
    ...(stored.private && !opts.posted ? { flags: EPHEMERAL } : {}),
  });
}

function passageEmbed(ap: AnswerPassage, n: number): APIEmbed {
  const o = ap.passage.origin;
  return {
    title: `${n}. ${plain(o.title)}`,
    description: `“${boldQuote(ap)}”`,
    footer: { text: plain(`${sectionLabel(o)} · ${o.file} lines ${o.lines[0]}–${o.lines[1]}`) },
    color: COLOUR.answer,
  };
}

function renderDeclined(stored: StoredAnswer): ReplyPayload {
  const a = stored.answer;
  const lines = ["The articles don't answer that, so there is nothing to quote."];
  if (a.suggestions.length) {
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
  return payload({
    content: `**Q:** ${truncate(escapeText(a.question), 300)}`,
    embeds: [embed],
    ...(stored.private ? { flags: EPHEMERAL } : {}),
  });
}

function articleList(articles: readonly ArticleMeta[]): string {
  if (articles.length === 0) return 'No articles are indexed.';
  const lines: string[] = [];
  let used = 0;
  for (const [i, a] of articles.entries()) {
    const line = `• ${escapeText(a.title)}${a.date ? ` (${escapeText(a.date)})` : ''}`;
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

/** The whole passage, ephemeral. */
export function renderFullPassage(passage: Passage, n: number): ReplyPayload {
  const o = passage.origin;
  const context = passage.context ? `-# ${escapeText(passage.context)}\n` : '';
  return payload({
    embeds: [
      {
        title: `${n}. ${plain(o.title)}`,
        description: `${context}“${escapeText(passage.text)}”`,
        footer: { text: plain(`${sectionLabel(o)} · ${o.file} lines ${o.lines[0]}–${o.lines[1]}`) },
        color: COLOUR.answer,
      },
    ],
    flags: EPHEMERAL,
  });
}

export function renderSources(articles: readonly ArticleMeta[], one?: ArticleMeta): ReplyPayload {
  if (one) {
    const sections = one.sections.map(
      (s) => `• ${escapeText(s.name || '(opening)')} — ${s.passages} passage${s.passages === 1 ? '' : 's'}`,
    );
    const meta = [one.date, one.author].filter(Boolean).map((x) => escapeText(x as string));
    return payload({
      embeds: [
        {
          title: plain(one.title),
          description: [meta.length ? `-# ${meta.join(' · ')}` : '', ...sections].filter(Boolean).join('\n'),
          footer: { text: plain(`${one.file} · ${one.passages} passages`) },
          color: COLOUR.info,
        },
      ],
    });
  }
  if (articles.length === 0) return renderNote('No articles are indexed yet.', 'info', false);
  const fields = articles.slice(0, LIMITS.fields).map((a) => ({
    name: plain(a.title),
    value: escapeText(
      `${a.date ? `${a.date} · ` : ''}${a.sections.filter((s) => s.name).length} sections · ${a.passages} passages`,
    ),
  }));
  return payload({
    embeds: [
      {
        title: `${articles.length} article${articles.length === 1 ? '' : 's'}`,
        description:
          articles.length > LIMITS.fields
            ? `Showing the first ${LIMITS.fields}. Use \`/sources article:\` to see one article's sections.`
            : "Use `/sources article:` to see one article's sections.",
        fields,
        color: COLOUR.info,
      },
    ],
  });
}

export function renderHelp(articles: number, passages: number): ReplyPayload {
  return payload({
    embeds: [
      {
        title: 'citebot',
        description: [
          HELP_TEXT.what,
          '',
          '**Commands**',
          '`/ask question:` — answer with quotes. Options: `results` (1–5), `article`, `private`.',
          '`/sources [article]` — the articles, or one article’s sections.',
          '`/help` — this message.',
          '`/reindex` — moderators: re-read the articles.',
          'Right-click a message → Apps → **Ask citebot** to ask with its text.',
          'In DMs, just type your question; in a server, mention the bot with it.',
          '',
          '**Tips**',
          ...HELP_TEXT.how.map((h) => `• ${h}`),
        ].join('\n'),
        footer: { text: `${articles} articles · ${passages} passages indexed` },
        color: COLOUR.info,
      },
    ],
    flags: EPHEMERAL,
  });
}

export function renderReindex(report: ReindexReport): ReplyPayload {
  if (!report.ok) {
    return payload({
      embeds: [
        {
          title: 'Re-index failed',
          description: `${escapeText(report.error ?? 'Unknown error')}\nThe previous index keeps serving.`,
          color: COLOUR.error,
        },
      ],
      flags: EPHEMERAL,
    });
  }
  const list = (xs: string[]) =>
    xs.length
      ? xs
          .slice(0, 15)
          .map((x) => `• ${escapeText(x)}`)
          .join('\n') + (xs.length > 15 ? `\n… and ${xs.length - 15} more` : '')
      : 'none';
  const fields = [
    { name: `Added (${report.added.length})`, value: list(report.added) },
    { name: `Changed (${report.changed.length})`, value: list(report.changed) },
    { name: `Removed (${report.removed.length})`, value: list(report.removed) },
  ];
  if (report.skipped.length) {
    fields.push({
      name: `Skipped (${report.skipped.length})`,
      value: list(report.skipped.map((s) => `${s.file}: ${s.reason}`)),
    });
  }
  return payload({
    embeds: [
      {
        title: 'Re-indexed',
        description: `${report.files} files · ${report.articles} articles · ${report.passages} passages · ${report.ms} ms`,
        fields,
        color: COLOUR.ok,
      },
    ],
    flags: EPHEMERAL,
  });
}
