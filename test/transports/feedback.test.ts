/**
 * Feedback over both transports (the gateway through discord.js, the HTTP Interactions Endpoint):
 * 👍 counted with its tally, 👎 → "Which passage answers it?" → the pick updating the menu in place,
 * and a stranger refused on a private answer, each answered well inside Discord's 3 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/discord/limits.js';
import { button, slashCommand, user } from '../harness/index.js';
import { MOD_ROLE, moderatedGuild } from '../discord/setup.js';
import {
  addFeedback,
  emojiId,
  selectChoice,
  selectOf,
  type WithFeedback,
} from '../interactions/feedback-setup.js';
import { startTransport, type TransportRun, TRANSPORTS } from './setup.js';

describe.each(TRANSPORTS)('feedback over the %s transport', (name) => {
  let run: TransportRun;
  let fb: WithFeedback;
  beforeAll(async () => {
    run = await startTransport(
      name,
      { MODERATOR_ROLE_IDS: MOD_ROLE },
      { server: { guilds: [moderatedGuild()] } },
    );
    fb = await addFeedback(run.services);
  }, 30_000);
  afterAll(async () => {
    await fb?.close();
    await run?.stop();
  });

  const ask = async (question: string, extra: object = {}) => {
    const asker = user();
    const cb = await run.interact(
      slashCommand({ name: 'ask', options: { question, ...extra }, user: asker }),
    );
    return { asker, body: cb.body };
  };

  it('👍 is counted, 👎 opens the menu, and the choice replaces it with the result', async () => {
    const { body } = await ask('open-source AI communities');
    const up = button({ customId: emojiId(body, '👍'), user: user() });
    const counted = await run.interact(up);
    expect(counted.status).toBe(204);
    expect(counted.body.data.embeds[0].description).toBe('Thanks — counted your 👍.\n-# 👍 1 · 👎 0');
    const state = run.fake.interaction(up.id);
    expect((state?.callbackAt ?? Infinity) - (state?.dispatchedAt ?? 0)).toBeLessThan(
      LIMITS.initialResponseMs / 2,
    );
    const voter = user();
    const down = await run.interact(button({ customId: emojiId(body, '👎'), user: voter }));
    expect(down.body.data.embeds[0].description).toMatch(
      /👍 1 · 👎 1\n\n\*\*Which passage answers it\?\*\*/u,
    );
    const menu = selectOf(down.body);
    const picked = await run.interact(
      selectChoice({ customId: menu.custom_id, values: [menu.options[0]?.value ?? ''], user: voter }),
    );
    expect(picked.status).toBe(204);
    expect(picked.body.type).toBe(7);
    expect(picked.body.data.components).toEqual([]);
    expect((await fb.store.recentPicks(1))[0]).toMatchObject({ byUser: voter.id, verdict: 'answer' });
  });

  it('a stranger cannot vote on a private answer', async () => {
    const { body } = await ask('federated learning', { private: true });
    const cb = await run.interact(button({ customId: emojiId(body, '👎'), user: user() }));
    expect(cb.status).toBe(204);
    expect(cb.body.data.flags).toBe(64);
    expect(cb.body.data.embeds[0].description).toBe(
      'Only the person who asked can give feedback on a private answer.',
    );
  });
});
