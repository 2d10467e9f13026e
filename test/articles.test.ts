import { describe, expect, it } from 'vitest';
import { CorpusIndex, typoDistance } from '../src/core/corpus-index.js';

const article = (file: string, title: string) => ({
  file,
  hash: file,
  text: `---\ntitle: "${title}"\n---\n\nA paragraph of ${file} about its topic.\n`,
});

// Articles are kept in file order: the stable order that breaks ties.
const index = CorpusIndex.build([
  article('a-compilers-practice.md', 'Compilers in Practice'),
  article('b-managing.md', 'Managing Risk Well'),
  article('risk-notes.md', 'Risk Notes'),
  article('the-rise-of-open-source-ai.txt', 'The Rise of Open-Source AI: A Brief Overview'),
  article('why-open-source-AI-is-thriving.txt', 'Why Open-Source AI Is Thriving'),
  article('z-compilers.md', 'Compilers'),
]);
const find = (q: string) => index.findArticle(q)?.file;
const files = (q: string, limit?: number) => index.searchArticles(q, limit).map((a) => a.file);

describe('finding an article by what the user typed', () => {
  it('matches the exact file or title first, case-insensitively, the file also without extension', () => {
    expect(find('why-open-source-AI-is-thriving.txt')).toBe('why-open-source-AI-is-thriving.txt');
    expect(find('the rise of open-source ai: a brief overview')).toBe('the-rise-of-open-source-ai.txt');
    expect(find('THE-RISE-OF-OPEN-SOURCE-AI')).toBe('the-rise-of-open-source-ai.txt');
    // "Compilers" is exact for z-compilers.md, a prefix of the earlier "Compilers in Practice".
    expect(find('compilers')).toBe('z-compilers.md');
    expect(files('compilers')).toEqual(['z-compilers.md', 'a-compilers-practice.md']);
  });

  it('then a prefix of the title or file, before a word inside the title', () => {
    expect(find('Why open')).toBe('why-open-source-AI-is-thriving.txt');
    // "Risk Notes" starts with "risk"; "Managing Risk Well" (earlier by file) only has the word.
    expect(files('risk').slice(0, 2)).toEqual(['risk-notes.md', 'b-managing.md']);
  });

  it('then every typed word starting a word of the title or file name', () => {
    expect(find('rise')).toBe('the-rise-of-open-source-ai.txt');
    expect(find('open brief')).toBe('the-rise-of-open-source-ai.txt');
    expect(find('thriv ai')).toBe('why-open-source-AI-is-thriving.txt');
    // Both open-source articles have every word: the first by file comes first.
    expect(files('open source')).toEqual([
      'the-rise-of-open-source-ai.txt',
      'why-open-source-AI-is-thriving.txt',
    ]);
  });

  it('then a substring, after word starts', () => {
    expect(find('hriving')).toBe('why-open-source-AI-is-thriving.txt');
    expect(files('pile')).toEqual(['a-compilers-practice.md', 'z-compilers.md']);
    // "ris" is a prefix of "Risk Notes", starts a word of two more, and is inside none other.
    expect(files('ris')).toEqual(['risk-notes.md', 'b-managing.md', 'the-rise-of-open-source-ai.txt']);
    expect(files('ource')).toEqual(['the-rise-of-open-source-ai.txt', 'why-open-source-AI-is-thriving.txt']);
  });

  it('then small typos, fewest edits first', () => {
    expect(find('rsie')).toBe('the-rise-of-open-source-ai.txt');
    expect(find('overveiw')).toBe('the-rise-of-open-source-ai.txt');
    expect(find('thrivng')).toBe('why-open-source-AI-is-thriving.txt');
    // Equally close to both compilers articles: the first by file.
    expect(files('compliers')).toEqual(['a-compilers-practice.md', 'z-compilers.md']);
    // "risk" is exact in two titles and one edit from "rise": the typo comes last.
    expect(files('risk')).toEqual(['risk-notes.md', 'b-managing.md', 'the-rise-of-open-source-ai.txt']);
    expect(find('managng risk')).toBe('b-managing.md');
  });

  it('returns nothing for nonsense, never an arbitrary article', () => {
    // One letter inside a name (the "x" of ".txt", the "t" of "practice") is not a match.
    expect(files('x')).toEqual([]);
    expect(files('ct')).toEqual([]);
    for (const q of [
      'xyzzy',
      '../../etc/passwd',
      'No Such Article',
      'a'.repeat(300),
      'qwertyuiop',
      'zz',
      'q',
      '',
      '   ',
      '!!!',
      'the moon landing',
      'open banana',
    ]) {
      expect(find(q), q).toBeUndefined();
      expect(files(q), q).toEqual([]);
    }
  });

  it('lists candidates best first, up to the limit', () => {
    expect(files('open source', 1)).toEqual(['the-rise-of-open-source-ai.txt']);
    expect(files('co', 0)).toEqual([]);
    expect(files('')).toEqual([]);
    expect(index.searchArticles('rise')[0]).toBe(index.findArticle('rise'));
  });

  it('counts a swap of neighbouring letters as one edit', () => {
    expect(typoDistance('rsie', 'rise')).toBe(1);
    expect(typoDistance('kitten', 'sitting')).toBe(3);
    expect(typoDistance('', 'abc')).toBe(3);
    expect(typoDistance('same', 'same')).toBe(0);
  });
});

describe('a name that fits several articles equally', () => {
  const tied = (q: string) => index.matchArticle(q).tied.map((a) => a.file);

  it('lists them instead of picking one silently', () => {
    expect(tied('open source')).toEqual([
      'the-rise-of-open-source-ai.txt',
      'why-open-source-AI-is-thriving.txt',
    ]);
    expect(tied('compilers in')).toEqual([]);
  });

  it('is not ambiguous when one of them is the exact name or fits better', () => {
    // Exact for z-compilers.md, only a prefix of the other.
    expect(tied('compilers')).toEqual([]);
    expect(index.matchArticle('compilers').best?.file).toBe('z-compilers.md');
    // A prefix of "Risk Notes" beats a word inside "Managing Risk Well".
    expect(tied('risk')).toEqual([]);
    expect(tied('rise')).toEqual([]);
    expect(index.matchArticle('quokka marmalade')).toEqual({ tied: [] });
  });
});
