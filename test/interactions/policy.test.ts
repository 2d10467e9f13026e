/**
 * The handler's policies, on raw payloads with a recording Responder: the per-user cooldown, who may
 * re-index or delete (from the raw `member.permissions` bitfield and `member.roles`), and bad input.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { createHandler } from '../../src/interactions/handler.js';
import {
  autocomplete,
  button,
  DEFAULT_PERMISSIONS,
  messageContextMenu,
  slashCommand,
  user,
} from '../harness/index.js';
import { RecordingResponder } from './recorder.js';
import { buttonId, described, type Handling, labels, makeHandler } from './setup.js';

const MOD_ROLE = '123456789012345678';
const OTHER_ROLE = '999999999999999999';
const OWNER = user();

let h: Handling;
beforeAll(async () => {
  h = await makeHandler({ COOLDOWN_QUESTIONS: '3', MODERATOR_ROLE_IDS: MOD_ROLE, OWNER_IDS: OWNER.id });
});

const ask = (question: string, extra: object = {}) =>
  slashCommand({ name: 'ask', options: { question }, user: user(), ...extra });

describe('the per-user cooldown', () => {
  it('is one allowance across /ask, the message command and buttons; autocomplete does not use it', async () => {
    const u = user();
    const first = (await h.send(ask('open-source AI communities', { user: u }))).only();
    expect(first.type).toBe(4);
    expect(first.data?.flags ?? 0).toBe(0);
    for (let k = 0; k < 5; k++) {
      expect(
        (await h.send(autocomplete({ name: 'ask', focused: 'question', value: 'open', user: u }))).only()
          .type,
      ).toBe(8);
    }
    const more = (await h.send(button({ customId: buttonId(first, 'More results'), user: u }))).only();
    expect(more.type).toBe(7);
    const menu = (
      await h.send(messageContextMenu({ name: 'Ask citebot', targetContent: 'What is nanoGPT?', user: u }))
    ).only();
    expect(described(menu)).toContain('**nanoGPT**');
    // The allowance (3) is used up: the fourth question of any kind is refused, ephemerally.
    const refused = (await h.send(ask('What is nanoGPT?', { user: u }))).only();
    expect(refused.type).toBe(4);
    expect(refused.data?.flags).toBe(64);
    expect(described(refused)).toMatch(/limit is 3 per 30 s\. Try again in \d+ s\./);
    // An interaction is always answered, also when told twice in one window.
    expect(described((await h.send(ask('What is nanoGPT?', { user: u }))).only())).toMatch(/asking quickly/);
    // Someone else is not affected.
    expect(described((await h.send(ask('What is nanoGPT?'))).only())).toContain('**nanoGPT**');
  });
});

describe('moderators, from the raw member', () => {
  const reindex = (extra: object) => slashCommand({ name: 'reindex', user: user(), ...extra });

  it('re-index with Manage Server, with Administrator, with a moderator role, or as an owner in a DM', async () => {
    for (const extra of [
      { permissions: PermissionFlagsBits.ManageGuild },
      { permissions: PermissionFlagsBits.Administrator },
      { roles: [MOD_ROLE] },
      { user: OWNER, dm: true },
    ]) {
      const r = await h.send(reindex(extra));
      expect(r.only()).toEqual({ type: 5, data: { flags: 64 } });
      const edit = r.calls.find((c) => c.kind === 'edit');
      expect(edit?.kind === 'edit' && edit.body.embeds?.[0]?.title).toBe('Re-indexed');
      expect(edit?.kind === 'edit' && 'flags' in edit.body).toBe(false);
    }
  });

  it('refuse everyone else, changing nothing: other roles, no permission, a non-owner in a DM, a malformed bitfield', async () => {
    const before = h.services.library.index;
    for (const extra of [
      {},
      { roles: [OTHER_ROLE] },
      { permissions: 0n },
      { dm: true },
      { permissions: 'lots' },
    ]) {
      const r = (await h.send(reindex(extra))).only();
      expect(r.type).toBe(4);
      expect(r.data?.flags).toBe(64);
      expect(described(r)).toMatch(/Only moderators|only the bot owners/);
    }
    expect(h.services.library.index).toBe(before);
  });

  it("may delete anyone's public answer; a stranger may not, and the asker may", async () => {
    const asker = user();
    const answered = (await h.send(ask('What is nanoGPT?', { user: asker }))).only();
    const del = buttonId(answered, 'Delete');
    const stranger = await h.send(button({ customId: del, user: user() }));
    expect(described(stranger.only())).toMatch(/Only the person who asked or a moderator/);
    expect(stranger.calls.map((c) => c.kind)).toEqual(['respond']);
    for (const who of [
      { roles: [MOD_ROLE] },
      { permissions: PermissionFlagsBits.ManageGuild },
      { user: OWNER },
      { user: asker },
    ]) {
      const r = await h.send(button({ customId: del, user: user(), ...who }));
      expect(r.only()).toEqual({ type: 6 });
      expect(r.calls.map((c) => c.kind)).toEqual(['respond', 'delete']);
    }
  });

  it('/ask for: needs View Channel and Send Messages there (Send Messages in Threads in a thread)', async () => {
    const target = user();
    const forTarget = (permissions: bigint, thread = false) => {
      const p = slashCommand({
        name: 'ask',
        options: [
          { name: 'question', type: 3, value: 'What is nanoGPT?' },
          { name: 'for', type: 6, value: target.id },
        ],
        resolved: { users: { [target.id]: target } },
        user: user(),
        permissions,
      });
      if (thread) (p.channel as { type: number }).type = 11;
      return p;
    };
    const noSend = DEFAULT_PERMISSIONS & ~PermissionFlagsBits.SendMessages;
    expect(described((await h.send(forTarget(noSend))).only())).toMatch(
      /cannot send messages in this channel/,
    );
    const inThread = (await h.send(forTarget(noSend, true))).only();
    expect(inThread.data?.allowed_mentions).toEqual({ users: [target.id] });
    expect(inThread.data?.content).toContain(`For <@${target.id}>:`);
    const noThreads = DEFAULT_PERMISSIONS & ~PermissionFlagsBits.SendMessagesInThreads;
    expect(described((await h.send(forTarget(noThreads, true))).only())).toMatch(/cannot send messages/);
    const noView = DEFAULT_PERMISSIONS & ~PermissionFlagsBits.ViewChannel;
    expect(described((await h.send(forTarget(noView))).only())).toMatch(/cannot send messages/);
    expect(labels((await h.send(forTarget(DEFAULT_PERMISSIONS))).only())).toContain('Delete');
  });
});

describe('bad input', () => {
  it('unknown, duplicate, missing, mistyped, over-long and out-of-range options: one ephemeral note each', async () => {
    const cases: [Parameters<typeof slashCommand>[0], RegExp][] = [
      [{ name: 'ask', options: { question: 'x', colour: 'red' } }, /has no option "colour"/],
      [
        {
          name: 'ask',
          options: [
            { name: 'question', type: 3, value: 'a' },
            { name: 'question', type: 3, value: 'b' },
          ],
        },
        /given twice/,
      ],
      [{ name: 'ask', options: {} }, /needs the "question" option/],
      [{ name: 'ask', options: { question: 'x', results: 'three' } }, /must be a whole number/],
      [{ name: 'ask', options: { question: 'x', results: 9 } }, /results must be from 1 to 5; got 9/],
      [{ name: 'ask', options: { question: 'x'.repeat(1001) } }, /1001 characters long; the limit is 1000/],
      [{ name: 'ask', options: { question: 'x', private: 'yes' } }, /must be true or false/],
      [{ name: 'read', options: { article: 'why', section: 'x', page: 0 } }, /page must be from 1/],
      [{ name: 'frobnicate' }, /Unknown command \/frobnicate/],
      [{ name: 'ask', options: { question: 'nanoGPT', article: '../../etc/passwd' } }, /No article matches/],
      [{ name: 'ask', options: { question: '   ' } }, /question is empty/],
    ];
    for (const [payload, message] of cases) {
      const r = await h.send(slashCommand({ user: user(), ...payload }));
      const body = r.only();
      expect(body.type, JSON.stringify(payload)).toBe(4);
      expect(body.data?.flags).toBe(64);
      expect(described(body)).toMatch(message);
      expect(r.calls).toHaveLength(1);
    }
  });

  it('a kind of interaction it does not handle (a modal, a user select menu, a user command) gets a note', async () => {
    const base = slashCommand({ name: 'help', user: user() });
    const modal = { ...base, type: 5, data: { custom_id: 'x', components: [] } };
    // String selects are the feedback menus' (test/interactions/feedback.test.ts); a user select is nobody's.
    const select = { ...button({ customId: 'x', user: user() }) };
    (select.data as { component_type: number }).component_type = 5;
    const userCommand = { ...base, data: { ...base.data, type: 2, name: 'Profile' } };
    for (const raw of [modal, select, userCommand]) {
      const r = (await h.send(raw as never)).only();
      expect(r.type).toBe(4);
      expect(described(r)).toMatch(/does not know that kind of interaction/);
    }
  });

  it('answers PING with PONG (also a handler made from the plain deps)', async () => {
    const ping = { id: '1', application_id: '2', token: 't', type: 1, version: 1 } as never;
    expect((await h.send(ping)).only()).toEqual({ type: 1 });
    const plain = createHandler({ config: h.rt.config, services: h.services, signer: new CustomIdSigner() });
    const r = new RecordingResponder('1');
    await plain(ping, r, { receivedAt: Date.now(), transport: 'http' });
    expect(r.only()).toEqual({ type: 1 });
  });
});

describe('a question asked of one article that another answers', () => {
  it('is declined with the article that answers it named, and no quote from elsewhere', async () => {
    const body = (
      await h.send(
        ask('What is nanoGPT?', { options: { question: 'What is nanoGPT?', article: 'why open' } }),
      )
    ).only();
    const text = described(body);
    expect(text).toContain(
      "“Why Open Source AI Is Thriving” doesn't answer that; “The Rise of Open-Source AI: A Brief Overview” does.",
    );
    expect(text).not.toContain('**nanoGPT**');
    // Asked of the whole corpus, the same question is answered.
    expect(described((await h.send(ask('What is nanoGPT?'))).only())).toContain('**nanoGPT**');
  });
});
