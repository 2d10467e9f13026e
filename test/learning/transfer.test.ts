import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorpusIndex } from '../../src/core/corpus-index.js';
import { loadCorpus } from '../../src/corpus/loader.js';
import { AnchorResolver, anchorOf, textHash } from '../../src/learning/anchor.js';
import {
  exportPickLines,
  parsePickLine,
  picksFromLines,
  resolvePickLines,
} from '../../src/learning/transfer.js';
import type { PickRecord } from '../../src/store/types.js';

const root = path.resolve(import.meta.dirname, '../..');
let index: CorpusIndex;

beforeAll(async () => {
  index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
});

const nano = 'nanoGPT';

describe('picks as JSON lines', () => {
  it('checks the shape of a line and names what is wrong', () => {
    expect(parsePickLine('{')).toBe('not valid JSON');
    expect(parsePickLine('[1]')).toBe('not a JSON object');
    expect(parsePickLine('{"question":"x","passage":"y","colour":1}')).toMatch(/unknown field "colour"/u);
    expect(parsePickLine('{"question":"  ","passage":"y"}')).toMatch(/^"question": /u);
    expect(parsePickLine('{"question":"q","passage":"y","verdict":"maybe"}')).toMatch(/"verdict" must be/u);
    expect(parsePickLine('{"question":"q","passage":"y","by":"admin"}')).toMatch(/"by" must be/u);
    expect(parsePickLine('{"question":"q"}')).toMatch(/"passage" is required/u);
    expect(parsePickLine('{"question":"q","verdict":"none"}')).toEqual({
      question: 'q',
      verdict: 'none',
      by: 'moderator',
    });
  });

  it('finds each passage in the corpus and reports bad lines with their numbers; the rest resolve', () => {
    const passage = index.passages.find((p) => p.text.includes(nano));
    expect(passage).toBeDefined();
    const piece = (passage?.text ?? '').split(/\s+/u).slice(0, 8).join('  \n ');
    const text = [
      JSON.stringify({ question: 'what is that small gpt thing', passage: piece }),
      '',
      'not json',
      JSON.stringify({ question: 'q', passage: 'words that are in no article at all, surely' }),
      JSON.stringify({ question: 'q', file: 'nope.md', passage: piece }),
      JSON.stringify({ question: 'q', passage: 'open' }),
      JSON.stringify({ question: 'how much does llama cost', verdict: 'none', by: 'user' }),
    ].join('\n');
    const { lines, bad } = resolvePickLines(index, text);
    expect(lines.map((l) => l.line)).toEqual([1, 7]);
    expect(lines[0]?.passage?.id).toBe(passage?.id);
    expect(bad.map((b) => b.line)).toEqual([3, 4, 5, 6]);
    expect(bad[1]?.reason).toMatch(/is not in the current corpus/u);
    expect(bad[2]?.reason).toMatch(/no article file "nope.md"/u);
    expect(bad[3]?.reason).toMatch(/found in \d+ passages/u);
    const picks = picksFromLines(lines);
    expect(picks[0]?.anchors[0]?.hash).toBe(textHash(passage?.text ?? ''));
    expect(picks[1]).toMatchObject({ verdict: 'none', anchors: [], byRole: 'user', byUser: 'import:7' });
  });

  it('exports what it imports (a round trip keeps question, passage, verdict and role)', () => {
    const passage = index.passages[5];
    if (!passage) throw new Error('corpus too small');
    const pick: PickRecord = {
      id: 1,
      question: 'where do the models come from',
      verdict: 'answer',
      anchors: [anchorOf(passage)],
      byUser: 'u1',
      byRole: 'moderator',
      source: 'discord',
      createdAt: 0,
      contradictions: 0,
    };
    const undone: PickRecord = { ...pick, id: 2, undoneAt: 5, undoneBy: 'm' };
    const lines = exportPickLines([pick, undone]);
    expect(lines).toHaveLength(1);
    const back = resolvePickLines(index, lines.join('\n'));
    expect(back.bad).toEqual([]);
    expect(back.lines[0]?.passage?.id).toBe(passage.id);
    expect(picksFromLines(back.lines)[0]).toMatchObject({
      question: pick.question,
      verdict: 'answer',
      byRole: 'moderator',
    });
  });

  it('resolves an anchor by file and hash, or by hash alone after a rename', () => {
    const passage = index.passages[3];
    if (!passage) throw new Error('corpus too small');
    const resolver = new AnchorResolver(index);
    const anchor = anchorOf(passage);
    expect(resolver.resolve(anchor)?.id).toBe(passage.id);
    expect(resolver.resolve({ ...anchor, file: 'renamed.md' })?.id).toBe(passage.id);
    expect(resolver.resolve({ ...anchor, hash: textHash(`${passage.text} changed`) })).toBeUndefined();
  });
});
