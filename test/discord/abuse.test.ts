/**
 * Abuse: what a user (or a forged payload) can try against the real bot on the fake Discord — moderator
 * commands without the right, dodging the per-user cooldown, bad options, tampered and replayed buttons —
 * and what must never leak: the token, stack traces, file-system paths.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReindexReport } from '../../src/corpus/library.js';
import { ApplicationCommandOptionType } from 'discord.js';
import {
  autocomplete,
  button,
  DEFAULT_PERMISSIONS,
  FAKE_TOKEN,
  FakeDiscord,
  type Json,
  messageContextMenu,
  messageCreate,
  type RecordedRequest,
  slashCommand,
  user,
} from '../harness/index.js';
import { embedChars } from './markdown.js';
import { MANAGE_GUILD, MOD_ROLE, moderatedGuild, OTHER_ROLE, ROOT, type Running, startBot } from './setup.js';

const OWNER = user();

let run: Running;
beforeAll(async () => {
  const withRoles = moderatedGuild();
  run = await startBot(
    { MODERATOR_ROLE_IDS: MOD_ROLE, OWNER_IDS: OWNER.id, COOLDOWN_QUESTIONS: '5' },
    { server: { guilds: [withRoles] } },
  );
});
afterAll(async () => {
  await run.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const description = (body: Json): string =>
  body?.data?.embeds?.[0]?.description ?? body?.embeds?.[0]?.description ?? '';
const buttonIds = (body: Json): Record<string, string> =>
  Object.fromEntries(
    ((body?.data?.components ?? []) as Json[])
      .flatMap((r) => r.components)
      .map((c: Json) => [c.label, c.custom_id]),
  );

/** Expects an ephemeral first response whose text matches. */
function expectEphemeral(cb: RecordedRequest, text: RegExp): void {
  expect(cb.body.type).toBe(4);
  expect(cb.body.data.flags).toBe(64);
  expect(description(cb.body)).toMatch(text);
}

/** Messages anyone but the asker can see, created since request number `from`. */
function publicMessagesSince(from: number): RecordedRequest[] {
  return run.server.requests.slice(from).filter((r) => {
    if (r.method !== 'POST') return false;
    if (r.route.endsWith('/callback')) return r.body?.type === 4 && ((r.body.data?.flags ?? 0) & 64) === 0;
    return (
      (r.route.startsWith('/webhooks/') || r.route.startsWith('/channels/')) &&
      ((r.body?.flags ?? 0) & 64) === 0
    );
  });
}

describe('/reindex', () => {
  it("is refused by the bot's own check, and nothing changes, whatever Discord let through", async () => {
    const lib = run.services.library;
    const before = lib.index;
    let calls = 0;
    const original = lib.reindex.bind(lib);
    lib.reindex = () => {
      calls += 1;
      return original();
    };
    try {
      const cases: [string, object][] = [
        ['member without Manage Server', {}],
        ['role not in MODERATOR_ROLE_IDS', { roles: [OTHER_ROLE] }],
        ['non-owner in a DM', { dm: true }],
        // A server that set the command's permissions to everyone: Discord delivers it; the member has
        // the @everyone permissions (no Manage Server), or none at all.
        ['server opened the command to everyone', { permissions: DEFAULT_PERMISSIONS }],
        ['member with no permissions', { permissions: 0n, roles: [OTHER_ROLE] }],
      ];
      for (const [what, extra] of cases) {
        const cb = await run.server.interact(slashCommand({ name: 'reindex', user: user(), ...extra }));
        expect(cb.body.type, what).toBe(4);
        expectEphemeral(cb, /Only moderators can re-index|only the bot owners/);
      }
      expect(calls).toBe(0);
      expect(lib.index).toBe(before);
      expect(run.logs.filter((l) => l.includes('re-index refused'))).toHaveLength(cases.length);
      // The same member with Manage Server is allowed (the check is not simply "always no").
      const ok = await run.server.interact(
        slashCommand({ name: 'reindex', user: user(), permissions: MANAGE_GUILD }),
      );
      expect(ok.body.type).toBe(5);
      await run.server.waitForRequest((r) => r.method === 'PATCH' && r.route.includes('/messages/@original'));
      expect(calls).toBe(1);
    } finally {
      lib.reindex = original;
    }
  });
});

describe('per-user cooldown', () => {
  it('is one limit across /ask, the context menu, DMs, mentions and buttons', async () => {
    const u = user();
    // 5 questions allowed (COOLDOWN_QUESTIONS=5), each through a different door.
    const ask = await run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'open-source AI communities' }, user: u }),
    );
    expect(ask.body.data.flags ?? 0).toBe(0);
    const more = buttonIds(ask.body)['More results'];
    expect(more).toBeDefined();
    const menu = await run.server.interact(
      messageContextMenu({ name: 'Ask citebot', targetContent: 'what is nanoGPT?', user: u }),
    );
    expect(description(menu.body)).toContain('**nanoGPT**');
    const dm = messageCreate({ dm: true, content: 'What is federated learning?', author: u });
    run.server.dispatch('MESSAGE_CREATE', dm);
    const dmReply = await run.server.waitForRequest((r) => r.body?.message_reference?.message_id === dm.id);
    expect(description(dmReply.body)).toContain('Federated');
    const asked = messageCreate({ content: 'What is nanoGPT?', author: u, mentionBot: true });
    run.server.dispatch('MESSAGE_CREATE', asked);
    const mentionReply = await run.server.waitForRequest(
      (r) => r.body?.message_reference?.message_id === asked.id,
    );
    expect(description(mentionReply.body)).toContain('**nanoGPT**');
    const page2 = await run.server.interact(button({ customId: more as string, user: u }));
    expect(page2.body.type).toBe(7);

    // Now every door is shut for this user...
    const refused = /You're asking quickly: the limit is 5 per 30 s/;
    expectEphemeral(
      await run.server.interact(slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: u })),
      refused,
    );
    expectEphemeral(
      await run.server.interact(
        messageContextMenu({ name: 'Ask citebot', targetContent: 'RISC-V', user: u }),
      ),
      refused,
    );
    expectEphemeral(await run.server.interact(button({ customId: more as string, user: u })), refused);
    expectEphemeral(
      await run.server.interact(
        slashCommand({ name: 'ask', options: { question: 'RISC-V' }, user: u, dm: true }),
      ),
      refused,
    );
    const from = run.server.requests.length;
    const dm2 = messageCreate({ dm: true, content: 'What is RISC-V?', author: u });
    const mention = messageCreate({ content: 'What is RISC-V?', author: u, mentionBot: true });
    run.server.dispatch('MESSAGE_CREATE', dm2);
    run.server.dispatch('MESSAGE_CREATE', mention);
    await sleep(400);
    const replies = run.server.requests
      .slice(from)
      .filter((r) => [dm2.id, mention.id].includes(r.body?.message_reference?.message_id));
    // At most a one-time notice (already given above), never an answer.
    for (const r of replies) expect(description(r.body)).toMatch(refused);
    expect(
      replies.filter((r) => (r.body?.embeds?.length ?? 0) > 0 && !refused.test(description(r.body))),
    ).toEqual([]);

    // ...but not for anyone else, and autocomplete keeps its own limit.
    const other = await run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: user() }),
    );
    expect(description(other.body)).toContain('**nanoGPT**');
    const ac = await run.server.interact(
      autocomplete({ name: 'ask', focused: 'question', value: 'feder', user: u }),
    );
    expect(ac.body.data.choices.length).toBeGreaterThan(0);
  });

  it('autocomplete has its own limit, which does not use up questions', async () => {
    const typist = user();
    const results: number[] = [];
    for (let k = 0; k < 41; k++) {
      const cb = await run.server.interact(
        autocomplete({ name: 'ask', focused: 'question', value: 'open', user: typist }),
      );
      expect(cb.body.type).toBe(8);
      results.push(cb.body.data.choices.length);
    }
    expect(results.slice(0, 40).every((n) => n > 0)).toBe(true);
    expect(results[40]).toBe(0);
    const cb = await run.server.interact(
      slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: typist }),
    );
    expect(description(cb.body)).toContain('**nanoGPT**');
  });
});

describe('bad input', () => {
  it('unknown commands and options, missing, mistyped, over-long and out-of-range options: a clear ephemeral message, nothing changes', async () => {
    const S = ApplicationCommandOptionType.String;
    const cases: [string, Parameters<typeof slashCommand>[0], RegExp][] = [
      ['unknown command', { name: 'rm-rf' }, /Unknown command \/rm-rf\. Try \/help/],
      [
        'unknown option',
        { name: 'ask', options: { question: 'nanoGPT', verbose: true } },
        /\/ask has no option "verbose"/,
      ],
      [
        'unknown /sources option',
        { name: 'sources', options: { path: '/etc' } },
        /\/sources has no option "path"/,
      ],
      ['missing question', { name: 'ask' }, /\/ask needs the "question" option/],
      [
        'results as text',
        {
          name: 'ask',
          options: [
            { name: 'question', type: S, value: 'nanoGPT' },
            { name: 'results', type: S, value: '3' },
          ],
        },
        /"results" must be a whole number/,
      ],
      ['question as a number', { name: 'ask', options: { question: 42 } }, /"question" must be text/],
      [
        'question twice',
        {
          name: 'ask',
          options: [
            { name: 'question', type: S, value: 'a' },
            { name: 'question', type: S, value: 'b' },
          ],
        },
        /given twice/,
      ],
      [
        'question over 1000',
        { name: 'ask', options: { question: 'nanoGPT '.repeat(130) } },
        /1040 characters long; the limit is 1000/,
      ],
      [
        'results 0',
        { name: 'ask', options: { question: 'nanoGPT', results: 0 } },
        /results must be from 1 to 5; got 0/,
      ],
      [
        'results 9',
        { name: 'ask', options: { question: 'nanoGPT', results: 9 } },
        /results must be from 1 to 5; got 9/,
      ],
      [
        'path as article',
        { name: 'ask', options: { question: 'nanoGPT', article: '../../etc/passwd' } },
        /No article matches "\.\.\/\.\.\/etc\/passwd"/,
      ],
      [
        'absolute path to /sources',
        { name: 'sources', options: { article: '/etc/passwd' } },
        /No article matches/,
      ],
      [
        'over-long article',
        { name: 'ask', options: { question: 'nanoGPT', article: 'a'.repeat(300) } },
        /the limit is 200/,
      ],
      ['blank question', { name: 'ask', options: { question: '   ' } }, /question is empty/],
    ];
    const storeBefore = run.bot.store.size;
    const from = run.server.requests.length;
    for (const [what, opts, text] of cases) {
      const cb = await run.server.interact(slashCommand({ user: user(), ...opts }));
      expect(cb.body.type, what).toBe(4);
      expect(cb.body.data.flags, what).toBe(64);
      expect(description(cb.body), what).toMatch(text);
    }
    const menu = await run.server.interact(messageContextMenu({ name: 'Delete everything', user: user() }));
    expectEphemeral(menu, /Unknown command Delete everything/);
    // No answer computed, stored or shown to anyone.
    expect(run.bot.store.size).toBe(storeBefore);
    expect(publicMessagesSince(from)).toEqual([]);
  });
});

describe('buttons', () => {
  async function privateAnswer(asker = user()) {
    const cb = await run.server.interact(
      slashCommand({
        name: 'ask',
        options: { question: 'open-source AI communities', private: true },
        user: asker,
      }),
    );
    return { asker, ids: buttonIds(cb.body) };
  }
  const posts = (from: number) =>
    run.server.requests
      .slice(from)
      .filter((r) => r.method === 'POST' && r.route.startsWith('/webhooks/') && !(r.body?.flags & 64));

  it("tampered, foreign and other people's custom ids get an ephemeral note and change nothing", async () => {
    const { asker, ids } = await privateAnswer();
    const more = ids['More results'] as string;
    const from = run.server.requests.length;
    const tampered = `${more.slice(0, -2)}${more.endsWith('xx') ? 'yy' : 'xx'}`;
    const retargeted = more.replace(/^a1\.m\./u, 'a1.p.');
    const cases: [string, string, RegExp][] = [
      ['tampered signature', tampered, /not valid/],
      ['action changed', retargeted, /not valid/],
      ['another bot', 'ticket:close:42', /not valid/],
      ['old format', 'more_results_2', /not valid/],
      ['too long', 'a1.m.'.padEnd(100, 'x'), /not valid/],
      ['forged but unsigned', 'a1.p.abcdefghij.0.AAAAAAAAAAAAAAAAAAAAAA', /not valid/],
      [
        'unknown answer (signed)',
        run.bot.signer.encode({ action: 'post', answerId: 'gone', arg: 0 }),
        /expired/,
      ],
    ];
    for (const [what, customId, text] of cases) {
      const cb = await run.server.interact(button({ customId, user: asker }));
      expect(cb.body.type, what).toBe(4);
      expect(cb.body.data.flags, what).toBe(64);
      expect(description(cb.body), what).toMatch(text);
    }
    expectEphemeral(
      await run.server.interact(button({ customId: ids['Post to channel'] as string, user: user() })),
      /belong to the person who asked/,
    );
    const outOfRange = run.bot.signer.encode({
      action: 'full',
      answerId: more.split('.')[2] as string,
      arg: 99,
    });
    expectEphemeral(
      await run.server.interact(button({ customId: outOfRange, user: asker })),
      /not part of this answer/,
    );
    expect(publicMessagesSince(from)).toEqual([]);
  });

  it('a replayed "More results" just shows the page again; a replayed or double "Post to channel" posts once', async () => {
    const { asker, ids } = await privateAnswer();
    const more = ids['More results'] as string;
    for (let k = 0; k < 2; k++) {
      const cb = await run.server.interact(button({ customId: more, user: asker }));
      expect(cb.body.type).toBe(7);
      expect(cb.body.data.content).toContain('Results 4–6');
    }
    const post = ids['Post to channel'] as string;
    let from = run.server.requests.length;
    expect((await run.server.interact(button({ customId: post, user: asker }))).body.type).toBe(6);
    await run.server.waitForRequest(
      (r) => r.index >= from && r.method === 'POST' && r.route.startsWith('/webhooks/'),
    );
    const replay = await run.server.interact(button({ customId: post, user: asker }));
    expectEphemeral(replay, /already been posted/);
    await sleep(200);
    expect(posts(from)).toHaveLength(1);

    // Two clicks at the same moment (a double click, or a replayed payload racing the original).
    const second = await privateAnswer();
    const twice = second.ids['Post to channel'] as string;
    from = run.server.requests.length;
    const a = button({ customId: twice, user: second.asker });
    const b = button({ customId: twice, user: second.asker });
    const [ca, cbb] = await Promise.all([run.server.interact(a), run.server.interact(b)]);
    expect([ca.body.type, cbb.body.type].sort()).toEqual([4, 6]);
    expect(description(ca.body.type === 4 ? ca.body : cbb.body)).toMatch(/already been posted/);
    await sleep(300);
    expect(posts(from)).toHaveLength(1);
  });
});

describe('secrets and internals', () => {
  it('the token never appears in a log line or in anything sent to Discord, even when things fail', async () => {
    const from = run.server.requests.length;
    // A normal session, a handler that throws, REST errors past the retries, a payload discord.js rejects.
    await run.server.interact(slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: user() }));
    const lib = run.services.library;
    Object.defineProperty(lib, 'index', {
      configurable: true,
      get() {
        throw new Error(`index exploded (token ${FAKE_TOKEN.slice(0, 4)}…)`);
      },
    });
    try {
      await run.server.interact(
        slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: user() }),
      );
    } finally {
      delete (lib as unknown as Record<string, unknown>).index;
    }
    const failing = slashCommand({ name: 'help', user: user() });
    run.server.failNext({
      method: 'POST',
      pathPattern: `/interactions/${failing.id}/`,
      status: 500,
      times: 8,
    });
    run.server.dispatch('INTERACTION_CREATE', failing);
    await sleep(500);
    const { entitlements: _e, ...bad } = slashCommand({
      name: 'ask',
      options: { question: 'x' },
      user: user(),
    });
    await run.server.interact(bad);

    // Everything the bot sent, from logging in on (the token belongs only in the Authorization header).
    const secretParts = [
      FAKE_TOKEN,
      ...FAKE_TOKEN.split('.')
        .slice(1)
        .filter((p) => p.length >= 8),
    ];
    expect(run.server.requests.length - from).toBeGreaterThan(10);
    for (const r of run.server.requests) {
      const sent = `${r.path}?${JSON.stringify(r.query)} ${r.rawBody.toString('utf8')}`;
      for (const s of secretParts) expect(sent, `${r.method} ${r.route}`).not.toContain(s);
    }
    expect(run.logs.length).toBeGreaterThan(5);
    for (const line of run.logs) for (const s of secretParts) expect(line).not.toContain(s);
    expect(run.logs.join('\n')).toContain('handler failed');
  });

  it('a token pasted into questions, or found in the corpus, is redacted from every reply', async () => {
    // Underscores and dashes, so its escaped form ("\_") differs from the token itself.
    const token = 'Y2l0ZWJvdC1yZWRhY3Q.Gx_7Yq.s3cr3t_part-that_must-not_leak-0123456789';
    const owner = user();
    // A corpus where an article quotes the token and a skipped file is named with it.
    const corpusDir = mkdtempSync(path.join(tmpdir(), 'citebot-redact-'));
    copyFileSync(
      path.join(ROOT, 'corpus', 'the-rise-of-open-source-ai.txt'),
      path.join(corpusDir, 'the-rise-of-open-source-ai.txt'),
    );
    writeFileSync(
      path.join(corpusDir, 'deploying.txt'),
      `Deploying the bot with ${token}\nWhen deploying the bot, put the token ${token} in the env file and never share it.\n`,
    );
    writeFileSync(path.join(corpusDir, `notes-${token}.txt`), Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
    const bot = await startBot(
      { DISCORD_TOKEN: token, OWNER_IDS: owner.id, COOLDOWN_QUESTIONS: '100' },
      { server: { token }, corpusDir },
    );
    try {
      const s = bot.server;
      // In a question, as it is, lower-cased, next to Markdown link syntax, and where the question's
      // echo is cut (300 characters).
      const asked = await s.interact(
        slashCommand({
          name: 'ask',
          options: { question: `Is ${token} safe? What is nanoGPT?` },
          user: user(),
        }),
      );
      expect(asked.body.data.content).toContain('Is \\[redacted\\] safe?');
      const lower = await s.interact(
        slashCommand({ name: 'ask', options: { question: `what is ${token.toLowerCase()}` }, user: user() }),
      );
      expect(lower.body.data.content).toContain('\\[redacted\\]');
      const link = await s.interact(
        slashCommand({
          name: 'ask',
          options: { question: `${token}(https://example.com) nanoGPT` },
          user: user(),
        }),
      );
      expect(link.body.data.content).toContain('\\[redacted\\](https://example.com)');
      const long = `${'word '.repeat(58)}${token} nanoGPT`;
      await s.interact(
        slashCommand({ name: 'ask', options: { question: long, private: true }, user: user() }),
      );
      // Other doors: the context menu, a DM, a mention, autocomplete, /sources.
      const menu = await s.interact(
        messageContextMenu({ name: 'Ask citebot', targetContent: `my token is ${token}`, user: user() }),
      );
      expect(menu.body.data.content).toContain('**Q:** my token is \\[redacted\\]');
      const dm = messageCreate({ dm: true, content: `${token} what is nanoGPT?`, author: user() });
      s.dispatch('MESSAGE_CREATE', dm);
      const dmReply = await s.waitForRequest((r) => r.body?.message_reference?.message_id === dm.id);
      expect(dmReply.body.content).toContain('\\[redacted\\]');
      const mentioned = messageCreate({ content: `nanoGPT ${token}`, author: user(), mentionBot: true });
      s.dispatch('MESSAGE_CREATE', mentioned);
      await s.waitForRequest((r) => r.body?.message_reference?.message_id === mentioned.id);
      const ac = await s.interact(
        autocomplete({ name: 'ask', focused: 'question', value: token, user: user() }),
      );
      expect(ac.body.data.choices[0]).toEqual({ name: '[redacted]', value: '[redacted]' });
      await s.interact(slashCommand({ name: 'sources', options: { article: token }, user: user() }));
      // Not typed by anyone: an article quoting the token, its title, a skipped file's name.
      const quoted = await s.interact(
        slashCommand({ name: 'ask', options: { question: 'deploying the bot env file' }, user: user() }),
      );
      const card = quoted.body.data.embeds[0];
      expect(card.title).toContain('Deploying the bot with [redacted]');
      expect(card.description).toContain('the token \\[redacted\\] in the');
      const listed = await s.interact(slashCommand({ name: 'sources', user: user() }));
      expect(JSON.stringify(listed.body)).toContain('[redacted]');
      const mod = slashCommand({ name: 'reindex', user: owner });
      await s.interact(mod);
      const report = await s.waitForRequest(
        (r) => r.method === 'PATCH' && r.route.includes(`/${mod.token}/`),
      );
      expect(JSON.stringify(report.body.embeds)).toMatch(/notes-\\\\\[redacted\\\\\]\.txt/);

      // Nothing the bot sent holds the token or any 12 characters of it, escaped or not, in any case.
      const sent = s.requests.filter((r) => r.method !== 'GET');
      expect(sent.length).toBeGreaterThan(12);
      const secret = token.toLowerCase();
      const windows = Array.from({ length: secret.length - 11 }, (_, k) => secret.slice(k, k + 12));
      for (const r of sent) {
        const text = `${r.path}?${JSON.stringify(r.query)} ${r.rawBody.toString('utf8')}`
          .replace(/[\\\u200b-\u200d\u2060\ufeff\u00ad]/gu, '')
          .toLowerCase();
        for (const w of windows) expect(text, `${r.method} ${r.route}`).not.toContain(w);
        // Redacting kept every reply within Discord's limits.
        const msg = r.body?.data ?? r.body;
        expect((msg?.content ?? '').length).toBeLessThanOrEqual(2000);
        for (const e of msg?.embeds ?? []) expect(embedChars(e)).toBeLessThanOrEqual(6000);
      }
    } finally {
      await bot.stop();
    }
  });

  it('users never see stack traces or file-system paths, whatever fails', async () => {
    const from = run.server.requests.length;
    const lib = run.services.library;
    const boom = () => {
      const err = new Error(
        `ENOENT: no such file or directory, open '${path.join(ROOT, 'corpus', 'secret.txt')}'`,
      );
      throw err;
    };
    Object.defineProperty(lib, 'index', { configurable: true, get: boom });
    try {
      await run.server.interact(
        slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: user() }),
      );
      await run.server.interact(slashCommand({ name: 'sources', options: { article: 'why' }, user: user() }));
      await run.server.interact(
        messageContextMenu({ name: 'Ask citebot', targetContent: 'nanoGPT', user: user() }),
      );
      const ac = await run.server.interact(
        autocomplete({ name: 'ask', focused: 'article', value: 'x', user: user() }),
      );
      expect(ac.body.data.choices).toEqual([]);
      const dm = messageCreate({ dm: true, content: 'What is nanoGPT?', author: user() });
      run.server.dispatch('MESSAGE_CREATE', dm);
      await run.server.waitForRequest((r) => r.body?.message_reference?.message_id === dm.id);
    } finally {
      delete (lib as unknown as Record<string, unknown>).index;
    }
    // A re-index that fails with a path in its error and in a skipped file's reason.
    const original = lib.reindex.bind(lib);
    lib.reindex = async (): Promise<ReindexReport> => ({
      ok: false,
      files: 0,
      passages: 0,
      articles: 0,
      added: [],
      changed: [],
      removed: [],
      skipped: [],
      ms: 1,
      error: `EACCES: permission denied, scandir '${path.join(ROOT, 'corpus')}'`,
    });
    try {
      const mod = slashCommand({ name: 'reindex', user: user(), permissions: MANAGE_GUILD });
      await run.server.interact(mod);
      const edit = await run.server.waitForRequest(
        (r) => r.method === 'PATCH' && r.route.includes(`/${mod.token}/`),
      );
      expect(edit.body.embeds[0].title).toBe('Re-index failed');
      expect(edit.body.embeds[0].description).toContain("scandir 'corpus'");
    } finally {
      lib.reindex = original;
    }
    const sent = run.server.requests.slice(from).filter((r) => r.method !== 'GET');
    expect(sent.length).toBeGreaterThanOrEqual(6);
    const errorNotes = sent.filter((r) => /Error id: [0-9a-f]{8}/.test(description(r.body)));
    expect(errorNotes.length).toBeGreaterThanOrEqual(4);
    for (const r of sent) {
      const text = r.rawBody.toString('utf8');
      expect(text).not.toContain(ROOT);
      expect(text).not.toMatch(/node_modules|\.ts:\d+|\.js:\d+|\n\s*at |\\n\s*at |ENOENT|secret\.txt/);
    }
  });

  it('.env is git-ignored and not tracked', () => {
    expect(() => execFileSync('git', ['check-ignore', '-q', '.env'], { cwd: ROOT })).not.toThrow();
    expect(execFileSync('git', ['ls-files', '--', '.env'], { cwd: ROOT, encoding: 'utf8' }).trim()).toBe('');
  });
});

describe('npm start with a token', () => {
  let server: FakeDiscord | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child = undefined;
    await server?.close();
    server = undefined;
  });

  it('never prints the token, through a session with errors and a shutdown', async () => {
    const token = 'Q2l0ZWJvdFRva2VuVGVzdA.Gx7Yq2.s3cr3t-part-that-must-not-leak_0123456789';
    server = await FakeDiscord.start({ token, heartbeatIntervalMs: 250 });
    const proc = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        DISCORD_TOKEN: token,
        DISCORD_API_BASE: server.apiBase,
        LOG_LEVEL: 'debug',
        CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'citebot-abuse-cache-')),
        SEMANTIC: 'off',
      },
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const closed = new Promise<void>((r) => proc.on('close', () => r()));
    await server.waitForIdentify(20_000);
    const started = Date.now();
    while (!output.includes('connected to Discord')) {
      if (Date.now() - started > 20_000) throw new Error(`bot never became ready:\n${output}`);
      await sleep(20);
    }
    const cb = await server.interact(
      slashCommand({ name: 'ask', options: { question: 'What is nanoGPT?' }, user: user() }),
    );
    expect(description(cb.body)).toContain('**nanoGPT**');
    // Errors the bot logs with details: REST failures past the retries, a payload discord.js rejects.
    const failing = slashCommand({ name: 'help', user: user() });
    server.failNext({ method: 'POST', pathPattern: `/interactions/${failing.id}/`, status: 500, times: 8 });
    server.dispatch('INTERACTION_CREATE', failing);
    const { entitlements: _e, ...bad } = slashCommand({
      name: 'ask',
      options: { question: 'x' },
      user: user(),
    });
    await server.interact(bad);
    await sleep(500);
    process.kill(-(proc.pid as number), 'SIGTERM');
    await closed;
    expect(output).toContain('shutting down');
    expect(output).toContain('could not handle a gateway event');
    expect(output).toMatch(/handler failed|could not report/);
    for (const part of [
      token,
      ...token
        .split('.')
        .slice(1)
        .filter((p) => p.length >= 6),
    ]) {
      expect(output).not.toContain(part);
    }
  }, 40_000);
});
