/**
 * An article's DOM (Readability's content) written as the Markdown citebot indexes: headings as
 * `##`…`######` (shifted so the highest heading is `##`, the title alone being `#`), paragraphs
 * as blocks, list items as `- ` / `1. ` (nested ones indented), quotes as `> `, preformatted text
 * as fenced code, table rows one per line with cells joined by ` | `. Links keep their text only;
 * images, media and form controls are dropped. Whitespace is collapsed inside blocks; a `<br>`
 * breaks a line, two of them a paragraph.
 */
import { isElement, tag, TEXT_NODE, type DomElement, type DomNode } from './dom.js';

/** Elements whose content is never article text. */
const DROPPED = new Set([
  'img', 'picture', 'video', 'audio', 'source', 'track', 'map', 'area', 'input', 'button', 'select',
  'textarea', 'option', 'script', 'style', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg',
  'canvas', 'head', 'meta', 'link', 'title',
]); // prettier-ignore

/** Elements that start and end a block (their inline content becomes paragraphs). */
const CONTAINERS = new Set([
  'address', 'article', 'aside', 'body', 'center', 'details', 'dialog', 'div', 'dl', 'dt', 'dd',
  'fieldset', 'figure', 'figcaption', 'footer', 'header', 'hgroup', 'html', 'li', 'main', 'nav',
  'p', 'section', 'summary', 'caption', 'legend',
]); // prettier-ignore

/**
 * A heading's level as the page wrote it, kept in this attribute (Readability turns every `<h1>`
 * of the content into an `<h2>`, which would merge two levels).
 */
export const LEVEL_ATTRIBUTE = 'data-citebot-level';

/** A heading's level (1–6): its LEVEL_ATTRIBUTE, else its tag's. */
function levelOf(el: DomElement, tagLevel: number): number {
  const kept = Number(el.getAttribute(LEVEL_ATTRIBUTE));
  return Number.isInteger(kept) && kept >= 1 && kept <= 6 ? kept : tagLevel;
}

/** How headings are shifted: the highest level in the content becomes `##`. */
interface Context {
  topLevel: number;
  listDepth: number;
}

/** Collects blocks; inline text waits in a buffer until a block boundary flushes it. */
class Blocks {
  readonly out: string[] = [];
  #inline: string[] = [];

  text(s: string): void {
    this.#inline.push(s.replace(/\s+/gu, ' '));
  }

  lineBreak(): void {
    this.#inline.push('\n');
  }

  /** Turns the buffered inline text into paragraphs (lines kept; an empty line splits). */
  flush(): void {
    const lines = this.#inline
      .join('')
      .split('\n')
      .map((l) => l.replace(/\s+/gu, ' ').trim());
    this.#inline = [];
    let paragraph: string[] = [];
    for (const line of [...lines, '']) {
      if (line !== '') paragraph.push(line);
      else if (paragraph.length > 0) {
        this.out.push(paragraph.join('\n'));
        paragraph = [];
      }
    }
  }

  block(s: string): void {
    this.flush();
    if (s.trim() !== '') this.out.push(s);
  }
}

function visitChildren(node: DomNode, b: Blocks, ctx: Context): void {
  for (const child of Array.from(node.childNodes)) visit(child, b, ctx);
}

function visit(node: DomNode, b: Blocks, ctx: Context): void {
  if (node.nodeType === TEXT_NODE) return b.text(node.textContent ?? '');
  if (!isElement(node)) return;
  const name = tag(node);
  if (DROPPED.has(name)) return;
  const heading = /^h([1-6])$/u.exec(name);
  if (heading) {
    const text = inlineText(node, ctx);
    const level = Math.min(6, Math.max(2, levelOf(node, Number(heading[1])) - ctx.topLevel + 2));
    if (text !== '') b.block(`${'#'.repeat(level)} ${text}`);
    return;
  }
  switch (name) {
    case 'br':
      return b.lineBreak();
    case 'hr':
      return b.flush();
    case 'ul':
    case 'ol':
      return b.block(list(node, ctx));
    case 'blockquote':
      return b.block(quote(node, ctx));
    case 'pre':
      return b.block(fence(node.textContent ?? ''));
    case 'table':
      return b.block(table(node, ctx));
  }
  if (!CONTAINERS.has(name)) return visitChildren(node, b, ctx);
  b.flush();
  visitChildren(node, b, ctx);
  b.flush();
}

/** The blocks of an element's content. */
function blocksOf(el: DomElement, ctx: Context): string[] {
  const b = new Blocks();
  visitChildren(el, b, ctx);
  b.flush();
  return b.out;
}

/** An element's text on one line, whitespace collapsed. */
function inlineText(el: DomElement, ctx: Context): string {
  return blocksOf(el, ctx).join(' ').replace(/\s+/gu, ' ').trim();
}

/** A list, each item on its own line; nested lists indented two spaces per level. */
function list(el: DomElement, ctx: Context): string {
  const ordered = tag(el) === 'ol';
  const start = Number(el.getAttribute('start') ?? '1');
  let n = Number.isInteger(start) ? start : 1;
  const indent = '  '.repeat(ctx.listDepth);
  const inner: Context = { ...ctx, listDepth: ctx.listDepth + 1 };
  const lines: string[] = [];
  for (const item of Array.from(el.children)) {
    const itemTag = tag(item);
    if (itemTag === 'ul' || itemTag === 'ol') {
      lines.push(list(item, inner));
      continue;
    }
    const text = new Blocks();
    const nested: string[] = [];
    for (const child of Array.from(item.childNodes)) {
      const t = isElement(child) ? tag(child) : '';
      if (t === 'ul' || t === 'ol') nested.push(list(child as DomElement, inner));
      else visit(child, text, inner);
    }
    text.flush();
    const line = text.out.join(' ').replace(/\s+/gu, ' ').trim();
    if (line !== '') lines.push(`${indent}${ordered ? `${n++}.` : '-'} ${line}`);
    lines.push(...nested.filter((s) => s !== ''));
  }
  return lines.join('\n');
}

/** A quote: every line of its blocks after `> `, blocks separated by a `>` line. */
function quote(el: DomElement, ctx: Context): string {
  return blocksOf(el, { ...ctx, listDepth: 0 })
    .map((block) =>
      block
        .split('\n')
        .map((line) => `> ${line}`.trimEnd())
        .join('\n'),
    )
    .join('\n>\n');
}

/** Preformatted text in a fence longer than any backtick run inside it. */
function fence(raw: string): string {
  const text = raw.replace(/^\r?\n/u, '').replace(/\s+$/u, '');
  if (text.trim() === '') return '';
  const longest = Math.max(0, ...(text.match(/`+/gu) ?? []).map((run) => run.length));
  const marks = '`'.repeat(Math.max(3, longest + 1));
  return `${marks}\n${text}\n${marks}`;
}

/** A table: its caption, then one line per row, cells joined by ` | ` (empty rows dropped). */
function table(el: DomElement, ctx: Context): string {
  const lines: string[] = [];
  const row = (tr: DomElement): void => {
    const cells = Array.from(tr.children)
      .filter((c) => tag(c) === 'td' || tag(c) === 'th')
      .map((c) => inlineText(c, ctx));
    if (cells.some((c) => c !== '')) lines.push(cells.join(' | '));
  };
  for (const part of Array.from(el.children)) {
    const t = tag(part);
    if (t === 'caption') lines.push(inlineText(part, ctx));
    else if (t === 'tr') row(part);
    else if (t === 'thead' || t === 'tbody' || t === 'tfoot') {
      for (const tr of Array.from(part.children)) if (tag(tr) === 'tr') row(tr);
    }
  }
  return lines.filter((l) => l !== '').join('\n');
}

/**
 * The Markdown blocks of an article's content element (no title line: the caller writes it),
 * in order; join them with blank lines.
 */
export function markdownBlocks(root: DomElement): string[] {
  const topLevel = Array.from(root.querySelectorAll('h1, h2, h3, h4, h5, h6')).reduce(
    (top, h) => Math.min(top, levelOf(h, Number(tag(h).slice(1)))),
    6,
  );
  const ctx: Context = { topLevel, listDepth: 0 };
  const b = new Blocks();
  visit(root, b, ctx);
  b.flush();
  return b.out;
}
