/**
 * The contract between the transport-neutral interaction handler and the transports that carry
 * interactions to it (the gateway through discord.js, Discord's HTTP Interactions Endpoint through
 * node:http). Everything here is raw discord-api-types data: no discord.js objects, no node:http.
 */
import type {
  APIInteraction,
  APIInteractionResponse,
  RESTPatchAPIWebhookWithTokenMessageJSONBody,
  RESTPostAPIWebhookWithTokenJSONBody,
} from 'discord-api-types/v10';

/**
 * How the handler answers one interaction. The initial response is sent exactly once, through
 * `respond` (an immediate message, a deferral, an update, or autocomplete choices); after it, the
 * message is edited and follow-ups are sent through the interaction's webhook routes. Every body
 * passes through the token redactor before it leaves the process.
 */
export interface Responder {
  /**
   * The initial response. A second call rejects with `AlreadyRespondedError`. On the gateway this is
   * `POST /interactions/{id}/{token}/callback`; over HTTP it is the HTTP response body itself.
   */
  respond(response: APIInteractionResponse): Promise<void>;
  /** Whether `respond` has been called (successfully or while in flight). */
  readonly responded: boolean;
  /** `PATCH /webhooks/{application}/{token}/messages/@original`. */
  editOriginal(body: RESTPatchAPIWebhookWithTokenMessageJSONBody): Promise<void>;
  /** `POST /webhooks/{application}/{token}`. */
  followUp(body: RESTPostAPIWebhookWithTokenJSONBody): Promise<void>;
  /** `DELETE /webhooks/{application}/{token}/messages/@original`. */
  deleteOriginal(): Promise<void>;
}

/** What the transport knows about an interaction beyond its payload. */
export interface InteractionMeta {
  /** When its bytes reached this process (ms since the epoch): Discord's 3 s window runs from here. */
  receivedAt: number;
  transport: 'gateway' | 'http';
}

/** The one entry point every transport calls. Never rejects: failures are answered and logged. */
export type HandleInteraction = (
  raw: APIInteraction,
  responder: Responder,
  meta: InteractionMeta,
) => Promise<void>;

/** `respond` was called twice for one interaction: a bug in the handler, never sent to Discord. */
export class AlreadyRespondedError extends Error {
  constructor(readonly interactionId: string) {
    super(`interaction ${interactionId} already has its initial response`);
    this.name = 'AlreadyRespondedError';
  }
}
