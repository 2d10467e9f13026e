/**
 * What every Discord reply is built from: the message body type, colours, the embed limits,
 * and the short note used for errors, refusals and cooldowns. The bodies are raw Discord API
 * JSON (snake_case, `allowed_mentions` explicit on every message), valid as an interaction
 * response's data, a webhook edit or follow-up, or (without `flags`) a channel message.
 */
import type {
  APIActionRowComponent,
  APIButtonComponent,
  APIButtonComponentWithCustomId,
  APIComponentInMessageActionRow,
  APIEmbed,
} from 'discord-api-types/v10';
import type { ArticleMeta, Origin } from '../core/types.js';
import { escapeText, neutraliseMentions, safeUrl, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';

/**
 * Who a message may ping: nobody, or (an answer addressed with `/ask for:`) exactly one user;
 * never roles, @everyone/@here or the author of a replied-to message.
 */
export type AllowedMentions = { parse: []; replied_user?: false } | { users: [string] };

/** A message as raw API JSON: an interaction response's data, a webhook body, a channel message. */
export interface ReplyPayload {
  content?: string;
  embeds: APIEmbed[];
  /** Rows of buttons, or a row holding one select menu. */
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  flags?: number;
  allowed_mentions: AllowedMentions;
}

export const COLOUR = {
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
export function plain(s: string): string {
  return neutraliseMentions(s.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ' '));
}

/** "1 passage", "2 passages", "0 passages". */
export function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The article's source link: the passage's own, else its article's (when the snapshot has it). */
export function originUrl(o: Origin, articles: readonly ArticleMeta[] = []): string | undefined {
  return safeUrl(o.url ?? articles.find((a) => a.file === o.file)?.url);
}

/** A "Read the article" link button (style Link: Discord opens the url, no interaction). */
export function linkButton(url: string | undefined): APIButtonComponent[] {
  const href = safeUrl(url);
  return href ? [{ type: 2, style: 5, label: 'Read the article', url: href }] : [];
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

/** A message body cut to Discord's limits, with `allowed_mentions` always set (nobody by default). */
export function payload(
  p: Omit<ReplyPayload, 'allowed_mentions' | 'components'> & Partial<ReplyPayload>,
): ReplyPayload {
  const out: ReplyPayload = {
    embeds: fitEmbeds(p.embeds),
    components: (p.components ?? []).filter((r) => r.components.length > 0).slice(0, LIMITS.rows),
    allowed_mentions: p.allowed_mentions ?? NO_MENTIONS,
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

/** A button that sends an interaction with `customId` (style 1 primary … 4 danger; 2 secondary by default). */
export function button(
  label: string,
  customId: string,
  style: 1 | 2 | 3 | 4 = 2,
): APIButtonComponentWithCustomId {
  return { type: 2, style, label: truncate(label, LIMITS.buttonLabel), custom_id: customId };
}
