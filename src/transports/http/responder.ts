/**
 * The Responder of one HTTP interaction. Over HTTP the initial response is the HTTP response itself:
 * `respond` writes it (200, JSON) exactly once; edits and follow-ups go through the interaction's
 * webhook routes, and only after the initial response has been written, since Discord accepts them
 * only then.
 *
 * The transport adds two things the handler does not see: a last-resort deferral when the handler has
 * not responded at all shortly before Discord's 3 s window closes (`armSafetyDeferral`), and a fallback
 * error reply when the handler returns without having responded (`settle`). After a safety deferral the
 * handler's own first `respond` is carried over the webhook routes instead (see `#late`), so its answer
 * still arrives.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  type APIInteractionResponse,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
  type RESTPostAPIWebhookWithTokenJSONBody,
} from 'discord-api-types/v10';
import { AlreadyRespondedError, type Responder } from '../../interactions/types.js';
import type { WebhookCalls } from '../../interactions/webhook.js';
import type { Logger } from '../../log.js';

/** The initial response could not be written: the client (Discord, or the proxy) went away first. */
export class ResponseNotDeliveredError extends Error {
  constructor(readonly interactionId: string) {
    super(`interaction ${interactionId}: the connection closed before the initial response was written`);
    this.name = 'ResponseNotDeliveredError';
  }
}

export interface HttpResponderOptions {
  res: ServerResponse;
  interactionId: string;
  /** The raw interaction's `type` (it decides which deferral and which fallback are valid). */
  interactionType: InteractionType;
  webhook: WebhookCalls;
  log: Logger;
  /** Applied to every initial response before it is serialised (the token redactor). Default: none. */
  redact?: <T>(value: T) => T;
}

/** Which response the transport sent on its own, or none. */
type TransportSent = 'none' | 'deferred-message' | 'deferred-update' | 'empty-choices';

const EPHEMERAL = MessageFlags.Ephemeral;

/** The reply when the handler returned without answering (never sent as a 500). */
export function fallbackMessage(errorId: string): string {
  return `Something went wrong while answering. Error id: ${errorId} — please try again; if it keeps happening, tell a moderator this id.`;
}

/** The Responder for one HTTP interaction; the server owns one per request. */
export class HttpResponder implements Responder {
  readonly #o: HttpResponderOptions;
  /** Whether the handler has called `respond`. */
  #handlerCalled = false;
  /** Whether an initial response (the handler's or the transport's) has been handed to node:http. */
  #written = false;
  #transportSent: TransportSent = 'none';
  #timer: NodeJS.Timeout | undefined;
  readonly #delivered: Promise<void>;

  constructor(options: HttpResponderOptions) {
    this.#o = options;
    const { res } = options;
    this.#delivered = new Promise<void>((resolve, reject) => {
      res.once('finish', () => resolve());
      res.once('close', () => {
        this.#clearTimer();
        if (!res.writableFinished) reject(new ResponseNotDeliveredError(options.interactionId));
      });
    });
    // Waiters attach their own handlers; this one keeps an undelivered response from being "unhandled".
    this.#delivered.catch(() => {});
  }

  /** Whether an initial response has been sent, by the handler or as the transport's safety deferral. */
  get responded(): boolean {
    return this.#written;
  }

  /** Resolves once the initial response has been written to the socket; rejects if the client went away. */
  get delivered(): Promise<void> {
    return this.#delivered;
  }

  async respond(response: APIInteractionResponse): Promise<void> {
    if (this.#handlerCalled) throw new AlreadyRespondedError(this.#o.interactionId);
    this.#handlerCalled = true;
    if (this.#transportSent !== 'none') return this.#late(response);
    this.#write(response);
    await this.#delivered;
  }

  async editOriginal(body: RESTPatchAPIWebhookWithTokenMessageJSONBody): Promise<void> {
    await this.#delivered;
    await this.#o.webhook.editOriginal(body);
  }

  async followUp(body: RESTPostAPIWebhookWithTokenJSONBody): Promise<void> {
    await this.#delivered;
    await this.#o.webhook.followUp(body);
  }

  async deleteOriginal(): Promise<void> {
    await this.#delivered;
    await this.#o.webhook.deleteOriginal();
  }

  /**
   * Sends a deferral `delayMs` from now unless an initial response has been written by then: the last
   * resort when the handler is stuck (the handler defers on its own after about 2 s). Logged as a warning.
   */
  armSafetyDeferral(delayMs: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (this.#written || this.#o.res.destroyed) return;
        const [response, sent] = this.#safetyResponse();
        this.#o.log.warn('the handler had not responded: sent a deferral to keep the interaction alive', {
          interaction: this.#o.interactionId,
          type: this.#o.interactionType,
          response: response.type,
        });
        this.#transportSent = sent;
        this.#write(response);
      },
      Math.max(0, delayMs),
    );
    this.#timer.unref();
  }

  /**
   * Called once the handler has returned (or thrown). If it never responded, logs an error and answers
   * with an ephemeral error message: as the HTTP response, or after a safety deferral through the
   * webhook routes. Never rejects.
   */
  async settle(): Promise<void> {
    this.#clearTimer();
    if (this.#handlerCalled) return;
    this.#handlerCalled = true;
    if (this.#o.res.destroyed && !this.#written) return; // the client went away; nothing can be sent
    const errorId = randomBytes(4).toString('hex');
    this.#o.log.error('the handler returned without responding; sent an error reply', {
      interaction: this.#o.interactionId,
      type: this.#o.interactionType,
      errorId,
    });
    const content = fallbackMessage(errorId);
    const allowed_mentions = { parse: [] };
    try {
      if (this.#transportSent === 'deferred-message') {
        await this.editOriginal({ content, allowed_mentions });
      } else if (this.#transportSent === 'deferred-update') {
        await this.followUp({ content, flags: EPHEMERAL, allowed_mentions });
      } else if (this.#transportSent === 'none') {
        this.#write(
          this.#o.interactionType === InteractionType.ApplicationCommandAutocomplete
            ? { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } }
            : {
                type: InteractionResponseType.ChannelMessageWithSource,
                data: { content, flags: EPHEMERAL, allowed_mentions },
              },
        );
        await this.#delivered;
      }
    } catch (err) {
      this.#o.log.warn('could not send the error reply', {
        interaction: this.#o.interactionId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** The handler's first response arriving after the transport's deferral: carried by the webhook routes. */
  async #late(response: APIInteractionResponse): Promise<void> {
    const sent = this.#transportSent;
    const id = this.#o.interactionId;
    switch (response.type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const { flags, ...rest } = response.data ?? {};
        // After a deferred update, @original is the message the button is on: a new message is a follow-up.
        if (sent === 'deferred-update') return this.followUp({ ...rest, ...(flags ? { flags } : {}) });
        // Ephemerality was fixed by the deferral; the edit cannot change it.
        if (sent === 'deferred-message') return this.editOriginal(rest);
        break;
      }
      case InteractionResponseType.UpdateMessage:
        if (sent !== 'empty-choices') return this.editOriginal(response.data ?? {});
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource:
      case InteractionResponseType.DeferredMessageUpdate:
        if (sent !== 'empty-choices') return; // already deferred
        break;
      default:
        break;
    }
    this.#o.log.warn(
      'the handler responded after the safety deferral with a response that can no longer be sent',
      {
        interaction: id,
        response: response.type,
      },
    );
  }

  #safetyResponse(): [APIInteractionResponse, TransportSent] {
    switch (this.#o.interactionType) {
      case InteractionType.MessageComponent:
        return [{ type: InteractionResponseType.DeferredMessageUpdate }, 'deferred-update'];
      case InteractionType.ApplicationCommandAutocomplete:
        return [
          { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } },
          'empty-choices',
        ];
      default:
        return [
          { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: EPHEMERAL } },
          'deferred-message',
        ];
    }
  }

  /** Hands one initial response to node:http (once; later calls and a closed connection do nothing). */
  #write(response: APIInteractionResponse): void {
    const { res } = this.#o;
    if (this.#written) return;
    this.#written = true;
    this.#clearTimer();
    if (res.destroyed || res.headersSent) return;
    const body = JSON.stringify(this.#o.redact ? this.#o.redact(response) : response);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
