/**
 * /insights [days] (moderators only, by the /reindex rule, checked here whatever the server's
 * command permissions let through) and its ◀/▶: what people asked, what the articles miss, what was
 * voted down, what is quoted most and never. Every reply is ephemeral; a report that takes longer
 * than the deadline allows is deferred first. ◀/▶ check the moderator again and replace the page.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
} from 'discord-api-types/v10';
import { DEFAULT_INSIGHTS_DAYS, MAX_INSIGHTS_DAYS } from '../../app/bounds.js';
import { renderNote, type ReplyPayload } from '../../discord/render.js';
import { renderInsights } from '../../discord/render-insights.js';
import type { InsightsService } from '../../insights/types.js';
import { errorText } from '../guard.js';
import { integerOption, optionsOf, type RawInteraction } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';
import { finish, timely } from './feedback.js';
import { moderatorService } from './moderators.js';

/** Said when the bot runs without the insights service (it needs the store). */
export const NO_INSIGHTS = 'Insights are not available on this bot right now: they need the store.';
const NOT_READY = 'The articles are still being indexed. Try again in a moment.';
const FAILED = 'Could not read the question log just now. Try again in a moment.';

/** The service, or undefined once the refusal or the note that stops here was sent. */
async function service(
  rt: Runtime,
  reply: InteractionReply,
  raw: RawInteraction,
): Promise<InsightsService | undefined> {
  const refusal = { doing: 'use /insights', event: 'insights refused' };
  const insights = await moderatorService(rt, reply, raw, refusal, rt.services.insights, NO_INSIGHTS);
  if (!insights) return undefined;
  if (!rt.services.library.ready) {
    await reply.send(renderNote(NOT_READY));
    return undefined;
  }
  return insights;
}

/** The page rendered, or the note when the report could not be made (logged). */
async function pageOf(
  rt: Runtime,
  reply: InteractionReply,
  ack: 'message' | 'update',
  insights: InsightsService,
  days: number,
  page: number,
): Promise<{ ok: true; body: ReplyPayload } | { ok: false; body: ReplyPayload }> {
  try {
    // A new /insights counts afresh; its ◀/▶ page through the same report.
    const report = await timely(rt, reply, ack, () => insights.report(days, undefined, ack === 'message'));
    return { ok: true, body: renderInsights(report, page, rt.signer) };
  } catch (err) {
    rt.services.log.warn('insights failed', { interaction: reply.id, days, error: errorText(err) });
    return { ok: false, body: renderNote(FAILED, 'error') };
  }
}

/** /insights [days] */
export async function onInsights(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const insights = await service(rt, reply, raw);
  if (!insights) return;
  // The option was checked against the table (app/check.ts): 1..MAX_INSIGHTS_DAYS.
  const days = integerOption(optionsOf(raw), 'days') ?? DEFAULT_INSIGHTS_DAYS;
  const out = await pageOf(rt, reply, 'message', insights, days, 0);
  return reply.send(out.body);
}

/** The days a ◀/▶ id part names (`d<days>`), or undefined when it names none in range. */
export function daysOf(daysId: string): number | undefined {
  const m = /^d(\d{1,3})$/u.exec(daysId);
  const days = m ? Number(m[1]) : NaN;
  return Number.isInteger(days) && days >= 1 && days <= MAX_INSIGHTS_DAYS ? days : undefined;
}

/** ◀/▶ of /insights: `daysId` is the button's id part (`d<days>`), `page` the page to show (from 0). */
export async function onInsightsPage(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
  daysId: string,
  page: number,
): Promise<void> {
  const days = daysOf(daysId);
  if (days === undefined)
    return reply.send(renderNote('This button is not valid any more. Run /insights again.', 'error'));
  const insights = await service(rt, reply, raw);
  if (!insights) return;
  const out = await pageOf(rt, reply, 'update', insights, days, page);
  // A failure leaves the page in place and says so; a page replaces it.
  if (!out.ok) return reply.send(out.body);
  return finish(reply, out.body);
}
