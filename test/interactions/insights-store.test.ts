/**
 * /insights on what was really asked: questions through the handler (slash commands), logged by the
 * real feedback service on a real SQLite store, a 👎 and a pick on one answer, then the report and
 * the /insights reply count exactly those.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInsights } from '../../src/insights/insights.js';
import { button, slashCommand, user } from '../harness/index.js';
import { MOD_ROLE } from '../discord/setup.js';
import { addFeedback, emojiId, selectChoice, selectOf, type WithFeedback } from './feedback-setup.js';
import { described, type Handling, makeHandler } from './setup.js';

let h: Handling;
let fb: WithFeedback;
const ASKED = [
  'What is nanoGPT?',
  'what is nanogpt',
  'What is nanoGPT?',
  'Who painted the Mona Lisa?',
  'What is the boiling point of mercury in kelvin?',
  'Why is open-source AI thriving?',
];

beforeAll(async () => {
  h = await makeHandler({ COOLDOWN_QUESTIONS: '1000', MODERATOR_ROLE_IDS: MOD_ROLE });
  fb = await addFeedback(h.services);
  h.services.insights = createInsights({ store: fb.store, library: h.services.library });
  const bodies = [];
  for (const question of ASKED) {
    bodies.push((await h.send(slashCommand({ name: 'ask', options: { question }, user: user() }))).only());
  }
  // The last answer gets a 👎 and a pick of "None of these" from its voter.
  const voter = user();
  const down = (await h.send(button({ customId: emojiId(bodies.at(-1), '👎'), user: voter }))).only();
  const menu = selectOf(down);
  await h.send(selectChoice({ customId: menu.custom_id, values: ['none'], user: voter }));
});
afterAll(async () => {
  await fb?.close();
});

describe('/insights counts what was asked', () => {
  it('in the report: questions, declines, groups, the 👎 with its pick, quotes by article', async () => {
    const r = await h.services.insights!.report(7);
    expect(r.totals).toMatchObject({ questions: ASKED.length, declined: 2, answered: 4, down: 1, picks: 1 });
    expect(r.frequent[0]).toMatchObject({ count: 3 });
    expect(r.frequent[0]?.question.toLowerCase()).toMatch(/nanogpt/u);
    expect(r.declined.map((g) => g.count)).toEqual([1, 1]);
    expect(r.downvoted).toHaveLength(1);
    expect(r.downvoted[0]).toMatchObject({ question: ASKED.at(-1), down: 1 });
    expect(r.downvoted[0]?.picks.map((p) => p.verdict)).toEqual(['none']);
    const quotedAnswers = r.quotedArticles.reduce((n, a) => n + a.count, 0);
    expect(quotedAnswers).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(r)).not.toMatch(/"\d{17,20}"/u);
  });

  it('in the moderator’s ephemeral reply', async () => {
    const body = (await h.send(slashCommand({ name: 'insights', user: user(), roles: [MOD_ROLE] }))).only();
    expect(body.data?.flags).toBe(64);
    const text = JSON.stringify(body.data?.embeds ?? []);
    expect(text).toMatch(/nanoGPT/iu);
    expect(text).toContain(String(ASKED.length));
    expect(described(body).length).toBeGreaterThan(0);
  });
});
