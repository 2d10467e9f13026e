/**
 * Public answers: `/ask for:@user` (one allowed mention, only where the asker may send),
 * 🗑 Delete (the asker or a moderator), and a declined question over an empty corpus.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import type { APIMessage, APIUser } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOT_USER,
  button,
  DEFAULT_CHANNEL_ID,
  DEFAULT_PERMISSIONS,
  messageCreate,
  slashCommand,
  user,
} from '../harness/index.js';
import { MANAGE_GUILD, MOD_ROLE, moderatedGuild, OTHER_ROLE, type Running, startBot } from './setup.js';

type Button = { custom_id?: string; label: string; style: number };
type Body = {
  type: number;
  data?: {
    content?: string;
    flags?: number;
    embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
    components?: { components: Button[] }[];
    allowed_mentions?: unknown;
  };
};

const buttons = (b: { components?: { components: Button[] }[] } | undefined) =>
  (b?.components ?? []).flatMap((r) => r.components);

let run: Running;
const OWNER = user();

beforeAll(async () => {
  run = await startBot(
    { MODERATOR_ROLE_IDS: MOD_ROLE, OWNER_IDS: OWNER.id },
    { server: { guilds: [moderatedGuild()] } },
  );
});
afterAll(async () => {
  await run?.stop();
});

/** /ask with a `for` user option (a USER option arrives as an id, with the user in `resolved`). */
function askFor(
  question: string,
  target: APIUser,
  extra: Parameters<typeof slashCommand>[0] | object = {},
  more: { name: string; type: number; value: string | boolean }[] = [],
) {
  return slashCommand({
    name: 'ask',
    user: user(),
    options: [
      { name: 'question', type: 3, value: question },
      { name: 'for', type: 6, value: target.id },
      ...more,
    ] as never,
    resolved: { users: { [target.id]: target } },
    ...extra,
  });
}

/** An answer posted for someone, as the fake Discord stored it (the message a 🗑 click comes from). */
async function postedFor(asker: APIUser) {
  const target = user();
  const payload = askFor('What is nanoGPT?', target, { user: asker });
  const body = (await run.server.interact(payload)).body as Body;
  const message = run.server.interaction(payload.id)?.original as APIMessage;
  expect(message).toBeTruthy();
  return { payload, body, message, target };
}

function deleteId(body: Body): string {
  const id = buttons(body.data).find((b) => b.label === 'Delete')?.custom_id;
  if (!id) throw new Error('no Delete button');
  return id;
}

describe('/ask for:', () => {
  it('posts the answer publicly for that user, allowing exactly that one mention', async () => {
    const asker = user();
    const { body, target } = await postedFor(asker);
    expect(body.type).toBe(4);
    expect(body.data?.flags ?? 0).toBe(0);
    expect(body.data?.content?.startsWith(`For <@${target.id}>:\n**Q:** What is nanoGPT?`)).toBe(true);
    expect(body.data?.allowed_mentions).toEqual({ users: [target.id] });
    expect(body.data?.embeds?.[0]?.description).toContain('**nanoGPT**');
    expect(buttons(body.data).map((b) => b.label)).toContain('Delete');
    expect(run.bot.signer.decode(deleteId(body))).toEqual({ action: 'delete', answerId: asker.id, arg: 0 });
  });

  it('keeps the mention and 🗑 when the asker pages with "More results"', async () => {
    const asker = user();
    const target = user();
    const payload = askFor('open-source AI communities', target, { user: asker });
    const body = (await run.server.interact(payload)).body as Body;
    const more = buttons(body.data).find((b) => b.label === 'More results')?.custom_id;
    expect(more).toBeTruthy();
    const next = (await run.server.interact(button({ customId: more as string, user: asker }))).body as Body;
    expect(next.type).toBe(7);
    expect(next.data?.content?.startsWith(`For <@${target.id}>:`)).toBe(true);
    expect(next.data?.allowed_mentions).toEqual({ users: [target.id] });
    expect(buttons(next.data).map((b) => b.label)).toContain('Delete');
  });

  it('is refused in a DM, with an ephemeral note and no answer', async () => {
    const payload = askFor('What is nanoGPT?', user(), { dm: true });
    const body = (await run.server.interact(payload)).body as Body;
    expect(body.data?.flags).toBe(64);
    expect(body.data?.embeds?.[0]?.description).toMatch(/works only in a server channel/u);
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    expect(body.data?.content).toBeUndefined();
  });

  it('is refused to someone who may not send messages (or see the channel) there', async () => {
    for (const permissions of [
      DEFAULT_PERMISSIONS & ~PermissionFlagsBits.SendMessages,
      DEFAULT_PERMISSIONS & ~PermissionFlagsBits.ViewChannel,
    ]) {
      const payload = askFor('What is nanoGPT?', user(), { permissions });
      const body = (await run.server.interact(payload)).body as Body;
      expect(body.data?.flags).toBe(64);
      expect(body.data?.embeds?.[0]?.description).toMatch(/cannot send messages in this channel/u);
      expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    }
  });

  it('is refused for a bot, and together with private:true', async () => {
    const bot = (await run.server.interact(askFor('What is nanoGPT?', BOT_USER))).body as Body;
    expect(bot.data?.flags).toBe(64);
    expect(bot.data?.embeds?.[0]?.description).toMatch(/people only, not to bots/u);
    const priv = (
      await run.server.interact(
        askFor('What is nanoGPT?', user(), {}, [{ name: 'private', type: 5, value: true }]),
      )
    ).body as Body;
    expect(priv.data?.flags).toBe(64);
    expect(priv.data?.embeds?.[0]?.description).toMatch(/cannot also be private/u);
  });

  it('may address the asker themself', async () => {
    const asker = user();
    const body = (await run.server.interact(askFor('What is nanoGPT?', asker, { user: asker }))).body as Body;
    expect(body.data?.flags ?? 0).toBe(0);
    expect(body.data?.allowed_mentions).toEqual({ users: [asker.id] });
  });
});

describe('🗑 Delete', () => {
  async function clickDelete(message: APIMessage, body: Body, who: APIUser, extra: object = {}) {
    const click = button({ customId: deleteId(body), user: who, message, ...extra });
    const cb = (await run.server.interact(click)).body as Body;
    return { click, cb };
  }

  function deletes(token: string) {
    return run.server.findRequests((r) => r.method === 'DELETE' && r.route.includes(`/${token}/messages/`));
  }

  it('deletes the answer for the person who asked', async () => {
    const asker = user();
    const { body, message } = await postedFor(asker);
    expect(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.has(message.id)).toBe(true);
    const { click, cb } = await clickDelete(message, body, asker);
    expect(cb.type).toBe(6);
    await run.server.waitForRequest(
      (r) =>
        r.method === 'DELETE' &&
        r.route === `/webhooks/${click.application_id}/${click.token}/messages/@original`,
    );
    expect(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.has(message.id)).toBe(false);
  });

  it('refuses anyone else with an ephemeral note, and deletes nothing', async () => {
    const { body, message } = await postedFor(user());
    const { click, cb } = await clickDelete(message, body, user(), { roles: [OTHER_ROLE] });
    expect(cb.type).toBe(4);
    expect(cb.data?.flags).toBe(64);
    expect(cb.data?.embeds?.[0]?.description).toBe(
      'Only the person who asked or a moderator can delete this answer.',
    );
    expect(deletes(click.token)).toHaveLength(0);
    expect(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.has(message.id)).toBe(true);
  });

  it('lets a moderator delete: Manage Server, a moderator role, or an owner', async () => {
    for (const who of [
      { user: user(), permissions: DEFAULT_PERMISSIONS | MANAGE_GUILD },
      { user: user(), roles: [MOD_ROLE] },
      { user: OWNER },
    ]) {
      const { body, message } = await postedFor(user());
      const { click, cb } = await clickDelete(message, body, who.user, who);
      expect(cb.type).toBe(6);
      await run.server.waitForRequest((r) => r.method === 'DELETE' && r.route.includes(`/${click.token}/`));
      expect(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.has(message.id)).toBe(false);
    }
  });

  it('is on every public /ask answer: the asker deletes it, a stranger cannot', async () => {
    const asker = user();
    const payload = slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: asker });
    const body = (await run.server.interact(payload)).body as Body;
    expect(body.data?.flags ?? 0).toBe(0);
    const message = run.server.interaction(payload.id)?.original as APIMessage;
    const refused = await clickDelete(message, body, user(), { roles: [OTHER_ROLE] });
    expect(refused.cb.data?.flags).toBe(64);
    expect(deletes(refused.click.token)).toHaveLength(0);
    const { click, cb } = await clickDelete(message, body, asker);
    expect(cb.type).toBe(6);
    await run.server.waitForRequest((r) => r.method === 'DELETE' && r.route.includes(`/${click.token}/`));
    expect(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.has(message.id)).toBe(false);
  });

  it('is not on a private answer, which its asker can dismiss', async () => {
    const payload = slashCommand({
      name: 'ask',
      options: { question: 'What is nanoGPT?', private: true },
      user: user(),
    });
    const body = (await run.server.interact(payload)).body as Body;
    expect(body.data?.flags).toBe(64);
    expect(buttons(body.data).map((b) => b.label)).not.toContain('Delete');
  });

  it('still works after the answer store forgot the answer (the id carries the asker)', async () => {
    const asker = user();
    const id = run.bot.signer.encode({ action: 'delete', answerId: asker.id, arg: 0 });
    const click = button({ customId: id, user: asker });
    const cb = (await run.server.interact(click)).body as Body;
    expect(cb.type).toBe(6);
    await run.server.waitForRequest((r) => r.method === 'DELETE' && r.route.includes(`/${click.token}/`));
  });

  it('is offered on an answer to a mention in a server, and on "Post to channel"', async () => {
    const author = user();
    const d = messageCreate({ content: 'What is nanoGPT?', author, mentionBot: true });
    run.server.dispatch('MESSAGE_CREATE', d);
    const req = await run.server.waitForRequest(
      (r) => r.method === 'POST' && r.body?.message_reference?.message_id === d.id,
    );
    const del = buttons(req.body).find((b: Button) => b.label === 'Delete');
    expect(run.bot.signer.decode(del?.custom_id ?? '')).toEqual({
      action: 'delete',
      answerId: author.id,
      arg: 0,
    });
    expect(req.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // The reply is an ordinary bot message (no interaction behind it): 🗑 deletes it all the same.
    const reply = [...(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.values() ?? [])].find(
      (m) => m.message_reference?.message_id === d.id,
    );
    expect(reply).toBeTruthy();
    const click = button({ customId: del?.custom_id ?? '', user: author, message: reply as APIMessage });
    expect(((await run.server.interact(click)).body as Body).type).toBe(6);
    await run.server.waitForRequest((r) => r.method === 'DELETE' && r.route.includes(`/${click.token}/`));
    expect(run.server.channelMessages.get(DEFAULT_CHANNEL_ID)?.has(reply?.id ?? '')).toBe(false);

    // A private /ask answer offers no 🗑 (only its asker sees it); a default public one neither.
    const priv = (
      await run.server.interact(
        slashCommand({
          name: 'ask',
          options: { question: 'federated learning', private: true },
          user: author,
        }),
      )
    ).body as Body;
    expect(buttons(priv.data).map((b) => b.label)).not.toContain('Delete');
  });
});

describe('an empty corpus', () => {
  let empty: Running;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'citebot-empty-'));
    empty = await startBot({}, { corpusDir: dir });
  });
  afterAll(async () => {
    await empty?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('declines a question saying there are no articles yet, without an empty list', async () => {
    const cb = await empty.server.interact(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
    );
    const body = cb.body as Body;
    const e = body.data?.embeds?.[0];
    expect(e?.description).toBe('There are no articles yet, so there is nothing to quote.');
    expect(e?.fields ?? []).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/articles are|\/sources/u);
  });
});
