import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/discord/limits.js';
import {
  autocomplete,
  BOT_USER,
  button,
  FAKE_TOKEN,
  messageContextMenu,
  messageCreate,
  slashCommand,
  user,
} from '../harness/index.js';
import { MANAGE_GUILD, MOD_ROLE, moderatedGuild, OTHER_ROLE, type Running, startBot } from './setup.js';

let run: Running;
const OWNER = user();

beforeAll(async () => {
  const withRoles = moderatedGuild();
  run = await startBot(
    { MODERATOR_ROLE_IDS: MOD_ROLE, OWNER_IDS: OWNER.id },
    { server: { guilds: [withRoles] } },
  );
});
afterAll(async () => {
  await run.stop();
});

type Body = {
  type: number;
  data?: {
    content?: string;
    flags?: number;
    embeds?: {
      title?: string;
      description?: string;
      footer?: { text: string };
      fields?: { name: string; value: string }[];
    }[];
    components?: { components: { custom_id: string; label: string }[] }[];
    allowed_mentions?: { parse: string[]; replied_user?: boolean };
    choices?: { name: string; value: string }[];
  };
};

/** Checks a message body against Discord's limits. */
function expectWithinLimits(data: NonNullable<Body['data']>): void {
  expect((data.content ?? '').length).toBeLessThanOrEqual(LIMITS.content);
  const embeds = data.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  let total = 0;
  for (const e of embeds) {
    expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect((e.title ?? '').length).toBeLessThanOrEqual(LIMITS.embedTitle);
    for (const f of e.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text.length ?? 0);
    total += (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
  for (const row of data.components ?? []) {
    for (const c of row.components) expect(c.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
  }
}

const buttons = (body: Body) => (body.data?.components ?? []).flatMap((r) => r.components);
const buttonId = (body: Body, label: string) => {
  const b = buttons(body).find((x) => x.label === label);
  if (!b)
    throw new Error(
      `no button ${label}; have ${buttons(body)
        .map((x) => x.label)
        .join(', ')}`,
    );
  return b.custom_id;
};

async function ask(
  options: Record<string, string | number | boolean>,
  extra: Parameters<typeof slashCommand>[0] | object = {},
) {
  const payload = slashCommand({ name: 'ask', options, user: user(), ...extra });
  const cb = await run.server.interact(payload);
  return { payload, body: cb.body as Body, cb };
}

describe('logging in', () => {
  it('identifies with Guilds, GuildMessages and DirectMessages only (4609), and never logs the token', async () => {
    const identify = await run.server.waitForIdentify();
    expect(identify.intents).toBe(4609);
    expect(identify.token).toBe(FAKE_TOKEN);
    expect(run.logs.join('\n')).toContain('connected to Discord');
    expect(run.logs.join('\n')).not.toContain(FAKE_TOKEN);
  });
});

describe('/ask', () => {
  it('answers in a server publicly, with quotes, bold matches, origins and no pings, inside 3 s', async () => {
    const { payload, body } = await ask({ question: 'What is nanoGPT?' });
    expect(body.type).toBe(4);
    const data = body.data ?? {};
    expect(data.flags ?? 0).toBe(0);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    expect(data.content).toContain('What is nanoGPT?');
    // Only one passage names nanoGPT; weaker matches are not padded in.
    expect(data.embeds).toHaveLength(1);
    const first = data.embeds?.[0];
    expect(first?.title).toBe('1. The Rise of Open-Source AI: A Brief Overview');
    expect(first?.description).toContain('**nanoGPT**');
    expect(first?.footer?.text).toContain('¶7');
    expect(first?.footer?.text).toContain('the-rise-of-open-source-ai.txt lines 8–8');
    expectWithinLimits(data);
    expect(buttons(body).map((b) => b.label)).toEqual(['Delete', 'Full passage 1']);
    const state = run.server.interaction(payload.id);
    expect((state?.callbackAt ?? Infinity) - (state?.dispatchedAt ?? 0)).toBeLessThan(
      LIMITS.initialResponseMs / 2,
    );
  });

  it('answers privately with private:true, offering "Post to channel"', async () => {
    const { body } = await ask({ question: 'federated learning', private: true });
    expect(body.data?.flags).toBe(64);
    expect(buttons(body).map((b) => b.label)).toContain('Post to channel');
  });

  it('answers in a DM, not ephemeral and without "Post to channel"', async () => {
    const { body } = await ask({ question: 'What is RISC-V doing?', private: true }, { dm: true });
    expect(body.type).toBe(4);
    expect(body.data?.flags ?? 0).toBe(0);
    expect(body.data?.embeds?.[0]?.description).toContain('RISC');
    expect(buttons(body).map((b) => b.label)).not.toContain('Post to channel');
  });

  it('honours results and article', async () => {
    const { body } = await ask({
      question: 'Hugging Face',
      results: 2,
      article: 'why-open-source-AI-is-thriving.txt',
    });
    expect(body.data?.embeds).toHaveLength(2);
    for (const e of body.data?.embeds ?? [])
      expect(e.footer?.text).toContain('why-open-source-AI-is-thriving.txt');
  });

  it('says so when the articles do not cover the question, with suggestions and the articles', async () => {
    const { body } = await ask({ question: 'Who painted the Mona Lisa?' });
    const e = body.data?.embeds?.[0];
    expect(e?.title).toBe('No answer in the articles');
    expect(e?.fields?.[0]?.value).toContain('The Rise of Open-Source AI');
    // A public decline can be taken down like any public answer.
    expect(buttons(body).map((b) => b.label)).toEqual(['Delete']);
  });

  it('refuses an unknown article, a path-like article and an over-long question with an ephemeral message', async () => {
    const cases: Record<string, string>[] = [
      { question: 'nanoGPT', article: '../../etc/passwd' },
      { question: 'nanoGPT', article: 'No Such Article' },
      { question: 'x'.repeat(1200) },
      { question: '   ' },
    ];
    for (const options of cases) {
      const { body } = await ask(options);
      expect(body.type).toBe(4);
      expect(body.data?.flags).toBe(64);
      expect(body.data?.embeds?.[0]?.description).toMatch(
        /No article matches|limit is 1000|question is empty/,
      );
    }
  });

  it('escapes user text so it cannot ping or break formatting', async () => {
    const { body } = await ask({ question: '@everyone <@123456789012345678> **nanoGPT** `x`' });
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    expect(body.data?.content).not.toContain('@everyone');
    expect(body.data?.content).toContain('\\*\\*nanoGPT\\*\\*');
  });

  it('stops a flood from one user with a clear cooldown message, 5 per 30 s by default', async () => {
    const flooder = user();
    const bodies: Body[] = [];
    for (let k = 0; k < 6; k++) {
      const cb = await run.server.interact(
        slashCommand({ name: 'ask', options: { question: 'nanoGPT' }, user: flooder }),
      );
      bodies.push(cb.body as Body);
    }
    expect(bodies.slice(0, 5).every((b) => (b.data?.embeds?.length ?? 0) >= 1 && b.data?.flags !== 64)).toBe(
      true,
    );
    expect(bodies[5]?.data?.flags).toBe(64);
    expect(bodies[5]?.data?.embeds?.[0]?.description).toMatch(/limit is 5 per 30 s/);
  });
});

describe('buttons', () => {
  it('"More results" shows the next passages in place', async () => {
    const asker = user();
    const { body } = await ask({ question: 'open-source AI communities' }, { user: asker });
    const cb = await run.server.interact(button({ customId: buttonId(body, 'More results'), user: asker }));
    const b = cb.body as Body;
    expect(b.type).toBe(7);
    expect(b.data?.content).toContain('Results 4–6');
    expect(b.data?.embeds?.[0]?.title?.startsWith('4. ')).toBe(true);
    expect(buttons(b).map((x) => x.label)).toContain('Previous');
    expectWithinLimits(b.data ?? {});
  });

  it('"Full passage" shows the whole paragraph, ephemeral', async () => {
    const asker = user();
    const { body } = await ask({ question: 'What is nanoGPT?' }, { user: asker });
    const cb = await run.server.interact(button({ customId: buttonId(body, 'Full passage 1'), user: asker }));
    const b = cb.body as Body;
    expect(b.type).toBe(4);
    expect(b.data?.flags).toBe(64);
    expect(b.data?.embeds?.[0]?.description).toContain('ranging from healthcare to environmental monitoring');
  });

  it('"Post to channel" posts a private answer publicly through a follow-up', async () => {
    const asker = user();
    const { payload, body } = await ask({ question: 'federated learning', private: true }, { user: asker });
    const click = button({ customId: buttonId(body, 'Post to channel'), user: asker, token: payload.token });
    const cb = await run.server.interact(click);
    expect((cb.body as Body).type).toBe(6);
    const follow = await run.server.waitForRequest(
      (r) => r.method === 'POST' && r.route.startsWith(`/webhooks/${payload.application_id}/${click.token}`),
    );
    expect(follow.body.flags ?? 0).toBe(0);
    expect(follow.body.allowed_mentions).toEqual({ parse: [] });
    expect(follow.body.embeds[0].description).toContain('Federated');
    // The public copy has no answer buttons, only 🗑 Delete for the asker (and moderators).
    const posted = (follow.body.components ?? []).flatMap((r: { components: unknown[] }) => r.components);
    expect(posted.map((b: { label: string }) => b.label)).toEqual(['Delete']);
    expect(run.bot.signer.decode(posted[0].custom_id)).toEqual({
      action: 'delete',
      answerId: asker.id,
      arg: 0,
    });
  });

  it("refuses someone else's buttons, tampered ids and expired answers with an ephemeral note", async () => {
    const asker = user();
    const { body } = await ask({ question: 'open-source AI communities' }, { user: asker });
    const id = buttonId(body, 'More results');
    const foreign = (await run.server.interact(button({ customId: id, user: user() }))).body as Body;
    expect(foreign.data?.flags).toBe(64);
    expect(foreign.data?.embeds?.[0]?.description).toMatch(/belong to the person who asked/);
    const tampered = `${id.slice(0, -3)}${id.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const t = (await run.server.interact(button({ customId: tampered, user: asker }))).body as Body;
    expect(t.data?.embeds?.[0]?.description).toMatch(/not valid/);
    const forged = run.bot.signer.encode({ action: 'more', answerId: 'doesnotexist', arg: 1 });
    const e = (await run.server.interact(button({ customId: forged, user: asker }))).body as Body;
    expect(e.data?.flags).toBe(64);
    expect(e.data?.embeds?.[0]?.description).toMatch(/expired/);
  });
});

describe('autocomplete', () => {
  it('suggests questions from the index, at most 25 choices of at most 100 characters', async () => {
    const cb = await run.server.interact(
      autocomplete({ name: 'ask', focused: 'question', value: 'federeted', user: user() }),
    );
    const b = cb.body as Body;
    expect(b.type).toBe(8);
    const choices = b.data?.choices ?? [];
    expect(choices.length).toBeGreaterThan(1);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const c of choices) {
      expect(c.name.length).toBeGreaterThan(0);
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    expect(choices.map((c) => c.value.toLowerCase())).toContain('federated');
    const empty = (
      await run.server.interact(autocomplete({ name: 'ask', focused: 'question', value: '', user: user() }))
    ).body as Body;
    expect(empty.data?.choices?.length).toBeGreaterThan(5);
    expect(empty.data?.choices?.length).toBeLessThanOrEqual(25);
  });

  it('suggests articles by title', async () => {
    const cb = await run.server.interact(
      autocomplete({
        name: 'ask',
        focused: 'article',
        value: 'thriv',
        options: { question: 'x' },
        user: user(),
      }),
    );
    expect((cb.body as Body).data?.choices).toEqual([
      { name: 'Why Open Source AI Is Thriving', value: 'why-open-source-AI-is-thriving.txt' },
    ]);
  });

  it('has its own looser limit, answered with no choices beyond it', async () => {
    const typist = user();
    let last: Body | undefined;
    for (let k = 0; k < 41; k++) {
      last = (
        await run.server.interact(
          autocomplete({ name: 'ask', focused: 'question', value: 'open', user: typist }),
        )
      ).body as Body;
    }
    expect(last?.type).toBe(8);
    expect(last?.data?.choices).toEqual([]);
    // Autocomplete does not use up the question limit.
    const { body } = await ask({ question: 'nanoGPT' }, { user: typist });
    expect(body.data?.flags ?? 0).toBe(0);
  });
});

describe('/sources and /help', () => {
  it('/sources lists the articles with dates, sections and passage counts', async () => {
    const cb = await run.server.interact(slashCommand({ name: 'sources', user: user() }));
    const e = (cb.body as Body).data?.embeds?.[0];
    expect(e?.title).toBe('2 articles');
    expect(e?.fields?.map((f) => f.name)).toEqual([
      'The Rise of Open-Source AI: A Brief Overview',
      'Why Open Source AI Is Thriving',
    ]);
    expect(e?.fields?.[1]?.value).toMatch(/9 July 2025 · \d+ sections · 32 passages/);
  });

  it("/sources article shows one article's sections", async () => {
    const cb = await run.server.interact(
      slashCommand({ name: 'sources', options: { article: 'why' }, user: user() }),
    );
    const e = (cb.body as Body).data?.embeds?.[0];
    expect(e?.title).toBe('Why Open Source AI Is Thriving');
    expect(e?.description).toContain(
      '• Why is Open Source AI Thriving? › 1. Breaking Down Cost Barriers — 3 passages',
    );
  });

  it('/help explains the bot, ephemeral', async () => {
    const cb = await run.server.interact(slashCommand({ name: 'help', user: user(), dm: true }));
    const b = cb.body as Body;
    expect(b.data?.flags).toBe(64);
    expect(b.data?.embeds?.[0]?.description).toContain('/ask question:');
    expect(b.data?.embeds?.[0]?.description).toContain('/read article: section:');
  });
});

describe('/reindex', () => {
  const reindex = (extra: object) =>
    run.server.interact(slashCommand({ name: 'reindex', user: user(), ...extra }));

  it('is allowed with Manage Server: defers, then reports files, passages and changes', async () => {
    const payload = slashCommand({ name: 'reindex', user: user(), permissions: MANAGE_GUILD });
    const cb = await run.server.interact(payload);
    expect(cb.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const edit = await run.server.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.route === `/webhooks/${payload.application_id}/${payload.token}/messages/@original`,
    );
    const e = edit.body.embeds[0];
    expect(e.title).toBe('Re-indexed');
    expect(e.description).toMatch(/2 files · 2 articles · 74 passages · \d+ ms/);
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('is allowed for a moderator role and for an owner in a DM', async () => {
    expect((await reindex({ roles: [MOD_ROLE] })).body.type).toBe(5);
    expect((await reindex({ user: OWNER, dm: true })).body.type).toBe(5);
  });

  it('is refused, ephemerally and changing nothing, for members without permission, non-owners in DMs, and when a server opened the command to everyone', async () => {
    const before = run.services.library.index;
    for (const extra of [{}, { roles: [OTHER_ROLE] }, { dm: true }, { permissions: 0n }]) {
      const cb = await reindex(extra);
      expect(cb.body.type).toBe(4);
      expect(cb.body.data.flags).toBe(64);
      expect(cb.body.data.embeds[0].description).toMatch(/Only moderators|only the bot owners/);
    }
    expect(run.services.library.index).toBe(before);
  });

  it('shares one run between two requests at once', async () => {
    const lib = run.services.library;
    // Each call, with the run that was in flight when it came (if any). Whether the second request
    // reaches the bot before the first run ends depends on the machine's load, so what is checked is
    // the rule itself: a request that comes while a run is in flight gets that run.
    const calls: { run: Promise<unknown>; pending: Promise<unknown> | undefined }[] = [];
    let pending: Promise<unknown> | undefined;
    const original = lib.reindex.bind(lib);
    lib.reindex = () => {
      const p = original();
      calls.push({ run: p, pending });
      if (pending !== p) {
        pending = p;
        void p.finally(() => {
          if (pending === p) pending = undefined;
        });
      }
      return p;
    };
    try {
      const a = slashCommand({ name: 'reindex', user: user(), permissions: MANAGE_GUILD });
      const b = slashCommand({ name: 'reindex', user: user(), permissions: MANAGE_GUILD });
      await Promise.all([run.server.interact(a), run.server.interact(b)]);
      const edits = await Promise.all(
        [a, b].map((p) =>
          run.server.waitForRequest(
            (r) => r.method === 'PATCH' && r.route.includes(`/${p.token}/messages/@original`),
          ),
        ),
      );
      expect(calls).toHaveLength(2);
      for (const c of calls) if (c.pending) expect(c.run).toBe(c.pending);
      // One shared run: both requests get the same report.
      if (calls[1]?.pending)
        expect(edits[0]?.body.embeds[0].description).toBe(edits[1]?.body.embeds[0].description);
    } finally {
      lib.reindex = original;
    }
  });
});

describe('the "Ask citebot" message command', () => {
  it("answers with the message's text as the question", async () => {
    const cb = await run.server.interact(
      messageContextMenu({
        name: 'Ask citebot',
        targetContent: 'does anyone know what nanoGPT is?',
        user: user(),
      }),
    );
    const b = cb.body as Body;
    expect(b.type).toBe(4);
    expect(b.data?.embeds?.[0]?.description).toContain('**nanoGPT**');
    expect(b.data?.allowed_mentions).toEqual({ parse: [] });
  });

  it('explains when the message has no text', async () => {
    const cb = await run.server.interact(
      messageContextMenu({ name: 'Ask citebot', targetContent: '', user: user() }),
    );
    expect((cb.body as Body).data?.embeds?.[0]?.description).toMatch(/no text/);
  });
});

describe('messages', () => {
  it('answers a plain DM as a question, replying without pinging', async () => {
    const author = user();
    const d = messageCreate({ dm: true, content: 'What is federated learning?', author });
    run.server.dispatch('MESSAGE_CREATE', d);
    const req = await run.server.waitForRequest(
      (r) =>
        r.method === 'POST' &&
        r.route === `/channels/${d.channel_id}/messages` &&
        r.body?.message_reference?.message_id === d.id,
    );
    expect(req.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(req.body.embeds[0].description).toContain('Federated');
  });

  it('answers a server message that mentions the bot, and ignores one that does not', async () => {
    const author = user();
    const ignored = messageCreate({ content: 'What is nanoGPT?', author });
    run.server.dispatch('MESSAGE_CREATE', ignored);
    const d = messageCreate({ content: 'What is nanoGPT?', author, mentionBot: true });
    run.server.dispatch('MESSAGE_CREATE', d);
    const req = await run.server.waitForRequest(
      (r) => r.method === 'POST' && r.body?.message_reference?.message_id === d.id,
    );
    expect(req.body.embeds[0].description).toContain('**nanoGPT**');
    expect(req.body.content).not.toContain(BOT_USER.id);
    expect(run.server.findRequests((r) => r.body?.message_reference?.message_id === ignored.id)).toHaveLength(
      0,
    );
  });
});

describe('a handler that throws', () => {
  it('becomes an ephemeral "something went wrong" with an error id that is logged, and the bot keeps running', async () => {
    const lib = run.services.library;
    const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(lib), 'index');
    Object.defineProperty(lib, 'index', {
      configurable: true,
      get() {
        throw new Error('index exploded');
      },
    });
    let body: Body;
    try {
      body = (await ask({ question: 'nanoGPT' })).body;
    } finally {
      delete (lib as unknown as Record<string, unknown>).index;
    }
    expect(descriptor).toBeDefined();
    expect(body.data?.flags).toBe(64);
    const text = body.data?.embeds?.[0]?.description ?? '';
    const errorId = text.match(/Error id: ([0-9a-f]{8})/)?.[1];
    expect(errorId).toBeDefined();
    expect(text).not.toContain('index exploded');
    expect(text).not.toMatch(/\/work|\.ts:\d+/);
    expect(run.logs.some((l) => l.includes(errorId as string) && l.includes('index exploded'))).toBe(true);
    const next = await ask({ question: 'What is nanoGPT?' });
    expect(next.body.data?.embeds?.[0]?.description).toContain('**nanoGPT**');
  });
});
