import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion, checkQuestion, QUOTE_CHARS, RELEVANCE_CUTOFF } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { queryTerms, termsOfToken } from '../src/core/text.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { parseQuestionSet } from '../src/eval/questions.js';

const root = path.resolve(import.meta.dirname, '..');
const corpusDir = path.join(root, 'corpus');
let index: CorpusIndex;
let files: Map<string, string>;

beforeAll(async () => {
  const loaded = await loadCorpus(corpusDir);
  index = CorpusIndex.build(loaded.sources);
  files = new Map(loaded.sources.map((s) => [s.file, s.text]));
});

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the tokenizer', () => {
  it('finds compound words whole and by their parts', () => {
    expect(termsOfToken('open-source')).toEqual(
      expect.arrayContaining(['open-source', 'opensource', 'open', 'sourc']),
    );
    expect(termsOfToken('RISC-V')).toEqual(expect.arrayContaining(['risc-v', 'riscv', 'risc']));
    expect(termsOfToken('GPT-2')).toEqual(expect.arrayContaining(['gpt-2', 'gpt2', 'gpt', '2']));
    expect(termsOfToken('R&D')).toEqual(expect.arrayContaining(['r&d', 'rd']));
    expect(termsOfToken('Scikit-learn')).toEqual(expect.arrayContaining(['scikit-learn', 'scikit', 'learn']));
  });

  it('treats curly and straight apostrophes alike and drops the possessive', () => {
    expect(termsOfToken('OpenAI’s')).toEqual(termsOfToken("OpenAI's"));
    expect(termsOfToken('Meta’s')).toEqual(['meta']);
  });

  it('drops stop words and stems the rest', () => {
    expect(queryTerms('What is the role of the communities?').map((t) => t.term)).toEqual(['role', 'commun']);
  });
});

describe('answers', () => {
  it('answers "What is nanoGPT?" with the passage that names it', () => {
    const a = answerQuestion(index, 'What is nanoGPT?');
    expect(a.answered).toBe(true);
    const top = a.passages[0];
    expect(top?.passage.text).toContain('nanoGPT by Andrej Karpathy');
    expect(top?.passage.origin.file).toBe('the-rise-of-open-source-ai.txt');
    const marked = top?.quoteHighlights.map(([s, e]) => top.quote.slice(s, e));
    expect(marked).toContain('nanoGPT');
  });

  it('finds compounds whole and in parts: open-source, RISC-V, GPT-2, R&D, Scikit-learn, OpenAI’s', () => {
    const cases: [string, string][] = [
      ['RISC-V', 'Companies like RISC-V'],
      ['GPT-2', 'like GPT-2'],
      ['gpt2', 'like GPT-2'],
      ['R&D', 'R&D budget'],
      ['scikit', 'Scikit-learn'],
      ['OpenAI’s CLIP', 'OpenAI’s CLIP'],
      ["OpenAI's CLIP", 'OpenAI’s CLIP'],
      ['opensource hardware', 'open-source hardware'],
    ];
    for (const [q, snippet] of cases) {
      const a = answerQuestion(index, q, { results: 3 });
      expect(a.answered, q).toBe(true);
      expect(
        a.passages.some((p) => p.passage.text.includes(snippet)),
        `${q} → ${snippet}`,
      ).toBe(true);
    }
  });

  it('tolerates typos in longer words', () => {
    const a = answerQuestion(index, 'stabel difusion');
    expect(a.passages[0]?.passage.text).toContain('Stable Diffusion');
  });

  it('filters by article', () => {
    const a = answerQuestion(index, 'Hugging Face', {
      file: 'why-open-source-AI-is-thriving.txt',
      results: 10,
    });
    expect(a.passages.length).toBeGreaterThan(0);
    expect(a.passages.every((p) => p.passage.origin.file === 'why-open-source-AI-is-thriving.txt')).toBe(
      true,
    );
  });

  it('returns the default 3 passages and at most 10', () => {
    expect(answerQuestion(index, 'open-source AI models').passages).toHaveLength(3);
    expect(answerQuestion(index, 'open-source AI models', { results: 50 }).passages).toHaveLength(10);
  });

  it('declines a question the articles do not cover, with suggestions', () => {
    const a = answerQuestion(index, 'Who painted the Mona Lisa?');
    expect(a.answered).toBe(false);
    expect(a.passages).toEqual([]);
    expect(a.declineReason).toBeTruthy();
    expect(index.suggest('federeted lerning')).toContain('federated learning');
  });

  it('writes a word that stands for several index terms once in a suggestion', () => {
    // "RISC-V" is indexed as risc-v, risc and v; a suggestion must not read "RISC-V RISC-V RISC-V".
    const all = index.suggest('What is RISC-V?');
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) expect(s).not.toMatch(/(\S+) \1/u);
  });

  it('rejects empty and over-long questions with a reason', () => {
    expect(checkQuestion('   ')?.code).toBe('empty');
    expect(checkQuestion('x'.repeat(1001))?.code).toBe('too_long');
    expect(checkQuestion('x'.repeat(1000))).toBeUndefined();
  });
});

describe('quotes', () => {
  it('are verbatim substrings of their file at the stated lines, whole sentences, about 350 characters at most', async () => {
    const set = parseQuestionSet(
      JSON.parse(readFileSync(path.join(root, 'test/eval/questions.json'), 'utf8')),
    );
    const questions = [
      ...set.questions.map((q) => q.q),
      'open-source',
      'AI',
      'community collaboration innovation',
    ];
    let checked = 0;
    for (const q of questions) {
      const a = answerQuestion(index, q, { results: 10, decide: false });
      for (const p of a.passages) {
        const text = files.get(p.passage.origin.file) ?? '';
        const [first, last] = p.passage.origin.lines;
        const atLines = squash(
          text
            .split('\n')
            .slice(first - 1, last)
            .join('\n'),
        );
        const body = p.quote.replace(/^…\s?/u, '').replace(/\s?…$/u, '');
        expect(atLines).toContain(squash(body));
        expect(squash(text.slice(...p.passage.origin.offsets))).toBe(p.passage.text);
        expect(p.quote.length).toBeLessThanOrEqual(QUOTE_CHARS + 4);
        if (p.quote.startsWith('…') || p.quote.endsWith('…'))
          expect(p.passage.text.length).toBeGreaterThan(QUOTE_CHARS);
        for (const [s, e] of p.quoteHighlights) {
          expect(p.quote.slice(s, e)).toMatch(/^[\p{L}\p{N}]/u);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('the relevance cut-off (lexical stage)', () => {
  const glaciers = CorpusIndex.build([
    {
      file: 'ice.txt',
      hash: 'ice',
      text: `Ice and Snow

Glaciers move downhill under their own weight: glacier ice deforms and glaciers slide on meltwater, so glaciers move a few metres a day.

Ice forms on ponds in winter.

Snow falls in the mountains, and the ice on the roads melts by noon.

Lakes freeze from the top down because ice floats.
`,
    },
  ]);
  const meadows = CorpusIndex.build([
    {
      file: 'meadows.txt',
      hash: 'm',
      text: `Meadows

Wildflower meadows feed bees with nectar all summer.

A meadow of wildflowers gives bees nectar from spring on.

Bees gather nectar in wildflower meadows near their hives.

Cattle graze the lower fields.
`,
    },
  ]);

  it('shows fewer than 3 when one passage clearly answers; the rest lead "more", in order', () => {
    const q = 'How does glacier ice move?';
    const a = answerQuestion(glaciers, q);
    const all = answerQuestion(glaciers, q, { cutoff: 0 });
    expect(a.answered).toBe(true);
    expect(all.passages).toHaveLength(3);
    expect(a.passages.length).toBeLessThan(3);
    expect(a.passages[0]?.passage.text).toContain('Glaciers move downhill');
    // Nothing is lost: the cut passages come first in "more", the ranking is whole.
    const ids = (x: typeof a) => [...x.passages, ...x.more].map((p) => p.passage.id);
    expect(ids(a)).toEqual(ids(all));
    const best = a.passages[0]?.score ?? 0;
    for (const p of a.passages)
      expect(p.score).toBeGreaterThanOrEqual(best * RELEVANCE_CUTOFF.lexical - 1e-3);
    expect(a.more[0]?.score).toBeLessThan(best * RELEVANCE_CUTOFF.lexical);
  });

  it('still shows several passages when several answer comparably well', () => {
    const a = answerQuestion(meadows, 'Do bees find nectar in wildflower meadows?');
    expect(a.answered).toBe(true);
    expect(a.passages).toHaveLength(3);
    expect(a.passages.every((p) => /bees/iu.test(p.passage.text))).toBe(true);
  });

  it('is off with cutoff 0 and always keeps the best passage', () => {
    expect(answerQuestion(glaciers, 'How does glacier ice move?', { cutoff: 0 }).passages).toHaveLength(3);
    expect(answerQuestion(glaciers, 'How does glacier ice move?', { cutoff: 1 }).passages).toHaveLength(1);
  });
});
