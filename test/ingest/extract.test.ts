// Fetched text as an article draft (src/ingest/document.ts, extract.ts, html-markdown.ts): HTML's
// article as Markdown with nothing of scripts, styles, frames or hidden parts; Markdown and plain
// text as they are, with their titles; empty text and pages without an article refused.
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/ingest/charset.js';
import { toDraft } from '../../src/ingest/document.js';
import { IngestError, type ArticleDraft } from '../../src/ingest/types.js';
import { ARTICLE_HTML, CP1252_BYTES, HIDDEN_WORDS } from '../harness/page-fixtures.js';

const SENTENCE =
  'The tide comes in twice a day, and the harbour fills with boats that wait for the water to lift them off the mud.';
/** A page around `body`, with enough article text for the extractor. */
const pageWith = (body: string, head = '<title>Tides</title>'): string =>
  `<!DOCTYPE html><html><head>${head}</head><body><article>${body}<p>${SENTENCE}</p><p>${SENTENCE}</p></article></body></html>`;
const html = (text: string, url?: string): ArticleDraft =>
  toDraft(url === undefined ? { kind: 'html', text } : { kind: 'html', text, url });

function refusal(run: () => unknown): IngestError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(IngestError);
    return err as IngestError;
  }
  throw new Error('expected a refusal');
}

describe('HTML', () => {
  const draft = html(ARTICLE_HTML, 'https://example.com/rivers');

  it('writes the article as Markdown: the title alone as #, sections, lists, quote, code, table', () => {
    expect(draft.title).toBe('How Rivers Carve Valleys');
    expect(draft.extension).toBe('.md');
    expect(draft.text).toMatch(/^# How Rivers Carve Valleys\n\nRivers carve valleys slowly/u);
    expect(draft.text.match(/^# /gmu)).toHaveLength(1);
    expect(draft.text).toContain('\n\n## Erosion\n\nStreams carve valleys slowly');
    expect(draft.text).toContain('\n\n### What the water carries\n\n');
    expect(draft.text).toContain('- Sand and silt\n- Pebbles and stones\n  - Boulders in floods');
    expect(draft.text).toContain('1. First the rain falls\n2. Then the stream runs');
    expect(draft.text).toContain('\n\n> The river is patient.\n\n');
    expect(draft.text).toContain('```\nflow = area * speed\n  depth += 1\n```');
    expect(draft.text).toContain('River | Length\nNile | 6650 km');
    expect(draft.text).toContain('Glaciers carve valleys slowly');
  });

  it('keeps link text, drops images, collapses whitespace inside blocks', () => {
    expect(draft.text).toContain(
      'grinds the bed beneath it. Over thousands of years the valley deepens.\n\n## Erosion',
    );
    expect(draft.text).not.toMatch(/https?:|\]\(|a photo|x\.png/u);
  });

  it('contains nothing of scripts, styles, frames, forms, templates, SVG, canvas or hidden parts', () => {
    for (const word of [...HIDDEN_WORDS, 'CANVASWORD', 'color: red', 'document.write', 'not a paragraph']) {
      expect(draft.text).not.toContain(word);
    }
    expect(draft.text).not.toMatch(/[<>]\s*\/?\s*[a-z]+[^\n]*>/u);
  });

  it('keeps a form that wraps the whole article (without its controls), drops any other', () => {
    const wrapped = html(
      pageWith(
        `<form action="/page"><h2>Harbour Days</h2><p>${SENTENCE}</p><p>${SENTENCE}</p><input value="INPUTWORD"><button>BUTTONWORD</button></form>`,
      ),
    ).text;
    expect(wrapped).toContain('## Harbour Days');
    expect(wrapped).toContain(SENTENCE);
    expect(wrapped).not.toMatch(/INPUTWORD|BUTTONWORD/u);
  });

  it('shifts headings so the highest in the content is ##', () => {
    const text = html(pageWith('<h3>Morning</h3><p>Low water.</p><h4>Boats</h4><h6>Small ones</h6>')).text;
    expect(text).toContain('## Morning\n\nLow water.\n\n### Boats\n\n##### Small ones');
    const deep = html(pageWith('<h1>Main</h1><h2>Sub</h2><h6>Deepest</h6>', '<title>Other</title>')).text;
    expect(deep).toContain('## Main\n\n### Sub\n\n###### Deepest');
  });

  it('breaks lines at <br> and paragraphs at two of them', () => {
    const text = html(pageWith(`<div>Line one<br>line two<br><br>${SENTENCE}</div>`)).text;
    expect(text).toContain(`Line one\nline two\n\n${SENTENCE}`);
  });

  it('fences code that holds backticks with a longer fence', () => {
    expect(html(pageWith('<pre>a ``` b</pre>')).text).toContain('````\na ``` b\n````');
  });

  it('finds the title in <title>, else the first heading, else the URL', () => {
    expect(html(pageWith('<p>x</p>', '<title>  The   Harbour </title>')).title).toBe('The Harbour');
    const noHead = `<body><h2>Harbour Days</h2><p>${SENTENCE}</p><p>${SENTENCE}</p></body>`;
    expect(html(noHead).title).toBe('Harbour Days');
    const bare = `<p>${SENTENCE}</p><p>${SENTENCE}</p>`;
    expect(html(bare, 'https://example.com/notes/harbour-days.html').title).toBe('harbour-days');
    expect(toDraft({ kind: 'html', text: bare }, 'tides.html').title).toBe('tides');
    expect(html(bare).title).toBe('Untitled');
  });

  it('reads a fragment without <html> or <body>', () => {
    const draft = html(`<h2>Fragment</h2><p>${SENTENCE}</p><p>${SENTENCE}</p>`);
    expect(draft.text).toContain(SENTENCE);
  });

  it('decodes and extracts a windows-1252 page', () => {
    const { text } = decodeText(CP1252_BYTES, {
      kind: 'html',
      declared: 'windows-1252',
      subject: 'the page',
    });
    const draft = html(text);
    expect(draft.title).toBe('The Café');
    expect(draft.text).toContain('The “old” café by the river');
  });

  it('refuses a page without article text', () => {
    const pages = [
      '<html><head><title>Menu</title></head><body><nav><a href="/">Home</a></nav><p>Hi.</p></body></html>',
      '<html><body><script>var long = "' + 'x'.repeat(1000) + '";</script></body></html>',
      `<html><body><p hidden>${SENTENCE.repeat(5)}</p></body></html>`,
    ];
    for (const page of pages) {
      const err = refusal(() => html(page));
      expect([err.code, err.message]).toEqual(['no_text', 'that page has no article text citebot can quote']);
    }
  });
});

describe('Markdown', () => {
  it('keeps the text, without the byte order mark and with LF line breaks', () => {
    const draft = toDraft({ kind: 'markdown', text: '\uFEFF# Tides\r\n\r\nThe sea.\rThe moon.\n' });
    expect(draft).toEqual({ title: 'Tides', text: '# Tides\n\nThe sea.\nThe moon.\n', extension: '.md' });
  });

  it('titles by the first # heading, else front matter, else the name, else Untitled', () => {
    const fenced = '```\n# not a title\n```\n\nText.\n\n# Real Title #\n';
    expect(toDraft({ kind: 'markdown', text: fenced }).title).toBe('Real Title');
    expect(toDraft({ kind: 'markdown', text: '## Sub\n\nText.\n# Top\n' }).title).toBe('Top');
    const front = '---\ntitle: "Harbour Days"\nauthor: Ann\n---\n\nText.\n';
    expect(toDraft({ kind: 'markdown', text: front }).title).toBe('Harbour Days');
    expect(toDraft({ kind: 'markdown', text: 'Just text.\n' }, 'harbour.md').title).toBe('harbour');
    expect(toDraft({ kind: 'markdown', text: 'Just text.\n' }).title).toBe('Untitled');
  });
});

describe('plain text', () => {
  it('keeps the text and titles it by the name, else its first line', () => {
    expect(toDraft({ kind: 'plain', text: '\r\n\r\nFirst line\r\nSecond\n' }, 'tides.txt')).toEqual({
      title: 'tides',
      text: '\n\nFirst line\nSecond\n',
      extension: '.txt',
    });
    expect(toDraft({ kind: 'plain', text: '\n  The Harbour  \nText.' }).title).toBe('The Harbour');
    const long = toDraft({ kind: 'plain', text: `${'word '.repeat(40)}\nText.` }).title;
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('empty text', () => {
  it.each(['html', 'markdown', 'plain'] as const)('refuses empty %s', (kind) => {
    for (const text of ['', '  \n\t\r\n', '\uFEFF']) {
      const err = refusal(() => toDraft({ kind, text }, 'empty.txt'));
      expect([err.code, err.message]).toEqual(['no_text', 'that file has no text citebot can quote']);
    }
    const page = refusal(() => toDraft({ kind, text: ' ', url: 'https://example.com/' }));
    expect(page.message).toBe('that page has no text citebot can quote');
  });
});
