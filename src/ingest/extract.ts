/**
 * The article in a web page: the page parsed with linkedom (no browser engine, nothing run),
 * everything that is never article text removed (scripts, styles, frames, embedded objects,
 * forms that are not the page's wrapper, templates, SVG, canvas, hidden elements), then Firefox's Reader View extractor
 * (@mozilla/readability) picks the article, written out as Markdown by html-markdown.ts.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { tag, type DomDocument, type DomElement } from './dom.js';
import { LEVEL_ATTRIBUTE, markdownBlocks } from './html-markdown.js';
import { IngestError, type ArticleDraft } from './types.js';

/** Removed before extraction, with everything inside them. */
const REMOVED = new Set([
  'script',
  'style',
  'noscript',
  'iframe',
  'object',
  'embed',
  'template',
  'svg',
  'canvas',
]);

/** Fewer characters of article text than this (Markdown marks not counted, whitespace collapsed) is no article. */
export const MIN_ARTICLE_CHARS = 200;
/** Longest title kept (the splitter's cap). */
const MAX_TITLE_CHARS = 256;

/** The no_text failure for a page. */
export function noArticleText(): IngestError {
  return new IngestError('no_text', 'that page has no article text citebot can quote');
}

/** One line of text: whitespace collapsed, capped with "…". */
export function oneLine(text: string | null | undefined, max = MAX_TITLE_CHARS): string {
  const line = (text ?? '').replace(/\s+/gu, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** linkedom keeps content outside `<body>` out of the body: give fragments a whole document. */
function wholeDocument(html: string): string {
  if (!/<body[\s>]/iu.test(html)) return `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
  if (!/<html[\s>]/iu.test(html)) return `<!DOCTYPE html><html>${html}</html>`;
  return html;
}

/** Removes every element that is never article text, and notes each heading's level. */
function strip(document: DomDocument): void {
  for (const el of Array.from(document.querySelectorAll('*'))) {
    const hidden =
      el.hasAttribute('hidden') || el.getAttribute('aria-hidden')?.trim().toLowerCase() === 'true';
    const name = tag(el);
    if (hidden || REMOVED.has(name) || (name === 'form' && !wrapsArticle(el))) el.remove();
    else if (/^h[1-6]$/u.test(name)) el.setAttribute(LEVEL_ATTRIBUTE, name.slice(1));
  }
}

/** Form controls: never article text, whatever holds them. */
const CONTROLS = 'input, select, textarea, button';

/**
 * A form that holds headings or an article (some site frameworks wrap the whole page in one) is
 * kept, without its controls; any other form (a search box, a sign-up) goes with everything in it.
 */
function wrapsArticle(form: DomElement): boolean {
  if (!form.querySelector('h1, h2, h3, article, main')) return false;
  for (const c of Array.from(form.querySelectorAll(CONTROLS))) c.remove();
  return true;
}

/** Whether two titles say the same (case and whitespace aside). */
function sameTitle(a: string, b: string): boolean {
  return oneLine(a).toLowerCase() === oneLine(b).toLowerCase();
}

/**
 * The article of an HTML page as a Markdown draft: `# Title`, then its blocks. The title is
 * Readability's, else the page's `<title>`, else its first heading, else `fallbackTitle`.
 * Fails with `no_text` when there is no article (under MIN_ARTICLE_CHARS characters of text).
 */
export function extractHtml(html: string, fallbackTitle: string): ArticleDraft {
  const { document } = parseHTML(wholeDocument(html)) as { document: DomDocument };
  strip(document);
  const pageTitle = oneLine(document.querySelector('title')?.textContent);
  const firstHeading = oneLine(document.querySelector('h1, h2, h3, h4, h5, h6')?.textContent);
  let article: ReturnType<Readability<DomElement>['parse']>;
  try {
    article = new Readability<DomElement>(document, { serializer: (node) => node as DomElement }).parse();
  } catch (err) {
    throw new IngestError('no_text', noArticleText().message, { cause: err });
  }
  const content = article?.content;
  if (!article || !content) throw noArticleText();
  const title =
    [oneLine(article.title), pageTitle, firstHeading, oneLine(fallbackTitle)].find((t) => t !== '') ??
    'Untitled';
  const blocks = markdownBlocks(content);
  const first = blocks[0];
  if (first !== undefined && /^#+ /u.test(first) && sameTitle(first.replace(/^#+ /u, ''), title))
    blocks.shift();
  const textChars = blocks
    .join('\n')
    .replace(/^(?:#+|>|-|\d+\.|```+)(?: |$)/gmu, '')
    .replace(/\s+/gu, ' ')
    .trim().length;
  if (textChars < MIN_ARTICLE_CHARS) throw noArticleText();
  return { title, text: `# ${title}\n\n${blocks.join('\n\n')}\n`, extension: '.md' };
}
