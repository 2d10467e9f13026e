/**
 * An interaction's webhook routes (valid for 15 minutes after it arrived, without the bot token):
 * edit the original response, send a follow-up, delete the original response.
 */
import type { REST } from '@discordjs/rest';
import {
  Routes,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
  type RESTPostAPIWebhookWithTokenJSONBody,
} from 'discord-api-types/v10';

/** The webhook half of a Responder: what every transport does the same way, through REST. */
export interface WebhookCalls {
  /** `PATCH /webhooks/{application}/{token}/messages/@original`. */
  editOriginal(body: RESTPatchAPIWebhookWithTokenMessageJSONBody): Promise<void>;
  /** `POST /webhooks/{application}/{token}?wait=true`. */
  followUp(body: RESTPostAPIWebhookWithTokenJSONBody): Promise<void>;
  /** `DELETE /webhooks/{application}/{token}/messages/@original`. */
  deleteOriginal(): Promise<void>;
}

/** The webhook calls of one interaction (its application id and token). */
export function webhookCalls(rest: REST, applicationId: string, token: string): WebhookCalls {
  const original = Routes.webhookMessage(applicationId, token, '@original');
  return {
    async editOriginal(body) {
      await rest.patch(original, { body, auth: false });
    },
    async followUp(body) {
      await rest.post(Routes.webhook(applicationId, token), {
        body,
        auth: false,
        query: new URLSearchParams({ wait: 'true' }),
      });
    },
    async deleteOriginal() {
      await rest.delete(original, { auth: false });
    },
  };
}
