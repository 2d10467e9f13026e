/**
 * A fetched text as an article draft: HTML through the extractor (extract.ts), Markdown and plain
 * text kept as they are (the byte order mark removed, line breaks made LF), each with its title.
 */
import { extractHtml, oneLine } from './extract.js';
import { IngestError, type ArticleDraft, type TextKind } from './types.js';

/** Longest first line taken as a plain text's title. */
const MAX_LINE_TITLE_CHARS = 120;

/** BOM removed, CRLF and lone CR made LF. */
export function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/u, '').replace(/\r\n?/gu, '\n');
}

/** A file name without its extension, or undefined when nothing is left. */
export function nameTitle(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const base = name.split(/[/\\]/u).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const title = oneLine(dot > 0 ? base.slice(0, dot) : base);
  return title === '' ? undefined : title;
}

/** The last part of a URL's path without its extension ("river-valleys"), else its host. */
export function urlTitle(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    const last = parsed.pathname
      .split('/')
      .filter((p) => p !== '')
      .pop();
    let part = last;
    try {
      part = last === undefined ? undefined : decodeURIComponent(last);
    } catch {
      // a malformed escape: the part as written
    }
    return nameTitle(part) ?? (parsed.hostname || undefined);
  } catch {
    return undefined;
  }
}

/** Removes YAML's quotes from a one-line scalar. */
function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

/** The first `# ` heading outside code fences, else front matter's `title:`. */
export function markdownTitle(text: string): string | undefined {
  const lines = text.split('\n');
  let fence: string | undefined;
  for (const line of lines) {
    const marks = /^ {0,3}(`{3,}|~{3,})/u.exec(line)?.[1];
    if (marks !== undefined) {
      if (fence === undefined) fence = marks;
      else if (marks[0] === fence[0] && marks.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/u.exec(line)?.[1];
    if (heading !== undefined && oneLine(heading) !== '') return oneLine(heading);
  }
  if (lines[0]?.trim() !== '---') return undefined;
  for (const line of lines.slice(1, 101)) {
    if (line.trim() === '---' || line.trim() === '...') break;
    const value = /^title:(.*)$/u.exec(line)?.[1];
    if (value !== undefined && oneLine(unquote(value)) !== '') return oneLine(unquote(value));
  }
  return undefined;
}

/** A plain text's first non-empty line, at most 120 characters. */
function firstLine(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line === undefined ? undefined : oneLine(line, MAX_LINE_TITLE_CHARS);
}

/**
 * The article draft of a fetched text. HTML: the extracted article as Markdown (`.md`). Markdown:
 * the text as is (`.md`), titled by its first `# ` heading, its front matter's title, the name,
 * or "Untitled". Plain text: as is (`.txt`), titled by the name, else its first line. Empty text,
 * or a page without an article, fails with `no_text`.
 */
export function toDraft(
  fetched: { kind: TextKind; text: string; url?: string },
  name?: string,
): ArticleDraft {
  const text = normalizeText(fetched.text);
  const subject = name === undefined && fetched.url !== undefined ? 'that page' : 'that file';
  if (text.trim() === '') throw new IngestError('no_text', `${subject} has no text citebot can quote`);
  switch (fetched.kind) {
    case 'html':
      return extractHtml(text, nameTitle(name) ?? urlTitle(fetched.url) ?? 'Untitled');
    case 'markdown':
      return {
        title: markdownTitle(text) ?? nameTitle(name) ?? urlTitle(fetched.url) ?? 'Untitled',
        text,
        extension: '.md',
      };
    case 'plain':
      return { title: nameTitle(name) ?? firstLine(text) ?? 'Untitled', text, extension: '.txt' };
  }
}
