/**
 * The insights service on a store of arrays and the real index: every figure matches what was put
 * in (the window's edges included), declined and voted-down answers with their picks, quotes most
 * and never, vectors or terms, the notes, the cache, a window too busy to read whole, and no user id.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CorpusIndex } from '../../src/core/corpus-index.js';
import { Library } from '../../src/corpus/library.js';
import { createInsights, MAX_REPORT_QUESTIONS } from '../../src/insights/insights.js';
import type { Embedder } from '../../src/semantic/embedder.js';
import { ArrayLog, asked, DAY, direction, NOW, pick, tableEmbedder, testIndex, vote } from './fixtures.js';

let index: CorpusIndex;
let library: Library;
beforeAll(async () => {
  index = await testIndex();
  library = new Library({ dir: 'unused' });
  library.swap(index);
});

const RISE = 'the-rise-of-open-source-ai.txt';
const RISE_TITLE = 'The Rise of Open-Source AI: A Brief Overview';
const USERS = ['111111111111111111', '222222222222222222', '333333333333333333'];

function store(): ArrayLog {
  const questions = [
    // Equally frequent forms of one wording: the earliest asked stands for it.
    asked('what is nanogpt', 1, { answerId: 'a1', quoted: [{ file: RISE, section: '' }] }),
    asked('What is nanoGPT?', 2, { quoted: [{ file: RISE, section: '' }] }),
    asked('Which tiny trainer did Karpathy write?', 3, {
      quoted: [
        { file: RISE, section: '' },
        { file: RISE, section: 'Security and Ethical Risks' },
      ],
    }),
    asked('Who painted the Mona Lisa', 0.5, { answered: false, answerId: 'a2', quoted: [] }),
    asked('Who painted the Mona Lisa?', 4, { answered: false }),
    asked('What is the capital of France?', 6.9, { answered: false, surface: 'terminal' }),
    // Outside the window: too old, and (the clock given) later than `now`.
    asked('Too old to count?', 7.5),
    asked('From the future?', -1),
  ];
  const votes = [
    vote('a1', -1, 1, USERS[0] as string, 'What is nanoGPT?'),
    vote('a1', -1, 1, USERS[1] as string, 'What is nanoGPT?'),
    vote('a1', 1, 0.2, USERS[2] as string, 'What is nanoGPT?'),
    vote('a2', -1, 0.4, USERS[0] as string),
    vote('a3', 1, 2, USERS[1] as string, 'Only liked'),
    vote('a4', -1, 8, USERS[1] as string, 'Voted down before the window'),
  ];
  const picks = [
    pick('a1', 0.9, { byRole: 'moderator', byUser: USERS[2] as string }),
    pick('a1', 0.8, { byUser: USERS[0] as string }),
    pick('a1', 0.7, { confirmedBy: USERS[2] as string, verdict: 'none', anchors: [] }),
    pick('a1', 0.6, { undoneBy: USERS[2] as string, undoneAt: NOW - DAY / 2 }),
    pick('a3', 1),
    pick(undefined, 1),
    pick('a1', 9),
  ];
  return new ArrayLog(questions, votes, picks);
}

const embedder = () =>
  tableEmbedder({
    'what is nanogpt': direction(0),
    'which tiny trainer did karpathy write': direction(0, 8),
    'who painted the mona lisa': direction(2),
    'what is the capital of france': direction(3),
  });

describe('the report', () => {
  it('counts exactly what was put in, within the window', async () => {
    const model = embedder();
    const r = await createInsights({ store: store(), library, embedder: model }).report(7, NOW);
    expect(r.window).toEqual({ days: 7, since: NOW - 7 * DAY, until: NOW });
    expect(r.totals).toEqual({
      questions: 6,
      answered: 3,
      declined: 3,
      distinct: 4,
      groups: 3,
      up: 2,
      down: 3,
      picks: 6,
    });
    expect(r.similarity).toBe('vectors');
    // One batch of the distinct wordings, each embedded once.
    expect(model.calls.flat().sort()).toEqual([
      'What is nanoGPT?',
      'What is the capital of France?',
      'Which tiny trainer did Karpathy write?',
      'Who painted the Mona Lisa?',
    ]);
    expect(r.frequent).toEqual([
      {
        question: 'What is nanoGPT?',
        count: 3,
        answered: 3,
        answeredShare: 1,
        others: ['Which tiny trainer did Karpathy write?'],
        wordings: 2,
        latest: NOW - DAY,
      },
      expect.objectContaining({
        question: 'Who painted the Mona Lisa?',
        count: 2,
        answered: 0,
        answeredShare: 0,
      }),
      expect.objectContaining({ question: 'What is the capital of France?', count: 1, others: [] }),
    ]);
    expect(r.declined.map((g) => [g.question, g.count])).toEqual([
      ['Who painted the Mona Lisa?', 2],
      ['What is the capital of France?', 1],
    ]);
    expect(r.notes).toEqual([]);
  });

  it('lists the answers voted down, most 👎 first, with the picks made on them and their status', async () => {
    const r = await createInsights({ store: store(), library }).report(7, NOW);
    expect(r.downvoted.map((d) => [d.answerId, d.question, d.down, d.up, d.answered])).toEqual([
      ['a1', 'What is nanoGPT?', 2, 1, true],
      // The vote has no question: the question log's.
      ['a2', 'Who painted the Mona Lisa', 1, 0, false],
    ]);
    const label = 'A Field Guide to Compilers › Front ends';
    expect(r.downvoted[0]?.picks.map((p) => [p.verdict, p.passage, p.status, p.byRole])).toEqual([
      ['answer', label, 'active', 'moderator'],
      ['answer', label, 'pending', 'user'],
      ['none', '', 'active', 'user'],
      ['answer', label, 'undone', 'user'],
    ]);
    expect(r.downvoted[1]?.picks).toEqual([]);
  });

  it('counts quotes of answered questions, once per answer, and what of the snapshot was never quoted', async () => {
    const r = await createInsights({ store: store(), library }).report(7, NOW);
    expect(r.quotedArticles).toEqual([{ file: RISE, title: RISE_TITLE, count: 3, current: true }]);
    expect(r.quoted).toEqual([
      { file: RISE, title: RISE_TITLE, section: '', count: 3 },
      { file: RISE, title: RISE_TITLE, section: 'Security and Ethical Risks', count: 1 },
    ]);
    expect(r.neverQuoted.articles).toEqual([
      { file: 'guide.md', title: 'A Field Guide to Compilers' },
      { file: 'why-open-source-AI-is-thriving.txt', title: 'Why Open Source AI Is Thriving' },
    ]);
    const sections = index.articles.find((a) => a.file === RISE)?.sections ?? [];
    expect(r.neverQuoted.sections).toHaveLength(sections.length - 2);
  });

  it('names no one: no user id of an asker, a voter or a picker is in it', async () => {
    const text = JSON.stringify(await createInsights({ store: store(), library }).report(7, NOW));
    for (const id of [...USERS, '999999999999999999']) expect(text).not.toContain(id);
  });

  it('by terms alone without a model, and says so when the model fails', async () => {
    const plain = await createInsights({ store: store(), library }).report(7, NOW);
    expect(plain.similarity).toBe('terms');
    // "Which tiny trainer…" shares no word with "What is nanoGPT?".
    expect(plain.frequent.map((g) => g.question)).toContain('Which tiny trainer did Karpathy write?');
    expect(plain.notes).toEqual([]);
    const warnings: string[] = [];
    const broken: Embedder = { model: 'broken', embed: () => Promise.reject(new Error('model gone')) };
    const log = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
    const failed = await createInsights({ store: store(), library, embedder: broken, log }).report(7, NOW);
    expect(failed.similarity).toBe('terms');
    expect(failed.frequent).toEqual(plain.frequent);
    expect(failed.notes).toEqual([
      'The sentence model failed, so questions were grouped by shared words only.',
    ]);
    expect(warnings).toHaveLength(1);
  });

  it('says when nothing was logged, and lists every article as never quoted', async () => {
    const r = await createInsights({ store: new ArrayLog(), library }).report(30, NOW);
    expect(r.totals).toEqual({
      questions: 0,
      answered: 0,
      declined: 0,
      distinct: 0,
      groups: 0,
      up: 0,
      down: 0,
      picks: 0,
    });
    expect(r.notes).toEqual(['No questions were logged in the last 30 days.']);
    expect(r.frequent).toEqual([]);
    expect(r.neverQuoted.articles).toHaveLength(index.articles.length);
    expect(r.neverQuoted.sections).toEqual([]);
  });

  it('refuses days outside 1..MAX_INSIGHTS_DAYS', async () => {
    const insights = createInsights({ store: new ArrayLog(), library });
    for (const days of [0, 366, 1.5, Number.NaN])
      await expect(insights.report(days, NOW)).rejects.toThrow(RangeError);
    await expect(insights.report(365, NOW)).resolves.toMatchObject({ window: { days: 365 } });
  });

  it('reuses a report for a minute when no time is given (paging), and computes again after', async () => {
    let now = NOW;
    const log = store();
    const insights = createInsights({ store: log, library, clock: () => now });
    const first = await insights.report(7);
    expect(await insights.report(7)).toBe(first);
    expect(log.reads).toBe(1);
    await insights.report(30);
    expect(log.reads).toBe(2);
    now += 61_000;
    expect(await insights.report(7)).not.toBe(first);
    expect(log.reads).toBe(3);
  });

  it('narrows a window with too many questions to read to its most recent part, and says so', async () => {
    const half = MAX_REPORT_QUESTIONS * 0.75;
    const many = [
      ...Array.from({ length: half }, () => asked('What is nanoGPT?', 5)),
      ...Array.from({ length: half }, () => asked('Who painted the Mona Lisa?', 1, { answered: false })),
    ];
    const r = await createInsights({ store: new ArrayLog(many), library }).report(7, NOW);
    expect(r.window.since).toBe(NOW - 3.5 * DAY);
    expect(r.totals).toMatchObject({ questions: half, declined: half, distinct: 1 });
    expect(r.notes).toEqual([
      `More than 20,000 questions were asked in the last 7 days: this report covers the most recent ones, from 2025-07-06 00:00 UTC.`,
    ]);
  });
});
