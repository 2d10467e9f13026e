/**
 * A restart keeps what people said: through the real discord.js against the fake Discord, a vote
 * and a moderator's pick made on one bot are there for a second bot started on the same data
 * folder (the store is SQLite on disk): the old answer's 👍 still counts each person once, the
 * pick still answers a reworded question, and /feedback review lists both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signerFromConfig } from '../../src/discord/custom-id.js';
import { button, FAKE_TOKEN, type Json, slashCommand, user } from '../harness/index.js';
import {
  addFeedback,
  answeringPassage,
  emojiId,
  optionFor,
  selectChoice,
  selectOf,
  TAUGHT,
  type WithFeedback,
} from '../interactions/feedback-setup.js';
import { MOD_ROLE, moderatedGuild, type Running, startBot } from './setup.js';

const { question: QUESTION, reworded: REWORDED } = TAUGHT;

let dataDir: string | undefined;
const running: { run: Running; fb: WithFeedback }[] = [];

async function start(dir: string): Promise<{ run: Running; fb: WithFeedback }> {
  // Button ids signed as a real start signs them (a key derived from the token), so they outlive it.
  const run = await startBot(
    { MODERATOR_ROLE_IDS: MOD_ROLE },
    { server: { guilds: [moderatedGuild()] }, bot: { signer: signerFromConfig({ token: FAKE_TOKEN }) } },
  );
  const fb = await addFeedback(run.services, dir);
  running.push({ run, fb });
  return { run, fb };
}

async function stop(r: { run: Running; fb: WithFeedback }): Promise<void> {
  await r.run.stop();
  await r.fb.close();
  running.splice(running.indexOf(r), 1);
}

afterAll(async () => {
  for (const r of [...running]) await stop(r);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const footer = (body: Json): string => body.data?.embeds?.[0]?.footer?.text ?? '';

describe('a restart', () => {
  it('keeps the votes and the picks', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'citebot-restart-'));
    const first = await start(dataDir);
    const asker = user();
    const asked = await first.run.server.interact(
      slashCommand({ name: 'ask', options: { question: QUESTION }, user: asker }),
    );
    const fan = user();
    const up = await first.run.server.interact(button({ customId: emojiId(asked.body, '👍'), user: fan }));
    expect(up.body.data.embeds[0].description).toMatch(/👍 1 · 👎 0/u);
    const moderator = { user: user(), roles: [MOD_ROLE] };
    const down = await first.run.server.interact(
      button({ customId: emojiId(asked.body, '👎'), ...moderator }),
    );
    const menu = selectOf(down.body);
    const passage = answeringPassage(first.run.services.library.index);
    const option = optionFor(menu, passage);
    const picked = await first.run.server.interact(
      selectChoice({ customId: menu.custom_id, values: [option.value], ...moderator }),
    );
    expect(picked.body.data.embeds[0].description).toMatch(/^Taught: /u);
    const { origin } = passage;
    const target = `${origin.file} lines ${origin.lines[0]}–${origin.lines[1]}`;
    await stop(first);

    const second = await start(dataDir);
    // The old answer's buttons still work; each person's vote still counts once.
    const again = await second.run.server.interact(
      button({ customId: emojiId(asked.body, '👍'), user: fan }),
    );
    expect(again.body.data.embeds[0].description).toMatch(/👍 1 · 👎 1/u);
    const other = await second.run.server.interact(
      button({ customId: emojiId(asked.body, '👍'), user: user() }),
    );
    expect(other.body.data.embeds[0].description).toMatch(/👍 2 · 👎 1/u);
    // The pick still teaches.
    const reworded = await second.run.server.interact(
      slashCommand({ name: 'ask', options: { question: REWORDED }, user: user() }),
    );
    expect(footer(reworded.body)).toContain(target);
    // And the review lists it.
    const review = await second.run.server.interact(
      slashCommand({ name: 'feedback', subcommand: 'review', ...moderator }),
    );
    expect(JSON.stringify(review.body.data.embeds)).toContain(QUESTION);
  });
});
