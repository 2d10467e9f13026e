/**
 * Learning from picks with the semantic stage (the real USE-lite model): the questions of picks are
 * embedded once (the new vectors returned for saving), a taught question lifts its passage for a
 * rewording by meaning, a taught `none` declines a close rewording, and an unrelated question is
 * answered as before.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { embedIndex } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { anchorOf } from '../src/learning/anchor.js';
import { Learning } from '../src/learning/learning.js';
import { loadUseLite } from '../src/semantic/embedder.js';
import type { PickRecord } from '../src/store/types.js';

const root = path.resolve(import.meta.dirname, '..');
const NOW = Date.UTC(2025, 5, 1);

const shared = (async () => {
  const { sources } = await loadCorpus(path.join(root, 'corpus'));
  const embedder = await loadUseLite();
  const index = await embedIndex(CorpusIndex.build(sources), embedder);
  return { embedder, index };
})();

describe('learning with the semantic stage', { timeout: 90_000 }, async () => {
  const { embedder, index } = await shared;
  const passageWith = (piece: string) => {
    const p = index.passages.find((x) => x.text.includes(piece));
    if (!p) throw new Error(`no passage holds ${piece}`);
    return p;
  };
  const hub = passageWith('model-sharing hub');
  const sd = passageWith('Stable Diffusion has revolutionized');
  const pick = (id: number, over: Partial<PickRecord> & Pick<PickRecord, 'question'>): PickRecord => ({
    id,
    verdict: 'answer',
    anchors: [anchorOf(hub)],
    byUser: 'mod-1',
    byRole: 'moderator',
    source: 'terminal',
    createdAt: NOW,
    contradictions: 0,
    ...over,
  });
  const picks = [
    pick(1, { question: 'where do people share trained models' }),
    pick(2, {
      question: 'can i sell the pictures stable diffusion makes',
      verdict: 'none',
      anchors: [anchorOf(sd)],
    }),
    pick(3, { question: 'Where do people share trained models?', byUser: 'mod-2' }),
  ];
  const learning = new Learning({ embedder, now: () => NOW });
  const saved = await learning.load(picks, []);
  const teaching = learning.teachingFor(index);
  const ask = async (q: string, withTeaching: boolean) => {
    const [queryVector] = await embedder.embed([q]);
    return answerQuestion(index, q, { queryVector, ...(withTeaching && teaching ? { teaching } : {}) });
  };

  it('embeds each question once and returns the new vectors; a reload with them embeds nothing', async () => {
    expect(saved.map((v) => v.pickId).sort()).toEqual([1, 2, 3]);
    expect(saved.every((v) => v.model === embedder.model && v.vector.length === 512)).toBe(true);
    // Picks 1 and 3 ask the same question: one vector.
    expect(saved.find((v) => v.pickId === 1)?.vector).toBe(saved.find((v) => v.pickId === 3)?.vector);
    const again = new Learning({ embedder, now: () => NOW });
    expect(await again.load(picks, saved)).toEqual([]);
    expect(again.teachingFor(index)?.taught.every((t) => t.vector?.length === 512)).toBe(true);
    // The same question twice is one taught question with both picks.
    expect(teaching?.taught.map((t) => t.pickIds)).toEqual([[1, 3], [2]]);
  });

  it('lifts the taught passage first for a rewording found by meaning', async () => {
    const q = 'where do people upload their trained models';
    expect((await ask(q, false)).passages[0]?.passage.id).not.toBe(hub.id);
    const a = await ask(q, true);
    expect(a.answered).toBe(true);
    expect(a.passages[0]?.passage.id).toBe(hub.id);
    expect(a.learned?.moves[0]).toMatchObject({ passageId: hub.id, pickIds: [1, 3], effect: 'lift' });
    expect(learning.liftedBy(a)).toEqual([1, 3]);
  });

  it('declines a close rewording of a taught none', async () => {
    const q = 'am i allowed to sell pictures that stable diffusion makes?';
    expect((await ask(q, false)).answered).toBe(true);
    const a = await ask(q, true);
    expect(a.answered).toBe(false);
    expect(a.learned?.declinedBy).toMatchObject({
      pickIds: [2],
      question: 'can i sell the pictures stable diffusion makes',
    });
  });

  it('answers an unrelated question exactly as without teaching', async () => {
    for (const q of ['What is nanoGPT?', 'How does federated learning protect privacy?'])
      expect(await ask(q, true)).toEqual(await ask(q, false));
  });
});
