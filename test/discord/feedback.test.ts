/**
 * Feedback through the real discord.js against the fake Discord: the answers to plain DMs, mentions
 * and the "Ask citebot" message command carry 👍/👎 (the replies go out through REST, validated by the
 * fake), votes on them are counted, and a 👎 → menu → pick runs end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  button,
  type Json,
  messageContextMenu,
  messageCreate,
  slashCommand,
  user,
} from '../harness/index.js';
import {
  addFeedback,
  emojiId,
  rowsOf,
  selectChoice,
  selectOf,
  type WithFeedback,
} from '../interactions/feedback-setup.js';
import { MOD_ROLE, moderatedGuild, type Running, startBot } from './setup.js';

let run: Running;
let fb: WithFeedback;
beforeAll(async () => {
  run = await startBot({ MODERATOR_ROLE_IDS: MOD_ROLE }, { server: { guilds: [moderatedGuild()] } });
  fb = await addFeedback(run.services);
});
afterAll(async () => {
  await fb?.close();
  await run?.stop();
});

/** The channel reply to message `d` (what messages.ts posted through REST). */
async function replyTo(d: { id: string }): Promise<Json> {
  const req = await run.server.waitForRequest(
    (r) => r.method === 'POST' && r.body?.message_reference?.message_id === d.id,
  );
  expect(req.status).toBe(200);
  return req;
}

describe('answers to messages', () => {
  it('a DM’s answer carries 👍/👎, and a vote on it is counted for the voter', async () => {
    const author = user();
    const d = messageCreate({ dm: true, content: 'What is federated learning?', author });
    run.server.dispatch('MESSAGE_CREATE', d);
    const req = await replyTo(d);
    expect(req.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(
      rowsOf(req.body)
        .at(-1)
        ?.map((c) => c.emoji?.name),
    ).toEqual(['👍', '👎']);
    const cb = await run.server.interact(
      button({ customId: emojiId(req.body, '👍'), user: author, dm: true, message: req.response }),
    );
    expect(cb.status).toBe(204);
    expect(cb.body.data.flags).toBe(64);
    expect(cb.body.data.embeds[0].description).toBe('Thanks — counted your 👍.\n-# 👍 1 · 👎 0');
  });

  it('a mention’s answer in a server carries 🗑 Delete and 👍/👎, each on its row', async () => {
    const d = messageCreate({ content: 'What is nanoGPT?', author: user(), mentionBot: true });
    run.server.dispatch('MESSAGE_CREATE', d);
    const req = await replyTo(d);
    const rows = rowsOf(req.body).map((r) => r.map((c) => c.emoji?.name ?? c.label));
    expect(rows[0]).toEqual(['🗑️']);
    expect(rows.at(-1)).toEqual(['👍', '👎']);
    // Anyone in the channel may vote on a public answer.
    const cb = await run.server.interact(
      button({ customId: emojiId(req.body, '👎'), user: user(), message: req.response }),
    );
    expect(cb.status).toBe(204);
    expect(selectOf(cb.body).options.at(-1)?.value).toBe('none');
  });

  it('the message command’s answer carries them too', async () => {
    const cb = await run.server.interact(
      messageContextMenu({ name: 'Ask citebot', targetContent: 'What is nanoGPT?', user: user() }),
    );
    expect(cb.status).toBe(204);
    expect(
      rowsOf(cb.body)
        .at(-1)
        ?.map((c) => c.emoji?.name),
    ).toEqual(['👍', '👎']);
  });
});

describe('a 👎 through discord.js', () => {
  it('opens the menu for the voter; the choice updates it in place with the result', async () => {
    const asker = user();
    const asked = await run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'open-source AI communities' }, user: asker }),
    );
    const voter = user();
    const down = await run.server.interact(button({ customId: emojiId(asked.body, '👎'), user: voter }));
    expect(down.status).toBe(204);
    expect(down.body.data.flags).toBe(64);
    const menu = selectOf(down.body);
    const choice = selectChoice({
      customId: menu.custom_id,
      values: [menu.options[0]?.value ?? ''],
      user: voter,
    });
    const picked = await run.server.interact(choice);
    expect(picked.status).toBe(204);
    expect(picked.body.type).toBe(7);
    expect(picked.body.data.embeds[0].description).toMatch(/Thanks, noted/u);
    expect(run.server.interaction(choice.id)?.original?.components).toEqual([]);
    expect((await fb.store.recentPicks(1))[0]?.byUser).toBe(voter.id);
  });

  it('/feedback is refused to a member who is not a moderator, and shown to one who is', async () => {
    const refused = await run.server.interact(
      slashCommand({ name: 'feedback', subcommand: 'review', user: user() }),
    );
    expect(refused.body.data.embeds[0].description).toMatch(/Only moderators can use \/feedback/u);
    const shown = await run.server.interact(
      slashCommand({ name: 'feedback', subcommand: 'review', user: user(), roles: [MOD_ROLE] }),
    );
    expect(shown.status).toBe(204);
    expect(shown.body.data.embeds[0].title).toMatch(/^Feedback review · page 1 of \d+$/u);
    expect(shown.body.data.allowed_mentions).toEqual({ parse: [] });
  });
});
