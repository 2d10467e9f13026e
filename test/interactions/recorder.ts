/**
 * A Responder that records what the handler sends, and holds it to the contract: one initial response
 * (a second rejects with AlreadyRespondedError), no edit, follow-up or delete before it. Failures can be
 * queued per call kind to see how the handler copes.
 */
import type {
  APIInteractionResponse,
  RESTPatchAPIWebhookWithTokenMessageJSONBody,
  RESTPostAPIWebhookWithTokenJSONBody,
} from 'discord-api-types/v10';
import type { Json } from '../harness/index.js';
import { AlreadyRespondedError, type Responder } from '../../src/interactions/types.js';

export type Call =
  | { kind: 'respond'; body: APIInteractionResponse; at: number }
  | { kind: 'edit'; body: RESTPatchAPIWebhookWithTokenMessageJSONBody; at: number }
  | { kind: 'followUp'; body: RESTPostAPIWebhookWithTokenJSONBody; at: number }
  | { kind: 'delete'; at: number };

type Kind = Call['kind'];

export class RecordingResponder implements Responder {
  /** Calls that succeeded, in order. */
  readonly calls: Call[] = [];
  /** Calls attempted (also those that failed). */
  attempts = 0;
  #responded = false;
  readonly #failures = new Map<Kind, unknown[]>();

  constructor(readonly interactionId: string) {}

  get responded(): boolean {
    return this.#responded;
  }

  /** The next call of this kind throws `err` (and does nothing). */
  failNext(kind: Kind, err: unknown): this {
    this.#failures.set(kind, [...(this.#failures.get(kind) ?? []), err]);
    return this;
  }

  #fail(kind: Kind): void {
    this.attempts += 1;
    const queued = this.#failures.get(kind);
    if (queued?.length) throw queued.shift();
  }

  #afterInitial(what: string): void {
    if (!this.#responded) throw new Error(`${what} before the initial response (Discord: Unknown Webhook)`);
  }

  async respond(response: APIInteractionResponse): Promise<void> {
    if (this.#responded) throw new AlreadyRespondedError(this.interactionId);
    this.#responded = true;
    try {
      this.#fail('respond');
    } catch (err) {
      this.#responded = false;
      throw err;
    }
    this.calls.push({ kind: 'respond', body: response, at: Date.now() });
  }

  async editOriginal(body: RESTPatchAPIWebhookWithTokenMessageJSONBody): Promise<void> {
    this.#afterInitial('editOriginal');
    this.#fail('edit');
    this.calls.push({ kind: 'edit', body, at: Date.now() });
  }

  async followUp(body: RESTPostAPIWebhookWithTokenJSONBody): Promise<void> {
    this.#afterInitial('followUp');
    this.#fail('followUp');
    this.calls.push({ kind: 'followUp', body, at: Date.now() });
  }

  async deleteOriginal(): Promise<void> {
    this.#afterInitial('deleteOriginal');
    this.#fail('delete');
    this.calls.push({ kind: 'delete', at: Date.now() });
  }

  /** The initial responses that went out (exactly one for every answered interaction). */
  get initial(): APIInteractionResponse[] {
    return this.calls.flatMap((c) => (c.kind === 'respond' ? [c.body] : []));
  }

  /** The one initial response; fails the test when there is not exactly one. */
  only(): APIInteractionResponse & { data?: Record<string, Json> } {
    const all = this.initial;
    if (all.length !== 1) throw new Error(`expected one initial response, got ${all.length}`);
    return all[0] as APIInteractionResponse & { data?: Record<string, Json> };
  }
}
