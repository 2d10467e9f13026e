/**
 * /insights as Discord messages: the report's sections (most asked, declined, voted down, quoted
 * most, never quoted) as lines packed into embed fields, page after page, with ◀/▶ whose signed
 * ids carry the days and the page (the report is computed again, or reused, on each click).
 * Every message is ephemeral and pings nobody; questions and corpus text are escaped.
 */
import type { APIButtonComponent, APIEmbedField } from 'discord-api-types/v10';
import { MAX_BUTTON_ARG } from '../app/bounds.js';
import type { InsightsDownvoted, InsightsGroup, InsightsPick, InsightsReport } from '../insights/types.js';
import type { CustomIdSigner } from './custom-id.js';
import { escapeText, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';
import { button, COLOUR, count, payload, type ReplyPayload } from './render-common.js';

/** Text per page (fields and the first page's overview): well inside the embed total, easy to read. */
const PAGE_CHARS = 3500;
/** Longest question shown, and each other wording of a group. */
const QUESTION_CHARS = 200;
const WORDING_CHARS = 80;
/** Picks listed under a voted-down answer. */
const PICKS_SHOWN = 3;
/** Text per field: a few lines under Discord's field limit. */
const FIELD_CHARS = Math.min(900, LIMITS.fieldValue);

/** One section of the report: its heading and its lines (or what it says when empty). */
interface Section {
  name: string;
  lines: string[];
  empty: string;
}

function quoted(question: string, max = QUESTION_CHARS): string {
  return `“${escapeText(truncate(question.replace(/[\p{Cc}\s]+/gu, ' ').trim(), max))}”`;
}

function placeLabel(title: string, section: string): string {
  return escapeText(section ? `${title} › ${section}` : `${title} (opening)`);
}

function groupLine(g: InsightsGroup, share: boolean): string {
  const head = `**${g.count}×** ${quoted(g.question)}${share ? ` · ${Math.round(g.answeredShare * 100)}% answered` : ''}`;
  if (g.others.length === 0) return head;
  const more = g.wordings - 1 - g.others.length;
  const others = g.others.map((o) => quoted(o, WORDING_CHARS)).join(', ');
  return `${head}\n  ↳ also ${others}${more > 0 ? ` and ${more} more` : ''}`;
}

const STATUS: Record<InsightsPick['status'], string> = {
  active: 'active',
  pending: 'pending',
  undone: 'undone',
};

function pickLine(p: InsightsPick): string {
  const target =
    p.verdict === 'none' ? 'none of these' : escapeText(truncate(p.passage, 150) || '(a passage)');
  return `  ↳ pick #${p.id} (${p.byRole}, ${STATUS[p.status]}): ${target}`;
}

function downvotedLine(d: InsightsDownvoted): string {
  const kind = d.answered === false ? ' · declined' : '';
  const lines = [
    `👎 ${d.down} · 👍 ${d.up}${kind} — ${d.question ? quoted(d.question) : '(question not kept)'}`,
  ];
  lines.push(...d.picks.slice(0, PICKS_SHOWN).map(pickLine));
  if (d.picks.length > PICKS_SHOWN) lines.push(`  ↳ and ${count(d.picks.length - PICKS_SHOWN, 'more pick')}`);
  return lines.join('\n');
}

/** The report's sections, in the order shown. */
function sections(r: InsightsReport): Section[] {
  const sectionLines: string[] = [];
  let file: string | undefined;
  for (const s of r.neverQuoted.sections) {
    if (s.file !== file) sectionLines.push(`**${escapeText(s.title)}** · ${escapeText((file = s.file))}`);
    sectionLines.push(`  ↳ ${escapeText(s.section || '(opening)')}`);
  }
  return [
    { name: 'Most asked', lines: r.frequent.map((g) => groupLine(g, true)), empty: 'No questions.' },
    {
      name: 'Declined: what the articles lack',
      lines: r.declined.map((g) => groupLine(g, false)),
      empty: 'No question was declined.',
    },
    { name: 'Voted down', lines: r.downvoted.map(downvotedLine), empty: 'No answer was voted down.' },
    {
      name: 'Articles quoted most',
      lines: r.quotedArticles.map(
        (a) => `**${a.count}** ${escapeText(a.title)} · ${escapeText(a.file)}${a.current ? '' : ' (gone)'}`,
      ),
      empty: 'No answer quoted anything.',
    },
    {
      name: 'Sections quoted most',
      lines: r.quoted.map((s) => `**${s.count}** ${placeLabel(s.title, s.section)}`),
      empty: 'No answer quoted anything.',
    },
    {
      name: 'Articles never quoted',
      lines: r.neverQuoted.articles.map((a) => `${escapeText(a.title)} · ${escapeText(a.file)}`),
      empty: 'Every article was quoted.',
    },
    {
      name: 'Sections never quoted, of the articles quoted',
      lines: sectionLines,
      empty: 'None: every section of them was quoted.',
    },
  ];
}

/** The first page's overview: the window, the totals, the notes. */
function overview(r: InsightsReport): string {
  const t = r.totals;
  const s = (ms: number) => `<t:${Math.floor(ms / 1000)}:f>`;
  const lines = [
    `${s(r.window.since)} → ${s(r.window.until)}`,
    `**${t.questions}** ${t.questions === 1 ? 'question' : 'questions'} (${t.answered} answered, ${t.declined} declined) · ${count(t.distinct, 'distinct wording')} in ${count(t.groups, 'group')}`,
    `Votes: 👍 ${t.up} · 👎 ${t.down} · ${count(t.picks, 'pick')}`,
    ...r.notes.map((n) => `-# ${escapeText(n)}`),
  ];
  return truncate(lines.join('\n'), Math.floor(PAGE_CHARS / 2));
}

/** Cuts a line that would not fit a field on its own (not expected: lines are short). */
function fitLine(line: string): string {
  return line.length <= FIELD_CHARS ? line : truncate(line, FIELD_CHARS);
}

/** A section's lines as fields of at most FIELD_CHARS, the later ones "(continued)". */
function fieldsOf(sec: Section): APIEmbedField[] {
  const lines = sec.lines.length ? sec.lines.map(fitLine) : [escapeText(sec.empty)];
  const out: APIEmbedField[] = [];
  let value: string[] = [];
  let size = 0;
  const flush = () => {
    out.push({ name: out.length ? `${sec.name} (continued)` : sec.name, value: value.join('\n') });
    value = [];
    size = 0;
  };
  for (const line of lines) {
    if (value.length && size + 1 + line.length > FIELD_CHARS) flush();
    size += (value.length ? 1 : 0) + line.length;
    value.push(line);
  }
  flush();
  return out;
}

/** Packs the sections' fields into pages of at most PAGE_CHARS (the first page holds the overview too). */
function paginate(r: InsightsReport): APIEmbedField[][] {
  const pages: APIEmbedField[][] = [];
  let fields: APIEmbedField[] = [];
  let used = overview(r).length;
  for (const field of sections(r).flatMap(fieldsOf)) {
    const size = field.name.length + field.value.length;
    if (fields.length && (used + size > PAGE_CHARS || fields.length >= LIMITS.fields)) {
      pages.push(fields);
      fields = [];
      used = 0;
    }
    fields.push(field);
    used += size;
  }
  pages.push(fields);
  return pages;
}

/** How many pages the report takes (each ◀/▶ argument is a page index, at most MAX_BUTTON_ARG). */
export function insightsPageCount(r: InsightsReport): number {
  return Math.min(paginate(r).length, MAX_BUTTON_ARG + 1);
}

/** The id part of /insights' ◀/▶: the days, as `d<days>`. */
export function insightsId(days: number): string {
  return `d${days}`;
}

/**
 * Page `page` (from 0; past the end: the last) of the report, with ◀/▶ to its neighbours.
 */
export function renderInsights(r: InsightsReport, page: number, signer: CustomIdSigner): ReplyPayload {
  const pages = paginate(r).slice(0, MAX_BUTTON_ARG + 1);
  const at = Math.max(0, Math.min(Math.trunc(page) || 0, pages.length - 1));
  const shown = pages[at] ?? [];
  const to = (n: number) =>
    signer.encode({ action: 'insights', answerId: insightsId(r.window.days), arg: n });
  const nav: APIButtonComponent[] = [];
  if (at > 0) nav.push({ ...button('Previous', to(at - 1)), emoji: { name: '◀️' } });
  if (at < pages.length - 1) nav.push({ ...button('Next', to(at + 1)), emoji: { name: '▶️' } });
  const by = r.similarity === 'vectors' ? 'by meaning and shared words' : 'by shared words';
  return payload({
    embeds: [
      {
        title: `Insights · the last ${count(r.window.days, 'day')}`,
        ...(at === 0 ? { description: overview(r) } : {}),
        fields: shown,
        footer: { text: `Page ${at + 1} of ${pages.length} · questions grouped ${by} · no asker is named` },
        color: COLOUR.info,
      },
    ],
    components: nav.length ? [{ type: 1, components: nav }] : [],
    flags: EPHEMERAL,
  });
}
