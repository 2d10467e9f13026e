/**
 * Renders command results as terminal text, with ANSI colours when asked.
 */
import type {
  AskResult,
  CommandError,
  HelpResult,
  ReindexResult,
  SourcesResult,
} from '../commands/commands.js';
import { HELP_TEXT } from '../commands/commands.js';
import { originLabel, toParts } from '../core/parts.js';
import type { ArticleMeta } from '../core/types.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  mark(s: string): string;
  warn(s: string): string;
}

export const plainStyle: Style = { bold: (s) => s, dim: (s) => s, mark: (s) => `*${s}*`, warn: (s) => s };
export const ansiStyle: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
  mark: (s) => `\x1b[1;33m${s}\x1b[22;39m`,
  warn: (s) => `\x1b[31m${s}\x1b[39m`,
};

/**
 * Control characters from the corpus or the user never reach the terminal raw: the
 * same set Discord's escapeText flattens, including the bidi marks U+061C, U+200E and
 * U+200F and the line/paragraph separators U+2028/U+2029, not only the overrides.
 */
function safe(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]/gu, ' ');
}

function articleLine(a: ArticleMeta): string {
  return `${a.title}${a.date ? ` (${a.date})` : ''} — ${a.file}, ${a.passages} passages`;
}

export function renderAsk(result: AskResult | CommandError, style: Style = plainStyle): string {
  if (result.kind === 'error') return style.warn(result.message);
  const a = result.answer;
  const lines: string[] = [];
  if (!a.answered) {
    lines.push("The articles don't answer that.");
    if (a.suggestions.length)
      lines.push(`Did you mean: ${a.suggestions.map((s) => `"${safe(s)}"`).join(', ')}?`);
    lines.push('The articles are:');
    for (const art of result.articles) lines.push(`  • ${safe(articleLine(art))}`);
    return lines.join('\n');
  }
  a.passages.forEach((p, i) => {
    const quote = toParts(p.quote, p.quoteHighlights)
      .map((part) => (part.mark ? style.mark(safe(part.text)) : safe(part.text)))
      .join('');
    lines.push(`${style.bold(`${i + 1}.`)} “${quote}”`);
    const o = p.passage.origin;
    lines.push(style.dim(`   — ${safe(originLabel(o))} (${o.file}, lines ${o.lines[0]}–${o.lines[1]})`));
    if (i < a.passages.length - 1) lines.push('');
  });
  return lines.join('\n');
}

export function renderSources(result: SourcesResult | CommandError, style: Style = plainStyle): string {
  if (result.kind === 'error') return style.warn(result.message);
  if (result.article) {
    const a = result.article;
    const lines = [
      style.bold(safe(a.title)),
      style.dim(`${a.file}${a.date ? ` · ${a.date}` : ''}${a.author ? ` · ${safe(a.author)}` : ''}`),
    ];
    for (const s of a.sections)
      lines.push(`  • ${safe(s.name || '(opening)')} — ${s.passages} passage${s.passages === 1 ? '' : 's'}`);
    return lines.join('\n');
  }
  if (result.articles.length === 0) return 'No articles are indexed.';
  return [
    style.bold(`${result.articles.length} articles`),
    ...result.articles.map(
      (a) => `  • ${safe(articleLine(a))}, ${a.sections.filter((s) => s.name).length} sections`,
    ),
  ].join('\n');
}

export function renderHelp(result: HelpResult, style: Style = plainStyle): string {
  return [
    style.bold('citebot'),
    HELP_TEXT.what,
    '',
    ...HELP_TEXT.how.map((h) => `  • ${h}`),
    '',
    'Commands: /sources [article], /reindex, /help, /quit. Anything else is a question.',
    style.dim(`Indexed: ${result.articles} articles, ${result.passages} passages.`),
  ].join('\n');
}

export function renderReindex(result: ReindexResult, style: Style = plainStyle): string {
  const r = result.report;
  if (!r.ok)
    return style.warn(`Re-index failed: ${r.error ?? 'unknown error'}. The previous index keeps serving.`);
  const lines = [
    `Re-indexed ${r.files} files into ${r.passages} passages in ${r.ms} ms.`,
    `Added ${r.added.length}, changed ${r.changed.length}, removed ${r.removed.length}.`,
  ];
  for (const [label, list] of [
    ['added', r.added],
    ['changed', r.changed],
    ['removed', r.removed],
  ] as const) {
    if (list.length)
      lines.push(`  ${label}: ${list.slice(0, 20).map(safe).join(', ')}${list.length > 20 ? ', …' : ''}`);
  }
  if (r.skipped.length) {
    lines.push(`Skipped ${r.skipped.length} files:`);
    for (const s of r.skipped.slice(0, 20)) lines.push(`  • ${safe(s.file)}: ${s.reason}`);
    if (r.skipped.length > 20) lines.push(`  … and ${r.skipped.length - 20} more`);
  }
  return lines.join('\n');
}
