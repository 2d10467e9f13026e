/**
 * What picks made on Discord teach, through the handler with the real feedback service, store and
 * learning: one ordinary user's pick changes nothing until a second user agrees; then a reworded
 * question from someone else gets the picked passage first; a moderator's undo from /feedback review
 * puts the ranking back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Passage } from '../../src/core/types.js';
import { button, type Json, slashCommand, user } from '../harness/index.js';
import { MOD_ROLE } from '../discord/setup.js';
import {
  addFeedback,
  answeringPassage,
  emojiId,
  optionFor,
  selectChoice,
  selectOf,
  TAUGHT,
  type WithFeedback,
} from './feedback-setup.js';
import { described, type Handling, makeHandler } from './setup.js';

const { question: QUESTION, reworded: REWORDED } = TAUGHT;

let h: Handling;
let fb: WithFeedback;
beforeAll(async () => {
  h = await makeHandler({ COOLDOWN_QUESTIONS: '1000', MODERATOR_ROLE_IDS: MOD_ROLE });
  fb = await addFeedback(h.services);
});
afterAll(async () => {
  await fb?.close();
});

const answering = (): Passage => answeringPassage(h.services.library.index);

/** The origin line of the answering passage, as an answer's card shows it in its footer. */
function answeringFooter(): string {
  const { origin } = answering();
  return `${origin.file} lines ${origin.lines[0]}–${origin.lines[1]}`;
}

async function ask(question: string): Promise<Json> {
  return (await h.send(slashCommand({ name: 'ask', options: { question }, user: user() }))).only();
}

/** The footer of an answer's first card (where its first passage comes from). */
const firstFooter = (body: Json): string => body.data?.embeds?.[0]?.footer?.text ?? '';

/** A 👎 by a new user on a new answer to QUESTION, then their pick of the answering passage. */
async function pickAnswering(): Promise<string> {
  const voter = { user: user() };
  const menu = selectOf(
    (await h.send(button({ customId: emojiId(await ask(QUESTION), '👎'), ...voter }))).only(),
  );
  const option = optionFor(menu, answering());
  return described(
    (await h.send(selectChoice({ customId: menu.custom_id, values: [option.value], ...voter }))).only(),
  );
}

describe('what picks teach', () => {
  it('a lone pick waits; a second person’s agreement teaches it; a moderator’s undo restores the ranking', async () => {
    const target = answeringFooter();
    const before = firstFooter(await ask(REWORDED));
    expect(before).not.toContain(target);

    expect(await pickAnswering()).toMatch(/It counts once another person picks the same passage/u);
    expect(firstFooter(await ask(REWORDED))).toBe(before);

    expect(await pickAnswering()).toMatch(/^Taught: questions like this one now get “.+” first\.$/u);
    expect(firstFooter(await ask(REWORDED))).toContain(target);

    const mod = { user: user(), roles: [MOD_ROLE] };
    const review = (await h.send(slashCommand({ name: 'feedback', subcommand: 'review', ...mod }))).only();
    const moderation = selectOf(review);
    const undos = moderation.options.filter((o) => o.value.startsWith('undo:'));
    expect(undos).toHaveLength(2);
    for (const o of undos) {
      const page = (
        await h.send(selectChoice({ customId: moderation.custom_id, values: [o.value], ...mod }))
      ).only();
      expect(page.data?.embeds?.[0]?.description).toMatch(/^Undid pick #\d+: it is no longer taught\.$/u);
    }
    expect(firstFooter(await ask(REWORDED))).toBe(before);
  });
});
