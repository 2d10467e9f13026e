/**
 * `npm run insights` as terminal text (the first TERMINAL_LIST_MAX of each section, the rest
 * counted) and as JSON (`--json`: the whole report, every list complete, times also as ISO 8601).
 */
import type { InsightsDownvoted, InsightsGroup, InsightsReport } from '../insights/types.js';
import { count, plainStyle, type Style, terminalSafe } from './terminal.js';

/** Lines shown per section in the terminal (--json has them all). */
export const TERMINAL_LIST_MAX = 25;

function q(text: string): string {
  return `“${terminalSafe(text).replace(/\s+/gu, ' ').trim()}”`;
}

function place(title: string, section: string): string {
  return terminalSafe(section ? `${title} › ${section}` : `${title} (opening)`);
}

function groupLines(g: InsightsGroup, share: boolean): string[] {
  const head = `${g.count}× ${q(g.question)}${share ? ` — ${Math.round(g.answeredShare * 100)}% answered` : ''}`;
  if (!g.others.length) return [head];
  const more = g.wordings - 1 - g.others.length;
  return [head, `     also ${g.others.map(q).join(', ')}${more > 0 ? ` and ${more} more` : ''}`];
}

function downvotedLines(d: InsightsDownvoted): string[] {
  const kind = d.answered === false ? ', declined' : '';
  return [
    `👎 ${d.down} 👍 ${d.up}${kind} — ${d.question ? q(d.question) : '(question not kept)'}`,
    ...d.picks.map(
      (p) =>
        `     pick #${p.id} (${p.byRole}, ${p.status}): ${p.verdict === 'none' ? 'none of these' : terminalSafe(p.passage || '(a passage)')}`,
    ),
  ];
}

function section<T>(
  style: Style,
  title: string,
  items: readonly T[],
  lines: (x: T) => string[],
  empty: string,
): string {
  const shown = items.slice(0, TERMINAL_LIST_MAX).flatMap((x) => lines(x).map((l) => `  ${l}`));
  const rest = items.length - TERMINAL_LIST_MAX;
  if (rest > 0) shown.push(style.dim(`  … and ${rest} more (--json lists them all)`));
  return [style.bold(title), ...(items.length ? shown : [style.dim(`  ${empty}`)])].join('\n');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The report as terminal text. */
export function renderInsights(r: InsightsReport, style: Style = plainStyle): string {
  const t = r.totals;
  const by = r.similarity === 'vectors' ? 'by meaning and shared words' : 'by shared words';
  const byArticle: { title: string; file: string; sections: string[] }[] = [];
  for (const s of r.neverQuoted.sections) {
    const last = byArticle.at(-1);
    if (last?.file === s.file) last.sections.push(s.section);
    else byArticle.push({ title: s.title, file: s.file, sections: [s.section] });
  }
  const head = [
    style.bold(`Insights: the last ${count(r.window.days, 'day')}`) +
      style.dim(` (${iso(r.window.since)} to ${iso(r.window.until)})`),
    `${count(t.questions, 'question')}: ${t.answered} answered, ${t.declined} declined; ${count(t.distinct, 'distinct wording')} in ${count(t.groups, 'group')} (grouped ${by})`,
    `Votes: 👍 ${t.up}, 👎 ${t.down}; ${count(t.picks, 'pick')}`,
    ...r.notes.map((n) => style.warn(`Note: ${terminalSafe(n)}`)),
  ].join('\n');
  return [
    head,
    section(style, 'Most asked', r.frequent, (g) => groupLines(g, true), 'No questions.'),
    section(
      style,
      'Declined (what the articles lack)',
      r.declined,
      (g) => groupLines(g, false),
      'No question was declined.',
    ),
    section(style, 'Voted down', r.downvoted, downvotedLines, 'No answer was voted down.'),
    section(
      style,
      'Articles quoted most',
      r.quotedArticles,
      (a) => [`${a.count} ${terminalSafe(a.title)} — ${terminalSafe(a.file)}${a.current ? '' : ' (gone)'}`],
      'No answer quoted anything.',
    ),
    section(
      style,
      'Sections quoted most',
      r.quoted,
      (s) => [`${s.count} ${place(s.title, s.section)}`],
      'No answer quoted anything.',
    ),
    section(
      style,
      'Articles never quoted',
      r.neverQuoted.articles,
      (a) => [`${terminalSafe(a.title)} — ${terminalSafe(a.file)}`],
      'Every article was quoted.',
    ),
    section(
      style,
      'Sections never quoted, of the articles quoted',
      byArticle,
      (a) => [
        `${terminalSafe(a.title)} — ${terminalSafe(a.file)}`,
        ...a.sections.map((s) => `     ${terminalSafe(s || '(opening)')}`),
      ],
      'None: every section of them was quoted.',
    ),
  ].join('\n\n');
}

/** The JSON form of the report: the report itself, its window's times also as ISO 8601. */
export type InsightsJson = InsightsReport & {
  window: InsightsReport['window'] & { sinceIso: string; untilIso: string };
};

/** The report as one JSON-ready object (`npm run insights -- --json`). */
export function insightsJson(r: InsightsReport): InsightsJson {
  return { ...r, window: { ...r.window, sinceIso: iso(r.window.since), untilIso: iso(r.window.until) } };
}
