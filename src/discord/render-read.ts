/**
 * /read as Discord messages: a section cut into pages of one embed each, passage by passage,
 * verbatim and escaped, with ◀/▶ between pages.
 */
import type { APIButtonComponent } from 'discord-api-types/v10';
import { type ReadResult, sectionName } from '../commands/commands.js';
import { button, COLOUR, count, linkButton, payload, plain, type ReplyPayload } from './render-common.js';
import { escapeText, safeUrl, truncate } from './escape.js';
import { EPHEMERAL, LIMITS } from './limits.js';

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
