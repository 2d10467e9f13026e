/**
 * Feedback through the handler, on raw payloads, with the real feedback service on a real SQLite
 * store: 👍/👎 under answers, votes counted once and changed, the pick menu a 👎 opens, picks, the
 * refusals (a stranger on a private answer, tampered ids), and /feedback review and teach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { LIMITS } from '../../src/discord/limits.js';
import type { FeedbackService } from '../../src/learning/types.js';
import { autocomplete, button, type Json, slashCommand, user } from '../harness/index.js';
import { MOD_ROLE } from '../discord/setup.js';
import { addFeedback, emojiId, rowsOf, selectChoice, selectOf, type WithFeedback } from './feedback-setup.js';
import { described, type Handling, makeHandler, sleep } from './setup.js';

let h: Handling;
let fb: WithFeedback;
beforeAll(async () => {
  h = await makeHandler({ COOLDOWN_QUESTIONS: '1000', MODERATOR_ROLE_IDS: MOD_ROLE });
  fb = await addFeedback(h.services);
});
afterAll(async () => {
  await fb?.close();
});

const moderator = () => ({ user: user(), roles: [MOD_ROLE] });

async function asked(question: string, extra: object = {}) {
  const asker = user();
  const body = (
    await h.send(slashCommand({ name: 'ask', options: { question, ...extra }, user: asker }))
  ).only();
  return { asker, body };
}

async function click(customId: string, who: object = { user: user() }) {
  return (await h.send(button({ customId, ...who }))).only();
}

async function choose(customId: string, value: string, who: object) {
  return (await h.send(selectChoice({ customId, values: [value], ...who }))).only();
}

/** The answer id a vote button names. */
function answerIdOf(body: Json): string {
  return h.rt.signer.decode(emojiId(body, '👍'))?.answerId ?? '';
}

describe('👍 and 👎', () => {
  it('sit on a row of their own under an answer and a decline, with signed ids that fit Discord', async () => {
    for (const question of ['What is nanoGPT?', 'Who painted the Mona Lisa?']) {
      const { asker, body } = await asked(question);
      const rows = rowsOf(body);
      expect(rows.length).toBeLessThanOrEqual(LIMITS.rows);
      const votes = rows.at(-1) ?? [];
      expect(votes.map((c) => c.emoji?.name)).toEqual(['👍', '👎']);
      for (const c of rows.flat()) expect((c.custom_id ?? '').length).toBeLessThanOrEqual(LIMITS.customId);
      expect(h.rt.signer.decode(votes[1]?.custom_id ?? '')?.action).toBe('down');
      const kept = await fb.store.getAnswer(answerIdOf(body));
      expect(kept).toMatchObject({ question, askerId: asker.id, private: false, surface: 'discord' });
    }
  });

  it('count once per person and can be changed; the tally shows it', async () => {
    const { body } = await asked('What is nanoGPT?');
    const [up, down] = [emojiId(body, '👍'), emojiId(body, '👎')];
    const b = { user: user() };
    const first = await click(up, b);
    expect(first.type).toBe(4);
    expect(first.data?.flags).toBe(64);
    expect(first.data?.allowed_mentions).toEqual({ parse: [] });
    expect(described(first)).toBe('Thanks — counted your 👍.\n-# 👍 1 · 👎 0');
    expect(described(await click(up, b))).toBe('You had already voted 👍: it counts once.\n-# 👍 1 · 👎 0');
    expect(described(await click(up))).toContain('👍 2 · 👎 0');
    const changed = await click(down, b);
    expect(described(changed)).toMatch(/^Changed your vote to 👎\.\n-# 👍 1 · 👎 1\n/u);
    expect(await fb.store.tally(answerIdOf(body))).toEqual({ up: 1, down: 1 });
  });

  it('a stranger cannot vote on a private answer; the asker can', async () => {
    const { asker, body } = await asked('federated learning', { private: true });
    const refused = await click(emojiId(body, '👍'));
    expect(refused.data?.flags).toBe(64);
    expect(described(refused)).toBe('Only the person who asked can give feedback on a private answer.');
    expect(described(await click(emojiId(body, '👍'), { user: asker }))).toContain('counted your 👍');
    expect(await fb.store.tally(answerIdOf(body))).toEqual({ up: 1, down: 0 });
  });

  it('tampered, foreign-signed and unknown ids are refused, buttons and menus alike', async () => {
    const { body } = await asked('What is nanoGPT?');
    const up = emojiId(body, '👍');
    const tampered = `${up.slice(0, -2)}${up.endsWith('AA') ? 'BB' : 'AA'}`;
    const foreign = new CustomIdSigner().encode({ action: 'up', answerId: answerIdOf(body), arg: 0 });
    for (const id of [tampered, foreign]) expect(described(await click(id))).toMatch(/not valid any more/u);
    const menu = selectOf(await click(emojiId(body, '👎'), { user: user() }));
    const forged = `${menu.custom_id.slice(0, -1)}${menu.custom_id.endsWith('A') ? 'B' : 'A'}`;
    expect(described(await choose(forged, 'none', { user: user() }))).toBe(
      'This menu is not valid any more.',
    );
    const unknown = h.rt.signer.encode({ action: 'up', answerId: 'nosuchanswer', arg: 0 });
    expect(described(await click(unknown))).toMatch(/That answer is no longer kept/u);
    // A value that was never on the menu.
    expect(described(await choose(menu.custom_id, '9999', { user: user() }))).toMatch(
      /not one of the passages/u,
    );
    expect(described(await choose(menu.custom_id, 'x', { user: user() }))).toBe(
      'That choice is not on the menu.',
    );
    expect(await fb.store.tally(answerIdOf(body))).toEqual({ up: 0, down: 1 });
  });
});

describe('the menu a 👎 opens', () => {
  it('offers the other candidates, numbered as in the answer and within the limits, then None of these', async () => {
    const { body } = await asked('open-source AI communities');
    const menu = selectOf(await click(emojiId(body, '👎')));
    expect(menu.options.length).toBeGreaterThan(2);
    expect(menu.options.length).toBeLessThanOrEqual(LIMITS.selectOptions);
    // The passage shown first is what the 👎 was about: the list starts at the second.
    expect(menu.options[0]?.label).toMatch(/^2\. /u);
    for (const o of menu.options) {
      expect(o.label.length).toBeLessThanOrEqual(LIMITS.selectOptionLabel);
      expect((o.description ?? '').length).toBeLessThanOrEqual(LIMITS.selectOptionDescription);
    }
    expect(new Set(menu.options.map((o) => o.value)).size).toBe(menu.options.length);
    expect(menu.options.at(-1)).toMatchObject({ label: 'None of these', value: 'none' });
    const mods = selectOf(await click(emojiId(body, '👎'), moderator()));
    expect(mods.options.slice(-2).map((o) => o.label)).toEqual(['None of these', 'Another passage…']);
  });

  it('a choice is picked and replaces the menu (type 7) with the service’s line', async () => {
    const { body } = await asked('open-source AI communities');
    const voter = { user: user() };
    const menu = selectOf(await click(emojiId(body, '👎'), voter));
    const picked = await choose(menu.custom_id, menu.options[0]?.value ?? '', voter);
    expect(picked.type).toBe(7);
    expect(picked.data && 'flags' in picked.data).toBe(false);
    expect(rowsOf(picked)).toEqual([]);
    expect(described(picked)).toMatch(/counts once another person picks the same passage/u);
    const [pick] = await fb.store.recentPicks(1);
    expect(pick).toMatchObject({
      question: 'open-source AI communities',
      verdict: 'answer',
      byUser: voter.user.id,
      byRole: 'user',
      source: 'discord',
    });
    const none = await choose(menu.custom_id, 'none', voter);
    expect(none.type).toBe(7);
    expect((await fb.store.recentPicks(1))[0]).toMatchObject({ verdict: 'none', byUser: voter.user.id });
  });

  it('"Another passage…" sends a moderator to /feedback teach, where the question is offered first', async () => {
    const question = 'Where do open models come from?';
    const { body } = await asked(question);
    const mod = moderator();
    const menu = selectOf(await click(emojiId(body, '👎'), mod));
    const told = await choose(menu.custom_id, 'other', mod);
    expect(told.type).toBe(7);
    expect(described(told)).toContain('`/feedback teach`');
    const offered = (
      await h.send(
        autocomplete({ name: 'feedback', subcommand: 'teach', focused: 'question', value: '', ...mod }),
      )
    ).only();
    expect(offered.data?.choices?.[0]).toEqual({ name: question, value: question });
    // Someone who is not a moderator gets no "Another passage…", nor the questions.
    const other = { user: user() };
    expect(described(await choose(menu.custom_id, 'other', other))).toMatch(/Only moderators/u);
    const none = (
      await h.send(autocomplete({ name: 'feedback', subcommand: 'teach', focused: 'question', ...other }))
    ).only();
    expect(none.data?.choices).toEqual([]);
  });
});

describe('/feedback', () => {
  it('is in /help, from the command table', async () => {
    const help = described((await h.send(slashCommand({ name: 'help', user: user() }))).only());
    expect(help).toContain('`/feedback review [page]` · `/feedback teach question: [passage] [verdict]`');
  });

  it('is refused to anyone but a moderator, in a server and in DMs', async () => {
    const refused = (
      await h.send(slashCommand({ name: 'feedback', subcommand: 'review', user: user() }))
    ).only();
    expect(refused.data?.flags).toBe(64);
    expect(described(refused)).toMatch(/Only moderators can use \/feedback/u);
    const dm = (
      await h.send(slashCommand({ name: 'feedback', subcommand: 'review', user: user(), dm: true }))
    ).only();
    expect(described(dm)).toBe('In DMs only the bot owners can use /feedback.');
    const teach = slashCommand({
      name: 'feedback',
      subcommand: 'teach',
      options: { question: 'x', passage: 'y' },
      user: user(),
    });
    expect(described((await h.send(teach)).only())).toMatch(/Only moderators/u);
    expect(h.logs.some((l) => l.includes('feedback moderation refused'))).toBe(true);
  });

  it('teach: passages found by their words, taught by the value picked; a mistake is said plainly', async () => {
    const mod = moderator();
    const found = (
      await h.send(
        autocomplete({ name: 'feedback', subcommand: 'teach', focused: 'passage', value: 'nanoGPT', ...mod }),
      )
    ).only();
    const choices: { name: string; value: string }[] = found.data?.choices ?? [];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(LIMITS.choices);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(LIMITS.choiceName);
      expect(c.value).toMatch(/^\d+:[0-9a-f]{16}$/u);
    }
    const teach = (options: Record<string, string>) =>
      h.send(slashCommand({ name: 'feedback', subcommand: 'teach', options, ...mod }));
    const taught = (
      await teach({ question: 'Who made the small GPT?', passage: choices[0]?.value ?? '' })
    ).only();
    expect(described(taught)).toMatch(/^Taught: questions like this one now get “.+” first\.$/u);
    const [pick] = await fb.store.recentPicks(1);
    expect(pick).toMatchObject({
      question: 'Who made the small GPT?',
      byRole: 'moderator',
      verdict: 'answer',
    });
    expect(described((await teach({ question: 'Who made it?' })).only())).toMatch(/Name the passage/u);
    expect(described((await teach({ question: 'q', passage: 'no passage says this' })).only())).toMatch(
      /No passage holds that text/u,
    );
    expect(described((await teach({ question: 'Is there a price?', verdict: 'none' })).only())).toBe(
      'Taught: questions like this one are now declined.',
    );
  });

  it('review: picks and votes, who as a mention that pings nobody; Undo and Confirm act and redraw', async () => {
    const { body } = await asked('open-source AI communities');
    const voter = { user: user() };
    const menu = selectOf(await click(emojiId(body, '👎'), voter));
    await choose(menu.custom_id, menu.options[0]?.value ?? '', voter);
    const [pick] = await fb.store.recentPicks(1);
    const mod = moderator();
    const page = (await h.send(slashCommand({ name: 'feedback', subcommand: 'review', ...mod }))).only();
    expect(page.data?.flags).toBe(64);
    expect(page.data?.allowed_mentions).toEqual({ parse: [] });
    const [picks, votes] = page.data?.embeds?.[0]?.fields ?? [];
    expect(picks.value).toContain(`**#${pick?.id}** · pending · <@${voter.user.id}>`);
    expect(picks.value).toContain('“open-source AI communities” →');
    expect(votes.value).toContain(`👎 <@${voter.user.id}>`);
    const moderation = selectOf(page);
    expect(moderation.options.map((o) => o.value)).toContain(`confirm:${pick?.id}`);
    const confirmed = await choose(moderation.custom_id, `confirm:${pick?.id}`, mod);
    expect(confirmed.type).toBe(7);
    expect(confirmed.data?.embeds?.[0]?.description).toBe(`Confirmed pick #${pick?.id}: it is taught now.`);
    expect(confirmed.data?.embeds?.[0]?.fields?.[0]?.value).toContain(`**#${pick?.id}** · active`);
    const undone = await choose(moderation.custom_id, `undo:${pick?.id}`, mod);
    expect(undone.data?.embeds?.[0]?.fields?.[0]?.value).toContain(`**#${pick?.id}** · undone`);
    const again = await choose(moderation.custom_id, `undo:${pick?.id}`, mod);
    expect(again.data?.embeds?.[0]?.description).toBe(`Pick #${pick?.id} was undone already.`);
    // Someone else cannot use a moderator's menu, even with its id.
    expect(described(await choose(moderation.custom_id, `undo:${pick?.id}`, { user: user() }))).toMatch(
      /Only moderators/u,
    );
  });

  it('review pages turn with ◀/▶ in place', async () => {
    const mod = moderator();
    // More picks than one page holds.
    for (let k = 0; k < 6; k++) {
      const options = { question: `Is there a price for plan ${k}?`, verdict: 'none' };
      await h.send(slashCommand({ name: 'feedback', subcommand: 'teach', options, ...mod }));
    }
    const first = (await h.send(slashCommand({ name: 'feedback', subcommand: 'review', ...mod }))).only();
    const next = await click(emojiId(first, '▶️'), mod);
    expect(next.type).toBe(7);
    expect(next.data?.embeds?.[0]?.title).toMatch(/^Feedback review · page 2 of \d+$/u);
    const back = await click(emojiId(next, '◀️'), mod);
    expect(back.data?.embeds?.[0]?.title).toMatch(/page 1 of/u);
    expect(described(await click(emojiId(first, '▶️')))).toMatch(/Only moderators/u);
  });
});

describe('a slow store', () => {
  /** The real service, each call taking `ms` longer. */
  function slowed(ms: number): FeedbackService {
    const real = fb.feedback;
    const later =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      async (...a: A) => {
        await sleep(ms);
        return f.apply(real, a);
      };
    return {
      remember: later(real.remember),
      vote: later(real.vote),
      pickMenu: later(real.pickMenu),
      pick: later(real.pick),
      teach: later(real.teach),
      undo: later(real.undo),
      confirm: later(real.confirm),
      review: later(real.review),
    };
  }

  it('is acknowledged inside the 3 s window: a vote edits its deferral, a pick follows its deferred update', async () => {
    const { body } = await asked('open-source AI communities');
    const voter = { user: user() };
    h.services.feedback = slowed(300);
    try {
      // Arrived 1.9 s ago: 0.1 s are left before the deferral is due.
      const down = await h.send(
        button({ customId: emojiId(body, '👎'), ...voter }),
        undefined,
        Date.now() - 1900,
      );
      expect(down.calls.map((c) => c.kind)).toEqual(['respond', 'edit']);
      expect(down.only()).toEqual({ type: 5, data: { flags: 64 } });
      const edit = down.calls[1];
      if (edit?.kind !== 'edit') throw new Error('no edit');
      const menu = selectOf(edit.body);
      const choice = selectChoice({ customId: menu.custom_id, values: ['none'], ...voter });
      const picked = await h.send(choice, undefined, Date.now() - 1900);
      expect(picked.calls.map((c) => c.kind)).toEqual(['respond', 'followUp']);
      expect(picked.only()).toEqual({ type: 6 });
      const follow = picked.calls[1];
      expect(follow?.kind === 'followUp' && follow.body.flags).toBe(64);
    } finally {
      h.services.feedback = fb.feedback;
    }
  });
});

describe('the allowance', () => {
  it('votes and picks take from the same per-user allowance as questions', async () => {
    const tight = await makeHandler({ COOLDOWN_QUESTIONS: '2' });
    const own = await addFeedback(tight.services);
    try {
      const asker = user();
      const body = (
        await tight.send(
          slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: asker }),
        )
      ).only();
      const up = emojiId(body, '👍');
      expect(described((await tight.send(button({ customId: up, user: asker }))).only())).toContain(
        'counted',
      );
      const third = (await tight.send(button({ customId: up, user: asker }))).only();
      expect(described(third)).toMatch(/You're asking quickly: the limit is 2 per/u);
    } finally {
      await own.close();
    }
  });
});
