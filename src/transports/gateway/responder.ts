/**
 * The gateway's Responder: the initial response is `POST /interactions/{id}/{token}/callback` through
 * the REST client (which redacts every body); edits and follow-ups go through the webhook routes.
 */
import type { REST } from '@discordjs/rest';
import { type APIInteraction, Routes } from 'discord-api-types/v10';
import { ALREADY_ACKNOWLEDGED, isDiscordCode } from '../../interactions/rest.js';
import { AlreadyRespondedError, type Responder } from '../../interactions/types.js';
import { webhookCalls } from '../../interactions/webhook.js';
import type { Logger } from '../../log.js';

/**
 * A Responder for an interaction that came over the gateway. The REST client retries a callback that
 * timed out or got a 5xx; when the lost attempt had in fact reached Discord, the retry gets 40060
 * "already acknowledged". Only this process answers this interaction, so that means our own call went
 * through: it counts as sent instead of failing (and then sending an error as a second response).
 * A callback that failed for sure leaves the interaction unanswered, so the guard can still report it.
 */
export function gatewayResponder(rest: REST, raw: APIInteraction, log: Logger): Responder {
  let state: 'none' | 'sending' | 'sent' = 'none';
  return {
    get responded() {
      return state !== 'none';
    },
    async respond(response) {
      if (state !== 'none') throw new AlreadyRespondedError(raw.id);
      state = 'sending';
      try {
        await rest.post(Routes.interactionCallback(raw.id, raw.token), { body: response, auth: false });
        state = 'sent';
      } catch (err) {
        if (isDiscordCode(err, ALREADY_ACKNOWLEDGED)) {
          log.warn('first response was already delivered by an earlier attempt', { interaction: raw.id });
          state = 'sent';
          return;
        }
        state = 'none';
        throw err;
      }
    },
    ...webhookCalls(rest, raw.application_id, raw.token),
  };
}
