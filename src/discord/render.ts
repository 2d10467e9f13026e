/**
 * Renders command results as Discord messages (API JSON), within Discord's limits,
 * with corpus and user text escaped. One embed per passage: each quote is its own
 * card with its origin in the footer, so a long answer degrades by dropping whole
 * cards rather than cutting quotes mid-way.
 */
import type {
  APIActionRowComponent,
  APIButtonComponent,
  APIButtonComponentWithCustomId,
  APIEmbed,
} from 'discord-api-types/v10';
import { HELP_TEXT, type ReadResult, sectionName, semanticStatus } from '../commands/commands.js';
import { sectionLabel, toParts } from '../core/parts.js';
import type { AnswerPassage, ArticleMeta, Origin, Passage } from '../core/types.js';
import type { ReindexReport, SemanticCoverage } from '../corpus/library.js';
import type { CustomIdSigner } from './custom-id.js';
import { escapeText, markdownLink, neutraliseMentions, safeUrl, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import type { StoredAnswer } from './store.js';

/**
 * Who a message may ping: nobody, or (an answer addressed with `/ask for:`) exactly one user;
 * never roles, @everyone/@here or the author of a replied-to message.
 */
export type AllowedMentions = { parse: []; repliedUser?: false } | { users: [string] };

/** A message ready for discord.js (`reply`, `followUp`, `editReply`, `update`). */
export interface ReplyPayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  flags?: number;
  allowedMentions: AllowedMentions;
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

/** "1 passage", "2 passages", "0 passages". */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The article's source link: the passage's own, else its article's (when the snapshot has it). */
function originUrl(o: Origin, articles: readonly ArticleMeta[] = []): string | undefined {
  return safeUrl(o.url ?? articles.find((a) => a.file === o.file)?.url);
}

/** A "Read the article" link button (style Link: Discord opens the url, no interaction). */
function linkButton(url: string | undefined): APIButtonComponent[] {
  const href = safeUrl(url);
  return href ? [{ type: 2, style: 5, label: 'Read the article', url: href }] : [];
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
    components: (p.components ?? []).filter((r) => r.components.length > 0).slice(0, LIMITS.rows),
    allowedMentions: p.allowedMentions ?? NO_MENTIONS,
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

function button(label: string, customId: string, style: 1 | 2 | 3 | 4 = 2): APIButtonComponentWithCustomId {
  return { type: 2, style, label: truncate(label, LIMITS.buttonLabel), custom_id: customId };
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
function addressed(stored: StoredAnswer): { prefix: string; allowedMentions?: AllowedMentions } {
  return stored.forUserId
    ? { prefix: `For <@${stored.forUserId}>:\n`, allowedMentions: { users: [stored.forUserId] } }
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
  if (!a.answered) return renderDeclined(stored, deletable ? opts.signer : undefined, opts.posted === true);
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
  }
  return payload({
    content,
    embeds,
    components,
    ...(stored.private && !opts.posted ? { flags: EPHEMERAL } : {}),
    ...(to.allowedMentions ? { allowedMentions: to.allowedMentions } : {}),
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
  deleteWith: CustomIdSigner | undefined,
  posted: boolean,
): ReplyPayload {
  const a = stored.answer;
  const to = addressed(stored);
  const components: APIActionRowComponent<APIButtonComponent>[] = deleteWith
    ? [{ type: 1, components: [deleteButton(deleteWith, stored.userId)] }]
    : [];
  const flags = stored.private && !posted ? { flags: EPHEMERAL } : {};
  const mentions = to.allowedMentions ? { allowedMentions: to.allowedMentions } : {};
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

export function renderSources(
  articles: readonly ArticleMeta[],
  one?: ArticleMeta,
  semantic?: SemanticCoverage,
): ReplyPayload {
  if (one) {
    const sections = one.sections.map(
      (s) => `• ${escapeText(sectionName(s.name))} — ${count(s.passages, 'passage')}`,
    );
    const url = safeUrl(one.url);
    const meta = [one.date, one.author].filter(Boolean).map((x) => escapeText(x as string));
    return payload({
      embeds: [
        {
          title: plain(one.title),
          ...(url ? { url } : {}),
          description: [meta.length ? `-# ${meta.join(' · ')}` : '', ...sections].filter(Boolean).join('\n'),
          footer: { text: plain(`${one.file} · ${count(one.passages, 'passage')}`) },
          color: COLOUR.info,
        },
      ],
      components: [{ type: 1, components: linkButton(url) }],
    });
  }
  if (articles.length === 0) return renderNote('No articles are indexed yet.', 'info', false);
  const fields = articles.slice(0, LIMITS.fields).map((a) => {
    const url = safeUrl(a.url);
    const facts = escapeText(
      `${a.date ? `${a.date} · ` : ''}${count(a.sections.filter((s) => s.name).length, 'section')} · ${count(a.passages, 'passage')}`,
    );
    return { name: plain(a.title), value: url ? `${facts} · [source](<${url}>)` : facts };
  });
  return payload({
    embeds: [
      {
        title: count(articles.length, 'article'),
        description: [
          articles.length > LIMITS.fields
            ? `Showing the first ${LIMITS.fields}. Use \`/sources article:\` to see one article's sections.`
            : "Use `/sources article:` to see one article's sections.",
          ...(semantic ? [`-# ${escapeText(semanticStatus(semantic))}`] : []),
        ].join('\n'),
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
          '`/ask question:` — answer with quotes. Options: `results` (1–5), `article`, `private`, `for` (in a server: post the answer in the channel for someone).',
          '`/sources [article]` — the articles, or one article’s sections.',
          '`/read article: section: [page]` — a whole section, quoted passage by passage.',
          '`/help` — this message.',
          '`/reindex` — moderators: re-read the articles.',
          'Right-click a message → Apps → **Ask citebot** to ask with its text.',
          'In DMs, just type your question; in a server, mention the bot with it.',
          '',
          '**Tips**',
          ...HELP_TEXT.how.map((h) => `• ${h}`),
        ].join('\n'),
        footer: { text: `${count(articles, 'article')} · ${count(passages, 'passage')} indexed` },
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
        description: `${count(report.files, 'file')} · ${count(report.articles, 'article')} · ${count(report.passages, 'passage')} · ${report.ms} ms`,
        fields,
        color: COLOUR.ok,
      },
    ],
    flags: EPHEMERAL,
  });
}

/** One piece of a /read page: a passage, or part of one too long for a page. */
interface ReadBlock {
  text: string;
}

/**
 * Cuts raw text into pieces whose escaped form is at most `max` characters: at spaces when
 * possible, never inside a surrogate pair. Escaping happens after the cut, so no escape is split.
 */
function cutEscaped(text: string, max: number): string[] {
  const pieces: string[] = [];
  const tokens = text.match(/\s*\S+|\s+$/gu) ?? [text];
  let current = '';
  let size = 0;
  const flush = () => {
    if (current) pieces.push(current);
    current = '';
    size = 0;
  };
  for (const token of tokens) {
    const t = escapeText(token).length;
    if (size + t <= max) {
      current += token;
      size += t;
      continue;
    }
    flush();
    if (t <= max) {
      current = token.replace(/^\s+/u, '');
      size = escapeText(current).length;
      continue;
    }
    // One word longer than a page: cut it by code points, each measured escaped on its own. That
    // never undercounts: escapes are per character and line-start ones only add; "@" and "<" count
    // one more for the zero-width space a mention gets.
    let piece = '';
    let pieceSize = 0;
    for (const ch of token.replace(/^\s+/u, '')) {
      const c = escapeText(ch).length + (ch === '@' || ch === '<' ? 1 : 0);
      if (pieceSize + c > max && piece) {
        pieces.push(piece);
        piece = '';
        pieceSize = 0;
      }
      piece += ch;
      pieceSize += c;
    }
    current = piece;
    size = pieceSize;
  }
  flush();
  return pieces;
}

function linesLabel([a, b]: [number, number]): string {
  return a === b ? `line ${a}` : `lines ${a}–${b}`;
}

/** The section's passages as page-sized blocks: "**¶n** · lines a–b" over the quote, verbatim. */
function readBlocks(r: ReadResult, budget: number): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  for (const p of r.passages) {
    const head = `**¶${p.origin.paragraph}** · ${linesLabel(p.origin.lines)}`;
    const more = `**¶${p.origin.paragraph}** (continued) · ${linesLabel(p.origin.lines)}`;
    // Room for the longer heading, a line break, the two quotation marks and the escape that
    // escapeText may add where a piece starts ("#", ">", "1." …).
    const pieces = cutEscaped(p.text, budget - more.length - 5);
    pieces.forEach((piece, k) => {
      const open = k === 0 ? '“' : '';
      const close = k === pieces.length - 1 ? '”' : '';
      blocks.push({ text: `${k === 0 ? head : more}\n${open}${escapeText(piece)}${close}` });
    });
  }
  return blocks;
}

/** The section cut into pages of at most one embed description each. */
export function readPages(r: ReadResult): string[] {
  const heading = `**${escapeText(truncate(sectionName(r.section), 200))}**`;
  const budget = LIMITS.embedDescription - heading.length - 2;
  const pages: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const b of readBlocks(r, budget)) {
    const add = (current.length ? 2 : 0) + b.text.length;
    if (current.length && size + add > budget) {
      pages.push(current.join('\n\n'));
      current = [];
      size = 0;
    }
    size += (current.length ? 2 : 0) + b.text.length;
    current.push(b.text);
  }
  if (current.length) pages.push(current.join('\n\n'));
  if (pages.length === 0) pages.push('This section has no passages.');
  return pages.map((p) => `${heading}\n${p}`);
}

export interface ReadRenderOptions {
  /** The signed custom id of the button that shows `page` (0-based) of this section. */
  pageId: (page: number) => string;
  ephemeral: boolean;
}

/** One page of /read: the section's passages verbatim, ◀/▶ between pages, a link to the article. */
export function renderRead(r: ReadResult, page: number, opts: ReadRenderOptions): ReplyPayload {
  const pages = readPages(r);
  const p = Math.min(Math.max(page, 0), pages.length - 1);
  const url = safeUrl(r.article.url ?? r.passages[0]?.origin.url);
  const nav: APIButtonComponent[] = [];
  if (p > 0) nav.push(button('◀ Previous', opts.pageId(p - 1)));
  if (p < pages.length - 1) nav.push(button('Next ▶', opts.pageId(p + 1), 1));
  nav.push(...linkButton(url));
  return payload({
    embeds: [
      {
        title: plain(r.article.title),
        ...(url ? { url } : {}),
        description: pages[p] ?? '',
        footer: {
          text: plain(
            `${r.article.file} · ${count(r.passages.length, 'passage')} · page ${p + 1} of ${pages.length}`,
          ),
        },
        color: COLOUR.answer,
      },
    ],
    components: [{ type: 1, components: nav }],
    ...(opts.ephemeral ? { flags: EPHEMERAL } : {}),
  });
}
