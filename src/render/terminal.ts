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
import { terminalHelpLine } from '../app/help.js';
import { HELP_TEXT, semanticStatus } from '../commands/commands.js';
import { originLabel, toParts } from '../core/parts.js';
import type { ArticleMeta, Span } from '../core/types.js';
import type { ArticleOrigin } from '../manage/types.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  mark(s: string): string;
  warn(s: string): string;
  /** A link to `url` (already made safe): the plain address, or a terminal hyperlink showing it. */
  link?(url: string): string;
}

export const plainStyle: Style = { bold: (s) => s, dim: (s) => s, mark: (s) => `*${s}*`, warn: (s) => s };
/** ANSI colours (SGR only). */
export const ansiStyle: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
  mark: (s) => `\x1b[1;33m${s}\x1b[22;39m`,
  warn: (s) => `\x1b[31m${s}\x1b[39m`,
};
/** A colour terminal: ANSI colours and OSC 8 hyperlinks (the address stays visible as the link text). */
export const ttyStyle: Style = {
  ...ansiStyle,
  link: (url) => `\x1b]8;;${url}\x1b\\${url}\x1b]8;;\x1b\\`,
};

/** "1 passage", "2 passages". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * Control characters from the corpus or the user never reach the terminal raw: the
 * same set Discord's escapeText flattens, including the bidi marks U+061C, U+200E and
 * U+200F and the line/paragraph separators U+2028/U+2029, not only the overrides.
 */
function safe(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]/gu, ' ');
}

/** A quote with its matched words marked, made safe for the terminal. */
export function renderQuote(quote: string, highlights: readonly Span[], style: Style): string {
  return toParts(quote, highlights)
    .map((part) => (part.mark ? style.mark(safe(part.text)) : safe(part.text)))
    .join('');
}

/** Text from the corpus or the user with its control characters flattened. */
export function terminalSafe(s: string): string {
  return safe(s);
}

function articleLine(a: ArticleMeta): string {
  return `${a.title}${a.date ? ` (${a.date})` : ''} — ${a.file}, ${count(a.passages, 'passage')}`;
}

/** A link address as it may reach the terminal: no control characters, no spaces (it stays one word). */
function safeUrl(url: string): string {
  return safe(url).replace(/\s/gu, '%20');
}

/** "They mention nanoGPT here:" (terminal text, made safe). */
function relatedLead(subject: string | undefined): string {
  return subject ? `They mention ${safe(subject)} here:` : 'What they say about it:';
}

export function renderAsk(result: AskResult | CommandError, style: Style = plainStyle): string {
  if (result.kind === 'error') return style.warn(result.message);
  const a = result.answer;
  const lines: string[] = [];
  if (!a.answered && a.related.length) {
    // Declined for its answer type: what the articles do say about the subject.
    lines.push(`${a.declineReason ?? "The articles don't answer that."} ${relatedLead(a.subject)}`);
    a.related.forEach((p) => {
      const o = p.passage.origin;
      lines.push(`  “${renderQuote(p.quote, p.quoteHighlights, style)}”`);
      lines.push(
        style.dim(`   — ${safe(originLabel(o))} (${safe(o.file)}, lines ${o.lines[0]}–${o.lines[1]})`),
      );
    });
    return lines.join('\n');
  }
  if (!a.answered && result.elsewhere?.length) {
    const scoped = result.articles.find((art) => art.file === a.article);
    const titles = result.elsewhere.map((art) => `“${safe(art.title)}”`).join(', ');
    lines.push(
      `${scoped ? `“${safe(scoped.title)}” doesn't answer that` : "That article doesn't answer it"}; ${titles} ${result.elsewhere.length === 1 ? 'does' : 'do'}.`,
    );
    lines.push(
      'Ask again in all articles (in the terminal: /article alone; with npm run ask: without --article).',
    );
    return lines.join('\n');
  }
  if (!a.answered) {
    lines.push("The articles don't answer that.");
    if (a.suggestions.length)
      lines.push(`Did you mean: ${a.suggestions.map((s) => `"${safe(s)}"`).join(', ')}?`);
    if (result.articles.length === 0) {
      lines.push('There are no articles to quote from: the corpus folder has no .txt or .md files.');
      return lines.join('\n');
    }
    lines.push('The articles are:');
    for (const art of result.articles) lines.push(`  • ${safe(articleLine(art))}`);
    return lines.join('\n');
  }
  a.passages.forEach((p, i) => {
    const quote = renderQuote(p.quote, p.quoteHighlights, style);
    lines.push(`${style.bold(`${i + 1}.`)} “${quote}”`);
    const o = p.passage.origin;
    const link = o.url ? ` ${(style.link ?? ((u: string) => u))(safeUrl(o.url))}` : '';
    lines.push(
      style.dim(`   — ${safe(originLabel(o))} (${safe(o.file)}, lines ${o.lines[0]}–${o.lines[1]})${link}`),
    );
    if (i < a.passages.length - 1) lines.push('');
  });
  return lines.join('\n');
}

export function renderSources(result: SourcesResult | CommandError, style: Style = plainStyle): string {
  if (result.kind === 'error') return style.warn(result.message);
  if (result.article) {
    const a = result.article;
    const from = originLine(result.origins?.get(a.file));
    const lines = [
      style.bold(safe(a.title)),
      style.dim(
        `${a.file}${a.date ? ` · ${a.date}` : ''}${a.author ? ` · ${safe(a.author)}` : ''}${from ? ` · ${from}` : ''}`,
      ),
    ];
    for (const s of a.sections)
      lines.push(`  • ${safe(s.name || '(opening)')} — ${count(s.passages, 'passage')}`);
    return lines.join('\n');
  }
  if (result.articles.length === 0) return 'No articles are indexed.';
  return [
    style.bold(count(result.articles.length, 'article')),
    ...result.articles.map((a) => {
      const from = originLine(result.origins?.get(a.file));
      return `  • ${safe(articleLine(a))}, ${count(a.sections.filter((s) => s.name).length, 'section')}${from ? style.dim(` · ${from}`) : ''}`;
    }),
    ...[...(result.origins?.values() ?? [])]
      .filter((o) => o.hidden)
      .map((o) => style.dim(`  (hidden from Discord: ${safe(o.title)}, ${safe(o.file)})`)),
    style.dim(semanticStatus(result.semantic)),
  ].join('\n');
}

/** Where an article comes from, in the terminal's words. */
function originLine(o: ArticleOrigin | undefined): string | undefined {
  if (!o) return undefined;
  if (o.origin === 'folder') return 'folder';
  const when = o.addedAt ? ` on ${new Date(o.addedAt).toISOString().slice(0, 10)}` : '';
  return `added from Discord by ${safe(o.addedBy ?? 'unknown')}${when}`;
}

export function renderHelp(result: HelpResult, style: Style = plainStyle): string {
  return [
    style.bold('citebot'),
    HELP_TEXT.what,
    '',
    ...HELP_TEXT.terminal.map((h) => `  • ${h}`),
    '',
    terminalHelpLine(),
    style.dim(`Indexed: ${count(result.articles, 'article')}, ${count(result.passages, 'passage')}.`),
  ].join('\n');
}

export function renderReindex(result: ReindexResult, style: Style = plainStyle): string {
  const r = result.report;
  if (!r.ok)
    return style.warn(`Re-index failed: ${r.error ?? 'unknown error'}. The previous index keeps serving.`);
  const lines = [
    `Re-indexed ${count(r.files, 'file')} into ${count(r.passages, 'passage')} in ${r.ms} ms.`,
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
    lines.push(`Skipped ${count(r.skipped.length, 'file')}:`);
    for (const s of r.skipped.slice(0, 20)) lines.push(`  • ${safe(s.file)}: ${s.reason}`);
    if (r.skipped.length > 20) lines.push(`  … and ${r.skipped.length - 20} more`);
  }
  return lines.join('\n');
}

/** SGR colour codes and OSC 8 hyperlink brackets: zero columns wide. */
const ESCAPES = /\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/gu;
/** Wide (two-column) characters: CJK, Hangul, full-width forms, most emoji. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

/** The columns `s` takes on a terminal (escape sequences take none). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(ESCAPES, '')) w += ZERO_WIDTH.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return w;
}

/** The indent a wrapped line keeps under its first line: its leading spaces and a list marker ("1. ", "• ", "— "). */
const HANGING = /^ *(?:\d+\. |[•—-] |\? )?/u;

/**
 * Wraps each line of `text` at spaces so no line is wider than `width` columns, continuing a line
 * under its hanging indent. Words are never cut: an escape sequence or a URL stays whole (a word
 * wider than the line keeps a line of its own).
 */
export function wrapText(text: string, width: number): string {
  const max = Math.max(20, Math.floor(width));
  return text
    .split('\n')
    .map((line) => {
      if (displayWidth(line) <= max) return line;
      const visible = line.replace(ESCAPES, '');
      const hang = Math.min(displayWidth(HANGING.exec(visible)?.[0] ?? ''), Math.floor(max / 2));
      const indent = ' '.repeat(hang);
      const out: string[] = [];
      let current = '';
      let col = 0;
      // Tokens alternate: word, spaces, word, … (a word may be only escape sequences).
      const tokens = line.split(/( +)/u);
      for (let i = 0; i < tokens.length; i += 2) {
        const word = tokens[i] ?? '';
        const space = i > 0 ? (tokens[i - 1] ?? '') : '';
        const w = displayWidth(word);
        if (i > 0 && w > 0 && col > hang && col + space.length + w > max) {
          out.push(current);
          current = indent + word;
          col = hang + w;
        } else {
          current += space + word;
          col += space.length + w;
        }
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}
