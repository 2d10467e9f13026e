/**
 * /insights through the handler on raw payloads: moderators only (the command and its ◀/▶), a note
 * without the service, the report's first page as an ephemeral reply, another page in place, a
 * slow report deferred first, a failing store told in one line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createInsights } from '../../src/insights/insights.js';
import type { InsightsService } from '../../src/insights/types.js';
import { NO_INSIGHTS } from '../../src/interactions/routes/insights.js';
import { button, slashCommand, user } from '../harness/index.js';
import { MOD_ROLE } from '../discord/setup.js';
import { buttonId, described, type Handling, labels, makeHandler } from '../interactions/setup.js';
import { ArrayLog, asked } from './fixtures.js';

let h: Handling;
let insights: InsightsService;
beforeAll(async () => {
  h = await makeHandler({ MODERATOR_ROLE_IDS: MOD_ROLE });
  // Enough questions for several pages, asked just now (the report's clock is the real one).
  const now = Date.now();
  // Words of their own per question, so that none is grouped with another.
  const questions = Array.from({ length: 120 }, (_, i) =>
    asked(`Topic${i} subject${i} matter${i} thing${i} @everyone?`, 0, { at: now - i * 1000 }),
  );
  insights = createInsights({ store: new ArrayLog(questions), library: h.services.library });
  h.services.insights = insights;
});

const moderator = () => ({ user: user(), roles: [MOD_ROLE] });
const title = (body: unknown) =>
  (body as { data?: { embeds?: { title?: string; footer?: { text: string } }[] } }).data?.embeds?.[0];

describe('/insights', () => {
  it('refuses a member who is not a moderator, and says so in DMs too', async () => {
    const r = (await h.send(slashCommand({ name: 'insights', user: user() }))).only();
    expect(r.type).toBe(4);
    expect(r.data?.flags).toBe(64);
    expect(described(r)).toBe(
      'Only moderators can use /insights: you need the Manage Server permission or a moderator role.',
    );
    const dm = (await h.send(slashCommand({ name: 'insights', dm: true, user: user() }))).only();
    expect(described(dm)).toBe('In DMs only the bot owners can use /insights.');
  });

  it('shows a moderator the first page, ephemeral, pinging nobody; ▶ replaces it with the next', async () => {
    const who = moderator();
    const first = (await h.send(slashCommand({ name: 'insights', options: { days: 30 }, ...who }))).only();
    expect(first.type).toBe(4);
    expect(first.data?.flags).toBe(64);
    expect(first.data?.allowed_mentions).toEqual({ parse: [] });
    expect(title(first)?.title).toBe('Insights · the last 30 days');
    expect(described(first)).toContain('**120** questions (120 answered, 0 declined)');
    expect(labels(first)).toEqual(['Next']);
    const next = (await h.send(button({ customId: buttonId(first, 'Next'), ...who }))).only();
    expect(next.type).toBe(7);
    expect(title(next)?.footer?.text).toMatch(/^Page 2 of \d+ · /u);
    expect(labels(next)).toEqual(['Previous', 'Next']);
    const back = (await h.send(button({ customId: buttonId(next, 'Previous'), ...who }))).only();
    expect(back.type).toBe(7);
    expect(title(back)?.footer?.text).toMatch(/^Page 1 of /u);
    expect(JSON.stringify(back)).not.toContain('@everyone');
  });

  it('the default is 7 days', async () => {
    const r = (await h.send(slashCommand({ name: 'insights', ...moderator() }))).only();
    expect(title(r)?.title).toBe('Insights · the last 7 days');
  });

  it('refuses ◀/▶ to someone who is not a moderator, leaving the page alone', async () => {
    const first = (await h.send(slashCommand({ name: 'insights', ...moderator() }))).only();
    const r = (await h.send(button({ customId: buttonId(first, 'Next'), user: user() }))).only();
    expect(r.type).toBe(4);
    expect(r.data?.flags).toBe(64);
    expect(described(r)).toMatch(/^Only moderators can use \/insights/u);
  });

  it('refuses a signed button naming days out of range', async () => {
    const id = h.rt.signer.encode({ action: 'insights', answerId: 'd999', arg: 0 });
    const r = (await h.send(button({ customId: id, ...moderator() }))).only();
    expect(described(r)).toBe('This button is not valid any more. Run /insights again.');
  });

  it('says so when the bot has no insights service', async () => {
    delete h.services.insights;
    try {
      const r = (await h.send(slashCommand({ name: 'insights', ...moderator() }))).only();
      expect(described(r)).toBe(NO_INSIGHTS);
    } finally {
      h.services.insights = insights;
    }
  });

  it('defers a slow report, then edits the deferral; a failing store is one line', async () => {
    h.services.insights = {
      report: async (days) => {
        await new Promise((r) => setTimeout(r, 50));
        return insights.report(days);
      },
    };
    try {
      // Received long enough ago that the deadline has come.
      const slow = await h.send(
        slashCommand({ name: 'insights', ...moderator() }),
        undefined,
        Date.now() - 2500,
      );
      expect(slow.calls.map((c) => c.kind)).toEqual(['respond', 'edit']);
      expect((slow.calls[0] as { body: { type: number; data?: { flags?: number } } }).body).toEqual({
        type: 5,
        data: { flags: 64 },
      });
      expect(JSON.stringify(slow.calls[1])).toContain('Insights · the last 7 days');
      h.services.insights = { report: () => Promise.reject(new Error('database is locked')) };
      const failed = (await h.send(slashCommand({ name: 'insights', ...moderator() }))).only();
      expect(described(failed)).toBe('Could not read the question log just now. Try again in a moment.');
      expect(h.logs.some((l) => l.includes('insights failed') && l.includes('database is locked'))).toBe(
        true,
      );
    } finally {
      h.services.insights = insights;
    }
  });
});
