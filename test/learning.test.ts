/**
 * Learning from picks, lexically (no model): taught questions lift their passage for a reworded
 * question, a taught `none` declines one, a strong lift answers what the decline rule declines;
 * what does not teach (undone, a user's alone, a set-aside anchor) leaves the answers as they were;
 * two users agreeing do teach; fading and grouping; the answer path (`ask`) reads
 * `Services.learning`; `ask --explain` says what moved a passage; measureTeaching on the pair set.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ask, type Services } from '../src/commands/commands.js';
import { answerQuestion } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { fading, groupPicks, PICK_WEIGHTS, pickWeights } from '../src/core/pick-weights.js';
import { Library } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { anchorOf } from '../src/learning/anchor.js';
import { Learning } from '../src/learning/learning.js';
import { measureTeaching } from '../src/eval/teach.js';
import { loadPairSet } from '../scripts/lib/teach-data.js';
import { createLogger } from '../src/log.js';
import { explainQuestion, renderExplain } from '../src/render/explain.js';
import { plainStyle } from '../src/render/terminal.js';
import type { PickRecord } from '../src/store/types.js';

const root = path.resolve(import.meta.dirname, '..');
const { sources } = await loadCorpus(path.join(root, 'corpus'));
const index = CorpusIndex.build(sources);
const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

const passageWith = (piece: string, at: CorpusIndex = index) => {
  const p = at.passages.find((x) => x.text.includes(piece));
  if (!p) throw new Error(`no passage holds ${piece}`);
  return p;
};
const HUB = passageWith('model-sharing hub');
const TOOLS = passageWith('Hugging Face provides open-source tools');

let nextId = 1;
function pick(over: Partial<PickRecord> & Pick<PickRecord, 'question'>): PickRecord {
  return {
    id: nextId++,
    verdict: 'answer',
    anchors: [anchorOf(HUB)],
    byUser: 'mod-1',
    byRole: 'moderator',
    source: 'terminal',
    createdAt: NOW - DAY,
    contradictions: 0,
    ...over,
  };
}
async function learned(picks: PickRecord[]): Promise<Learning> {
  const learning = new Learning({ now: () => NOW });
  await learning.load(picks, []);
  return learning;
}
const answerWith = (learning: Learning, q: string, at: CorpusIndex = index) => {
  const teaching = learning.teachingFor(at);
  return answerQuestion(at, q, teaching ? { teaching } : {});
};

const SHARE = 'where do people share trained models';
const SHARE_AGAIN = 'where can people share their trained models?';

describe('teaching by terms (semantic stage off)', () => {
  it('a taught question lifts its passage first for a reworded question', async () => {
    expect(answerQuestion(index, SHARE_AGAIN).passages[0]?.passage.id).not.toBe(HUB.id);
    const p = pick({ question: SHARE });
    const learning = await learned([p]);
    const a = answerWith(learning, SHARE_AGAIN);
    expect(a.answered).toBe(true);
    expect(a.passages[0]?.passage.id).toBe(HUB.id);
    expect(a.learned?.moves).toEqual([
      expect.objectContaining({ passageId: HUB.id, pickIds: [p.id], question: SHARE, effect: 'lift' }),
    ]);
    expect(learning.liftedBy(a)).toEqual([p.id]);
    expect(learning.status(index, p)).toBe('active');
  });

  it('leaves an unrelated question exactly as it was', async () => {
    const learning = await learned([pick({ question: SHARE })]);
    for (const q of ['What is nanoGPT?', 'How does federated learning protect privacy?', 'capital of France'])
      expect(answerWith(learning, q)).toEqual(answerQuestion(index, q));
  });

  it('a taught none declines a close rewording, and lowers its passages where it does not decline', async () => {
    const sd = passageWith('Stable Diffusion has revolutionized');
    const q = 'can i sell pictures stable diffusion makes?';
    expect(answerQuestion(index, q).answered).toBe(true);
    const p = pick({
      question: 'can i sell the pictures stable diffusion makes',
      verdict: 'none',
      anchors: [anchorOf(sd)],
    });
    const learning = await learned([p]);
    const a = answerWith(learning, q);
    expect(a.answered).toBe(false);
    expect(a.declineReason).toBe('A moderator marked a question like this as not answered by the articles.');
    expect(a.learned?.declinedBy?.pickIds).toEqual([p.id]);
    expect(learning.liftedBy(a)).toEqual([p.id]);
    // Ranked without deciding, its passage is lowered.
    const scoreOf = (x: ReturnType<typeof answerQuestion>) =>
      [...x.passages, ...x.more].find((p) => p.passage.id === sd.id)?.score ?? 0;
    const ranked = answerQuestion(index, q, { decide: false, teaching: learning.teachingFor(index) });
    expect(scoreOf(ranked)).toBeLessThan(scoreOf(answerQuestion(index, q, { decide: false })));
    expect(ranked.learned?.moves[0]).toMatchObject({ passageId: sd.id, effect: 'lower' });
  });

  it('a strong lift answers a question the decline rule declines, with a quote composed as usual', async () => {
    const q = 'the emoji company: what do they make';
    expect(answerQuestion(index, q).answered).toBe(false);
    const learning = await learned([
      pick({ question: 'that emoji company, what do they make', anchors: [anchorOf(TOOLS)] }),
    ]);
    const a = answerWith(learning, q);
    expect(a.answered).toBe(true);
    expect(a.passages[0]?.passage.id).toBe(TOOLS.id);
    expect(a.passages[0]?.quote.length).toBeGreaterThan(0);
    expect(TOOLS.text).toContain(a.passages[0]?.quote.replace(/^…\s?|\s?…$/gu, '').slice(0, 40));
  });

  it('a lift vouches for the kind of answer only when the taught question wants the same kind', async () => {
    const nano = passageWith('nanoGPT by Andrej Karpathy');
    const cost = 'how much does the karpathy nanoGPT project cost';
    const plain = answerQuestion(index, cost);
    expect(plain.answered).toBe(false);
    expect(plain.declineReason).toBe("The articles don't say what it costs.");
    // Taught for what it is: the passage is lifted, but it still names no price.
    const what = await learned([
      pick({ question: 'what is the karpathy nanoGPT project', anchors: [anchorOf(nano)] }),
    ]);
    const a = answerWith(what, cost);
    expect(a.learned?.moves.some((m) => m.passageId === nano.id && m.effect === 'lift')).toBe(true);
    expect(a.answered).toBe(false);
    expect(a.declineReason).toBe("The articles don't say what it costs.");
    // Taught for its price by a moderator: the pick says this passage answers that kind of question.
    const price = await learned([
      pick({ question: 'how much does the karpathy nanoGPT project cost?', anchors: [anchorOf(nano)] }),
    ]);
    const b = answerWith(price, cost);
    expect(b.answered).toBe(true);
    expect(b.passages[0]?.passage.id).toBe(nano.id);
  });

  it('undone picks and a user’s pick alone change nothing', async () => {
    const undone = pick({ question: SHARE, undoneAt: NOW - 1000, undoneBy: 'mod-1' });
    const alone = pick({ question: SHARE, byRole: 'user', byUser: 'u1' });
    const learning = await learned([undone, alone]);
    expect(learning.teachingFor(index)).toBeUndefined();
    expect(answerWith(learning, SHARE_AGAIN)).toEqual(answerQuestion(index, SHARE_AGAIN));
    expect(learning.status(index, undone)).toBe('undone');
    expect(learning.status(index, alone)).toBe('pending');
    // The same user twice is still one person.
    const twice = await learned([alone, pick({ question: SHARE_AGAIN, byRole: 'user', byUser: 'u1' })]);
    expect(twice.teachingFor(index)).toBeUndefined();
  });

  it('two users agreeing on the passage for close questions teach it (weaker than a moderator)', async () => {
    const a = pick({ question: SHARE, byRole: 'user', byUser: 'u1' });
    const b = pick({ question: SHARE_AGAIN, byRole: 'user', byUser: 'u2' });
    const learning = await learned([a, b]);
    expect(learning.status(index, a)).toBe('active');
    expect(answerWith(learning, SHARE_AGAIN).passages[0]?.passage.id).toBe(HUB.id);
    const taught = learning.teachingFor(index)?.taught ?? [];
    for (const [t, x] of taught.map((t, i) => [t, [a, b][i]] as const))
      expect(t.weight).toBeCloseTo(PICK_WEIGHTS.agreed * fading(x as PickRecord, NOW), 9);
    expect(taught.every((t) => t.moderator === false)).toBe(true);
    // A moderator's confirmation is enough on its own.
    const confirmed = await learned([{ ...a, confirmedBy: 'mod-1', confirmedAt: NOW }]);
    expect(confirmed.teachingFor(index)?.taught[0]?.weight).toBeCloseTo(fading(a, NOW), 9);
  });

  it('sets a pick aside when its passage changed, and teaches nothing from it', async () => {
    const p = pick({ question: SHARE });
    const learning = await learned([p]);
    const edited = CorpusIndex.build(
      sources.map((s) => ({ ...s, text: s.text.replace('model-sharing hub', 'model hub') })),
    );
    expect(learning.status(edited, p)).toBe('set-aside');
    expect(learning.teachingFor(edited)).toBeUndefined();
    expect(learning.status(index, p)).toBe('active');
  });

  it('weighs picks: fading from the last reinforcement, contradictions, grouping one question', () => {
    const p = pick({ question: SHARE, createdAt: NOW - 180 * DAY });
    expect(fading(p, NOW)).toBeCloseTo(0.5, 6);
    expect(fading({ ...p, reinforcedAt: NOW }, NOW)).toBe(1);
    expect(fading({ ...p, createdAt: NOW - 2000 * DAY }, NOW)).toBe(PICK_WEIGHTS.fadeFloor);
    expect(fading({ ...p, contradictions: 2 }, NOW)).toBeCloseTo(0.125, 6);
    const same = pick({ question: '  Where do people SHARE trained models? ', byUser: 'mod-2' });
    const other = pick({ question: SHARE, anchors: [anchorOf(TOOLS)] });
    const weights = pickWeights([p, same, other], NOW);
    const groups = groupPicks([p, same, other], weights);
    expect(groups.map((g) => g.picks.map((x) => x.id))).toEqual([[p.id, same.id], [other.id]]);
    expect(groups[0]?.weight).toBeCloseTo(fading(same, NOW), 6);
  });
});

describe('the answer path', () => {
  it('ask reads Services.learning, and --explain says which taught question moved a passage', async () => {
    const library = new Library({ dir: path.join(root, 'corpus') });
    await library.reindex();
    const p = pick({ question: SHARE });
    const learning = await learned([p]);
    const services: Services = { library, log: createLogger({ write: () => {} }), learning };
    const r = await ask(services, { question: SHARE_AGAIN });
    if (r.kind !== 'answer') throw new Error(r.message);
    expect(r.answer.passages[0]?.passage.text).toContain('model-sharing hub');
    const text = renderExplain(explainQuestion(library.index, SHARE_AGAIN, r.answer), plainStyle);
    expect(text).toMatch(
      /lifted by a taught question \(\d+% similar\): “where do people share trained models”, pick #\d+/u,
    );
    const without = await ask({ ...services, learning: undefined } as Services, { question: SHARE_AGAIN });
    if (without.kind !== 'answer') throw new Error(without.message);
    expect(without.answer.learned).toBeUndefined();
  });
});

describe('measureTeaching on the feedback pair set', () => {
  it('asking each taught question again finds its passage first, or declines it', async () => {
    const { taught } = await loadPairSet(
      index,
      path.join(root, 'test/eval/teach.jsonl'),
      path.join(root, 'test/eval/rewordings.json'),
    );
    const again = taught.map((t, i) => ({
      split: 'dev' as const,
      teach: i,
      question: t.question,
      verdict: t.verdict,
    }));
    const figures = await measureTeaching({ index, taught, rewordings: again });
    expect(figures.dev.answer.n + figures.dev.none.n).toBe(taught.length);
    expect(figures.dev.answer.after).toEqual({ hit1: 1, hit3: 1, declined: 0 });
    expect(figures.dev.none.after).toBe(1);
    expect(figures.dev.answer.before.hit1).toBeLessThan(1);
  });
});
