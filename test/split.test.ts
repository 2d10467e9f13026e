import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitArticle, titleFromFileName } from '../src/core/split.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
const split = (file: string, text: string) => splitArticle({ file, text, hash: 'h' });

const rise = split('the-rise-of-open-source-ai.txt', read('corpus/the-rise-of-open-source-ai.txt'));
const thriving = split(
  'why-open-source-AI-is-thriving.txt',
  read('corpus/why-open-source-AI-is-thriving.txt'),
);
const find = (r: ReturnType<typeof split>, snippet: string) => {
  const p = r.passages.find((x) => x.text.includes(snippet));
  if (!p) throw new Error(`no passage contains ${JSON.stringify(snippet)}`);
  return p;
};

describe('splitting the default articles', () => {
  it('takes the first line as the title when body text follows it', () => {
    expect(rise.meta.title).toBe('The Rise of Open-Source AI: A Brief Overview');
    expect(rise.passages.some((p) => p.text === rise.meta.title)).toBe(false);
  });

  it('reads a leading date line as the date, not as a passage or section', () => {
    expect(thriving.meta.date).toBe('9 July 2025');
    expect(thriving.passages.some((p) => p.text.includes('9 July 2025'))).toBe(false);
    expect(thriving.meta.sections.some((s) => s.name.includes('2025'))).toBe(false);
  });

  it('makes a readable title from the file name when the text has none', () => {
    expect(thriving.meta.title).toBe('Why Open Source AI Is Thriving');
    expect(titleFromFileName('docs/000_b65ed8f71cbb6080.txt')).toBe('000_b65ed8f71cbb6080');
    expect(titleFromFileName('notes/my_first-article.md')).toBe('My First Article');
  });

  it('recognises plain-text headings', () => {
    const p = find(rise, 'One of the most pressing issues with open-source AI');
    expect(p.origin.section).toBe('Quality Control and Reliability Concerns');
    expect(p.origin.paragraph).toBe(1);
    expect(find(thriving, 'Think of it like a massive community kitchen').origin.section).toBe(
      'What is Open Source in AI?',
    );
  });

  it('nests numbered sub-headings under the heading above them', () => {
    expect(find(thriving, 'billion-dollar R&D budget').origin.section).toBe(
      'Why is Open Source AI Thriving? › 1. Breaking Down Cost Barriers',
    );
    expect(find(thriving, 'revolutionized AI-generated art').origin.section).toBe(
      'The Biggest Open-Source AI Projects Leading the Charge › 3. Stable Diffusion (by Stability AI)',
    );
  });

  it('joins lines broken mid-sentence with a space', () => {
    const cases: [string, number, number][] = [
      ['Stable Diffusion has revolutionized AI-generated art', 39, 40],
      ['Now, let’s talk about some real-world open-source AI projects', 32, 33],
      ['Federated learning allows AI models to learn from data without ever transferring', 55, 57],
      ['The rise of open-source AI is not just a trend—it’s a movement', 61, 63],
      ['Imagine an AI that isn’t controlled', 49, 50],
      ['leading the charge in open-source hardware', 52, 53],
    ];
    for (const [snippet, first, last] of cases) {
      const p = find(thriving, snippet);
      expect(p.origin.lines).toEqual([first, last]);
      expect(p.text).not.toContain('\n');
    }
    const federated = find(thriving, 'Federated learning allows');
    expect(federated.text).toContain('could revolutionize privacy-first AI applications.');
  });

  it('does not take a short line that carries on in lower case for a heading', () => {
    const names = thriving.meta.sections.map((s) => s.name);
    expect(names.some((n) => n.includes('Now, let’s talk about some'))).toBe(false);
    expect(names.some((n) => n.includes('Stable Diffusion has'))).toBe(false);
  });

  it('makes each bullet item a passage that carries the list lead-in as context', () => {
    const item = find(rise, 'Lower Costs: By sharing cutting-edge research');
    expect(item.kind).toBe('item');
    expect(item.text.startsWith('Lower Costs')).toBe(true);
    expect(item.context).toBe('Several factors have contributed to the rise of open-source AI models:');
    const leadIn = find(rise, 'Several factors have contributed');
    expect(leadIn.kind).toBe('paragraph');
  });

  it('numbers paragraphs within their section', () => {
    const inSection = rise.passages.filter(
      (p) => p.origin.section === 'How Open-Source Models Lower Barriers to Innovation',
    );
    expect(inSection.map((p) => p.origin.paragraph)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives offsets and lines that point at the passage in the original file', () => {
    for (const [name, r] of [
      ['corpus/the-rise-of-open-source-ai.txt', rise],
      ['corpus/why-open-source-AI-is-thriving.txt', thriving],
    ] as const) {
      const text = read(name);
      const lines = text.split('\n');
      for (const p of r.passages) {
        const [s, e] = p.origin.offsets;
        expect(text.slice(s, e).replace(/\s+/g, ' ')).toBe(p.text);
        const byLines = lines.slice(p.origin.lines[0] - 1, p.origin.lines[1]).join('\n');
        expect(byLines.replace(/\s+/g, ' ')).toContain(p.text.slice(0, 40));
      }
    }
  });
});

describe('splitting Markdown with front matter', () => {
  const md = split('markdown/guide.md', read('test/fixture/markdown/guide.md'));

  it('reads title, author, date and url from front matter', () => {
    expect(md.meta).toMatchObject({
      title: 'A Field Guide to Compilers',
      author: 'Ada Example',
      date: '2024-03-01',
      url: 'https://example.org/compilers',
    });
  });

  it('nests Markdown headings by level', () => {
    expect(find(md, 'The lexer groups').origin.section).toBe('Front ends › Lexing');
    expect(find(md, 'A peephole pass').origin.section).toBe('Back ends › Peephole optimisation');
    expect(find(md, 'Register allocation').origin.section).toBe('Back ends');
  });

  it('joins consecutive Markdown lines into one paragraph', () => {
    expect(find(md, 'A front end').text).toBe(
      'A front end turns source text into a tree. It reports syntax errors with their line numbers.',
    );
    expect(find(md, 'The lexer groups').text).toBe(
      'The lexer groups characters into tokens such as identifiers, numbers and operators.',
    );
  });

  it('keeps list items apart in Markdown', () => {
    expect(find(md, 'Top-down parsers').kind).toBe('item');
    expect(find(md, 'Bottom-up parsers').kind).toBe('item');
    expect(find(md, 'Bottom-up parsers').context).toBe('Parsers come in two families:');
  });
});

describe('splitting files with unusual encodings', () => {
  it('handles CRLF line endings, with offsets into the original text', () => {
    const text = read('test/fixture/crlf-notes.txt');
    const r = split('crlf-notes.txt', text);
    expect(r.meta.title).toBe('Notes on Caching');
    const p = find(r, 'It trades memory for speed');
    expect(p.text).toBe('It trades memory for speed when reads repeat.');
    expect(text.slice(...p.origin.offsets).replace(/\s+/g, ' ')).toBe(p.text);
    expect(find(r, 'Least recently used').origin.section).toBe('Eviction Policies');
  });

  it('ignores a byte order mark before the title', () => {
    const r = split('bom.txt', read('test/fixture/bom.txt'));
    expect(r.meta.title).toBe('BOM Article Title');
    expect(r.passages[0]?.text).toBe('The body starts after a byte order mark.');
  });
});
