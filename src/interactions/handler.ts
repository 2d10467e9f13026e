/**
 * The transport-neutral interaction handler: raw discord-api-types payloads in, raw responses out
 * through a Responder. Routing by the raw `type` (PING, application commands, buttons, autocomplete),
 * the option checks, the guard, and "citebot is restarting" while shutting down. Each route is in
 * routes/; the deadline and load shedding in deadline.ts; the reply calls in reply.ts.
 */
import {
  type APIChatInputApplicationCommandInteraction,
  type APIMessageApplicationCommandInteraction,
  type APIMessageComponentButtonInteraction,
  type APIMessageComponentSelectMenuInteraction,
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
} from 'discord-api-types/v10';
import { COMMAND_NAMES } from '../discord/commands.js';
import { truncate } from '../discord/escape.js';
import { renderNote } from '../discord/render.js';
import { errorText, guard } from './guard.js';
import { checkOptions } from '../app/check.js';
import { optionsOf, type RawInteraction } from './raw.js';
import { recordInteraction } from './outcome.js';
import { InteractionReply } from './reply.js';
import { onAsk, onContextMenu } from './routes/ask.js';
import { onAutocomplete } from './routes/autocomplete.js';
import { onButton } from './routes/buttons.js';
import { onCorpus } from './routes/corpus.js';
import { onInsights } from './routes/insights.js';
import { onPick } from './routes/feedback.js';
import { onFeedback, onModerate } from './routes/feedback-command.js';
import { onHelp, onSources } from './routes/info.js';
import { onRead } from './routes/read.js';
import { onReindex } from './routes/reindex.js';
import { createRuntime, type Runtime, type RuntimeDeps } from './runtime.js';
import type { HandleInteraction } from './types.js';

const UNKNOWN_KIND = 'citebot does not know that kind of interaction.';
const NOT_VALID = 'This menu is not valid any more.';

/**
 * The handler every transport calls. Given a Runtime (createRuntime), it shares its limits, queue and
 * store with whatever else uses it (the gateway's DMs and mentions); given the plain deps, it makes one.
 */
export function createHandler(deps: Runtime | RuntimeDeps): HandleInteraction {
  const rt = 'queue' in deps ? deps : createRuntime(deps);
  return async (raw, responder, meta) => {
    try {
      if (raw.type === InteractionType.Ping) {
        await responder.respond({ type: InteractionResponseType.Pong });
        return;
      }
      const reply = new InteractionReply(raw, responder, meta.receivedAt);
      if (raw.type === InteractionType.ApplicationCommandAutocomplete) {
        await onAutocomplete(rt, reply, raw);
      } else {
        await guard(rt, reply, async () => {
          if (rt.stopping) {
            reply.outcome = 'restarting';
            return reply.send(renderNote('citebot is restarting. Try again in a moment.'));
          }
          return route(rt, reply, raw);
        });
      }
      recordInteraction(rt, raw, reply.outcome ?? 'ok', meta.receivedAt);
    } catch (err) {
      // Only a payload without a user gets here (the guard catches everything else): nothing to answer.
      rt.services.log.error('could not handle an interaction', {
        interaction: raw.id,
        error: errorText(err),
      });
    }
  };
}

async function route(rt: Runtime, reply: InteractionReply, raw: RawInteraction): Promise<void> {
  switch (raw.type) {
    case InteractionType.ApplicationCommand:
      if (raw.data.type === ApplicationCommandType.ChatInput) {
        return onCommand(rt, reply, raw as APIChatInputApplicationCommandInteraction);
      }
      if (raw.data.type === ApplicationCommandType.Message)
        return onContextMenu(rt, reply, raw as APIMessageApplicationCommandInteraction);
      return reply.send(renderNote(UNKNOWN_KIND));
    case InteractionType.MessageComponent:
      if (raw.data.component_type === ComponentType.Button)
        return onButton(rt, reply, raw as APIMessageComponentButtonInteraction);
      if (raw.data.component_type === ComponentType.StringSelect)
        return onSelect(rt, reply, raw as APIMessageComponentSelectMenuInteraction);
      return reply.send(renderNote(UNKNOWN_KIND));
    default:
      return reply.send(renderNote(UNKNOWN_KIND));
  }
}

async function onCommand(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const name = raw.data.name;
  const problem = checkOptions(name, optionsOf(raw));
  if (problem) {
    reply.outcome = 'refused';
    return reply.send(renderNote(problem, 'error'));
  }
  switch (name) {
    case COMMAND_NAMES.ask:
      return onAsk(rt, reply, raw);
    case COMMAND_NAMES.sources:
      return onSources(rt, reply, raw);
    case COMMAND_NAMES.read:
      return onRead(rt, reply, raw);
    case COMMAND_NAMES.help:
      return onHelp(rt, reply);
    case COMMAND_NAMES.reindex:
      return onReindex(rt, reply, raw);
    case COMMAND_NAMES.feedback:
      return onFeedback(rt, reply, raw);
    case COMMAND_NAMES.corpus:
      return onCorpus(rt, reply, raw);
    case COMMAND_NAMES.insights:
      return onInsights(rt, reply, raw);
    default:
      return reply.send(renderNote(`Unknown command /${truncate(name, 32)}. Try /help.`, 'error'));
  }
}

/** A select menu: its signed id names it (the pick menu a 👎 opened, or a review page's Undo/Confirm). */
async function onSelect(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIMessageComponentSelectMenuInteraction,
): Promise<void> {
  const ref = rt.signer.decode(raw.data.custom_id);
  if (ref?.action === 'pick') return onPick(rt, reply, raw, ref.answerId);
  if (ref?.action === 'moderate') return onModerate(rt, reply, raw, ref.arg);
  return reply.send(renderNote(NOT_VALID, 'error'));
}
