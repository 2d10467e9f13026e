/**
 * The same behaviour over both transports: the gateway (real discord.js against the fake Discord) and
 * the HTTP Interactions Endpoint (real signed requests to 127.0.0.1, the HTTP response as the first
 * response, edits and follow-ups through the fake Discord's REST). Each case reads the first response
 * and the webhook calls from the fake Discord, whichever way they came.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_WAIT_MS } from '../../src/interactions/deadline.js';
import { LIMITS } from '../../src/discord/limits.js';
import { autocomplete, button, type Json, slashCommand, user } from '../harness/index.js';
import { MOD_ROLE, moderatedGuild, OTHER_ROLE } from '../discord/setup.js';
import { slowModel, startTransport, type TransportRun, TRANSPORTS, useModel } from './setup.js';

const labels = (body: Json): string[] =>
  ((body?.data?.components ?? body?.components ?? []) as { components: { label?: string }[] }[])
    .flatMap((r) => r.components)
    .map((c) => c.label ?? '');
const buttonId = (body: Json, label: string): string => {
  const rows = (body?.data?.components ?? []) as { components: { label?: string; custom_id?: string }[] }[];
  const found = rows.flatMap((r) => r.components).find((c) => c.label === label);
  if (!found?.custom_id) throw new Error(`no button "${label}"; have ${labels(body).join(', ')}`);
  return found.custom_id;
};

describe.each(TRANSPORTS)('over the %s transport', (name) => {
  let run: TransportRun;
  beforeAll(async () => {
    run = await startTransport(
      name,
      { MODERATOR_ROLE_IDS: MOD_ROLE },
      { server: { guilds: [moderatedGuild()] } },
    );
  }, 30_000);
  afterAll(async () => {
    await run?.stop();
  });

  const ask = async (options: Record<string, string | number | boolean>, extra: object = {}) => {
    const payload = slashCommand({ name: 'ask', options, user: user(), ...extra });
    const cb = await run.interact(payload);
    return { payload, cb, body: cb.body as Json };
  };

  it('/ask answers with quotes, bold matches and origins, pinging nobody, well inside 3 s', async () => {
    const { payload, cb, body } = await ask({ question: 'What is nanoGPT?' });
    // Over HTTP the first response is the HTTP response, not a callback request.
    expect(cb.via).toBe(name === 'http' ? 'http' : undefined);
    expect(cb.status).toBe(204);
    expect(body.type).toBe(4);
    expect(body.data.flags ?? 0).toBe(0);
    expect(body.data.allowed_mentions).toEqual({ parse: [] });
    expect(body.data.content).toContain('What is nanoGPT?');
    expect(body.data.embeds).toHaveLength(1);
    expect(body.data.embeds[0].title).toBe('1. The Rise of Open-Source AI: A Brief Overview');
    expect(body.data.embeds[0].description).toContain('**nanoGPT**');
    expect(body.data.embeds[0].footer.text).toContain('the-rise-of-open-source-ai.txt lines 8–8');
    expect(labels(body)).toEqual(['Delete', 'Full passage 1']);
    const state = run.fake.interaction(payload.id);
    expect((state?.callbackAt ?? Infinity) - (state?.dispatchedAt ?? 0)).toBeLessThan(
      LIMITS.initialResponseMs / 2,
    );
    expect(state?.original?.embeds?.[0]?.description).toContain('**nanoGPT**');
  });

  it('a private answer is ephemeral and offers "Post to channel", which posts it through a follow-up', async () => {
    const asker = user();
    const { payload, body } = await ask({ question: 'federated learning', private: true }, { user: asker });
    expect(body.data.flags).toBe(64);
    expect(labels(body)).toContain('Post to channel');
    const click = button({ customId: buttonId(body, 'Post to channel'), user: asker, token: payload.token });
    const cb = await run.interact(click);
    expect(cb.body.type).toBe(6);
    const follow = await run.waitForFollowUp(click);
    expect(follow.status).toBe(200);
    expect(follow.body.flags ?? 0).toBe(0);
    expect(follow.body.allowed_mentions).toEqual({ parse: [] });
    expect(follow.body.embeds[0].description).toContain('Federated');
  });

  it('"More results" shows the next passages in place', async () => {
    const asker = user();
    const { body } = await ask({ question: 'open-source AI communities' }, { user: asker });
    const cb = await run.interact(button({ customId: buttonId(body, 'More results'), user: asker }));
    expect(cb.status).toBe(204);
    expect(cb.body.type).toBe(7);
    expect(cb.body.data.content).toContain('Results 4–6');
    expect(cb.body.data.embeds[0].title.startsWith('4. ')).toBe(true);
    expect(labels(cb.body)).toContain('Previous');
  });

  it('a bad option gets a clear ephemeral error', async () => {
    for (const [options, message] of [
      [{ question: 'nanoGPT', article: 'No Such Article' }, /No article matches/u],
      [{ question: 'x'.repeat(1200) }, /limit is 1000/u],
      [{ question: 'nanoGPT', results: 9 }, /results/u],
    ] as const) {
      const { cb, body } = await ask(options);
      expect(cb.status).toBe(204);
      expect(body.type).toBe(4);
      expect(body.data.flags).toBe(64);
      expect(body.data.embeds[0].description).toMatch(message);
    }
  });

  it('a flood from one user gets the cooldown notice, 5 per 30 s by default', async () => {
    const flooder = user();
    const bodies: Json[] = [];
    for (let k = 0; k < 6; k++) bodies.push((await ask({ question: 'nanoGPT' }, { user: flooder })).body);
    expect(bodies.slice(0, 5).every((b) => b.data.embeds.length >= 1 && b.data.flags !== 64)).toBe(true);
    expect(bodies[5].data.flags).toBe(64);
    expect(bodies[5].data.embeds[0].description).toMatch(/limit is 5 per 30 s/u);
  });

  it('a slow answer is deferred inside the window, then edited in through the webhook', async () => {
    const restore = useModel(run.services, slowModel(QUEUE_WAIT_MS + 300));
    try {
      const { payload, cb, body } = await ask({ question: 'What is nanoGPT?', private: true });
      expect(body).toEqual({ type: 5, data: { flags: 64 } });
      expect(cb.status).toBe(204);
      const state = run.fake.interaction(payload.id);
      const waited = (state?.callbackAt ?? Infinity) - (state?.dispatchedAt ?? 0);
      expect(waited).toBeGreaterThanOrEqual(QUEUE_WAIT_MS - 50);
      expect(waited).toBeLessThan(LIMITS.initialResponseMs);
      const edit = await run.waitForEdit(payload);
      expect(edit.status).toBe(200);
      expect('flags' in edit.body).toBe(false);
      expect(edit.body.allowed_mentions).toEqual({ parse: [] });
      expect(edit.body.embeds[0].description).toContain('**nanoGPT**');
      expect(run.fake.interaction(payload.id)?.original?.embeds?.[0]?.description).toContain('**nanoGPT**');
      expect(run.fake.callbacks(payload.id)).toHaveLength(1);
    } finally {
      restore();
    }
  }, 15_000);

  it('autocomplete suggests at most 25 choices from the index', async () => {
    const cb = await run.interact(
      autocomplete({ name: 'ask', focused: 'question', value: 'federeted', user: user() }),
    );
    expect(cb.status).toBe(204);
    expect(cb.body.type).toBe(8);
    const choices = cb.body.data.choices as { name: string; value: string }[];
    expect(choices.length).toBeGreaterThan(1);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices.map((c) => c.value.toLowerCase())).toContain('federated');
  });

  it('/sources lists the articles', async () => {
    const cb = await run.interact(slashCommand({ name: 'sources', user: user() }));
    const e = cb.body.data.embeds[0];
    expect(e.title).toBe('2 articles');
    expect(e.fields.map((f: { name: string }) => f.name)).toEqual([
      'The Rise of Open-Source AI: A Brief Overview',
      'Why Open Source AI Is Thriving',
    ]);
  });

  it('/help explains the bot, ephemeral', async () => {
    const cb = await run.interact(slashCommand({ name: 'help', user: user(), dm: true }));
    expect(cb.body.data.flags).toBe(64);
    expect(cb.body.data.embeds[0].description).toContain('/ask question:');
  });

  it('/reindex is refused, ephemerally and changing nothing, for a member who is not a moderator', async () => {
    const before = run.services.library.index;
    for (const extra of [{}, { roles: [OTHER_ROLE] }]) {
      const cb = await run.interact(slashCommand({ name: 'reindex', user: user(), ...extra }));
      expect(cb.body.type).toBe(4);
      expect(cb.body.data.flags).toBe(64);
      expect(cb.body.data.embeds[0].description).toMatch(/Only moderators/u);
    }
    expect(run.services.library.index).toBe(before);
  });
});
