/**
 * /corpus add | update | remove | restore | log (moderators only, by the /reindex rule, checked here
 * whatever the server's command permissions let through), the proposal buttons (Add / Replace /
 * Cancel) and the log's ◀/▶. Every reply is ephemeral. The corpus service decides the rest: whose
 * proposal it is, whether it expired, what the fetch and the file gave.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
} from 'discord-api-types/v10';
import { CORPUS_DECISIONS } from '../../discord/custom-id.js';
import { renderNote } from '../../discord/render.js';
import {
  renderApplied,
  renderAuditPage,
  renderManageRefusal,
  renderProposal,
} from '../../discord/render-corpus.js';
import type { Applied, ManageRefusal, Proposed } from '../../manage/types.js';
import { integerOption, type RawOption, stringOption, subcommandOf } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';
import { type CorpusContext, corpusContext } from './corpus-context.js';
import { addInput, attachedInput } from './corpus-input.js';
import { timely } from './feedback.js';
import { scrubPaths } from './reindex.js';

/** A proposal, or the service's refusal. */
function proposal(rt: Runtime, reply: InteractionReply, out: Proposed | ManageRefusal): Promise<void> {
  return reply.send(out.ok ? renderProposal(out, rt.signer) : renderManageRefusal(out));
}

/** /corpus … */
export async function onCorpus(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const ctx = await corpusContext(rt, reply, raw);
  if (!ctx) return;
  // The subcommand and its options were checked against the table (app/check.ts).
  const sub = subcommandOf(raw);
  const options: readonly RawOption[] = sub?.options ?? [];
  switch (sub?.name) {
    case 'add': {
      const input = addInput(raw, options);
      if ('message' in input) return reply.send(renderNote(input.message, 'error'));
      // A fetch can take up to its own timeout (10 s): acknowledge first.
      await reply.defer(true);
      return proposal(rt, reply, await ctx.admin.proposeAdd(ctx.actor, input));
    }
    case 'update':
      return update(rt, reply, raw, ctx, options);
    case 'remove':
    case 'restore': {
      const article = stringOption(options, 'article')?.trim() ?? '';
      if (!article) return reply.send(renderNote('Name the article: pick it from the list.', 'error'));
      const out = await timely(rt, reply, 'message', () =>
        sub.name === 'remove'
          ? ctx.admin.proposeRemove(ctx.actor, article)
          : ctx.admin.proposeRestore(ctx.actor, article),
      );
      return proposal(rt, reply, out);
    }
    case 'log': {
      const page = integerOption(options, 'page') ?? 1;
      const shown = await timely(rt, reply, 'message', () => ctx.admin.log(Math.max(1, page)));
      return reply.send(shown.ok ? renderAuditPage(shown, rt.signer) : renderManageRefusal(shown));
    }
    default:
      return reply.send(renderNote('Pick one of /corpus add, update, remove, restore or log.', 'error'));
  }
}

/** /corpus update article: [file]: a new attachment, or (none) its page fetched again. */
async function update(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
  ctx: CorpusContext,
  options: readonly RawOption[],
): Promise<void> {
  const article = stringOption(options, 'article')?.trim() ?? '';
  if (!article) return reply.send(renderNote('Name the article: pick it from the list.', 'error'));
  const input = attachedInput(raw, options);
  if (input && 'message' in input) return reply.send(renderNote(input.message, 'error'));
  // Fetching the page again can take up to the fetch's own timeout: acknowledge first.
  await reply.defer(true);
  return proposal(rt, reply, await ctx.admin.proposeUpdate(ctx.actor, article, input));
}

/** What deciding did, with file-system paths of a failed re-index left out. */
function scrubbed(a: Applied): Applied {
  const r = a.report;
  return {
    ...a,
    message: scrubPaths(a.message),
    ...(r ? { report: { ...r, ...(r.error !== undefined ? { error: scrubPaths(r.error) } : {}) } } : {}),
  };
}

/**
 * A proposal's Add / Replace / Cancel: `decision` is CORPUS_DECISIONS' index. Confirming re-indexes,
 * so the click is acknowledged first; the outcome then replaces the proposal (no buttons left). A
 * refusal (someone else's proposal, expired, decided) is told to the clicker alone and leaves the
 * message as it is.
 */
export async function onCorpusDecision(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
  proposalId: string,
  decision: number,
): Promise<void> {
  const chosen = CORPUS_DECISIONS[decision];
  if (!chosen) return reply.send(renderNote('This button is not valid any more.', 'error'));
  const ctx = await corpusContext(rt, reply, raw);
  if (!ctx) return;
  await reply.deferUpdate();
  const done = await ctx.admin.decide(ctx.actor, proposalId, chosen);
  if (!done.ok) return reply.send(renderManageRefusal(done));
  return reply.replace(renderApplied(scrubbed(done)));
}

/** ◀/▶ of /corpus log: another page in place. */
export async function onLogPage(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentButtonInteraction,
  page: number,
): Promise<void> {
  const ctx = await corpusContext(rt, reply, raw);
  if (!ctx) return;
  const shown = await timely(rt, reply, 'update', () => ctx.admin.log(Math.max(1, page)));
  if (!shown.ok) return reply.send(renderManageRefusal(shown));
  return reply.replace(renderAuditPage(shown, rt.signer));
}
