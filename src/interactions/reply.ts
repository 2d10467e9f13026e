/**
 * The one reply helper: turns a rendered reply into the right raw call for where the exchange
 * stands. Before anything was sent, a message is the initial response (type 4 ChannelMessageWithSource,
 * type 7 UpdateMessage for a button's own message, type 5/6 deferrals). After a deferred message (5) the
 * reply edits @original; after a deferred update (6), or once something was sent, it is a follow-up (an
 * edit after type 6 would overwrite the message the button is on). `flags` cannot change on an edit or an
 * update and do not exist on channel messages: they are stripped here and nowhere else.
 */
import {
  InteractionResponseType,
  type MessageFlags,
  type APIApplicationCommandOptionChoice,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { EPHEMERAL } from '../discord/limits.js';
import type { ReplyPayload } from '../discord/render.js';
import type { InteractionOutcome } from '../ops/metrics.js';
import { type RawInteraction, userOf } from './raw.js';
import type { Responder } from './types.js';

/** Where a reply goes: an interaction (through its Responder) or a channel message (gateway DMs, mentions). */
export interface ReplyTarget {
  /** What the id names, for the logs. */
  readonly kind: 'interaction' | 'message';
  readonly id: string;
  /** Who asked. */
  readonly userId: string;
  /** When it reached this process (ms since the epoch): the deadline runs from here. */
  readonly receivedAt: number;
  /** Sends a rendered reply: first response, edit or follow-up, whichever is due. */
  send(p: ReplyPayload): Promise<void>;
  /** Acknowledges now to answer later (interactions); absent where there is no deadline to hold. */
  defer?(ephemeral: boolean): Promise<void>;
  /** Cooldown notices only once per window: true where no reply is owed (messages). */
  readonly quietCooldown: boolean;
  /** How it ended, set by the route that knows (unset: `ok`); logged and counted once handled. */
  outcome?: InteractionOutcome;
}

/** A reply without `flags` (for edits, updates and channel messages). */
function withoutFlags(p: ReplyPayload): Omit<ReplyPayload, 'flags'> {
  const { flags: _flags, ...rest } = p;
  return rest;
}

/** A rendered reply as a channel message answering `messageId`, pinging nobody (not even its author). */
export function channelReply(p: ReplyPayload, messageId: string): RESTPostAPIChannelMessageJSONBody {
  return {
    ...withoutFlags(p),
    allowed_mentions: { ...p.allowed_mentions, replied_user: false },
    message_reference: { message_id: messageId, fail_if_not_exists: false },
  };
}

type State = 'none' | 'replied' | 'deferred' | 'deferred-update';

/** Whether a reply is meant to notify someone (it allows a user mention). */
function pings(p: ReplyPayload): boolean {
  const m = p.allowed_mentions as { users?: readonly string[] } | undefined;
  return (m?.users?.length ?? 0) > 0;
}

/** The reply state of one interaction and the calls that answer it. */
export class InteractionReply implements ReplyTarget {
  readonly kind = 'interaction';
  readonly quietCooldown = false;
  readonly userId: string;
  outcome?: InteractionOutcome;
  #state: State = 'none';

  constructor(
    readonly raw: RawInteraction,
    readonly responder: Responder,
    readonly receivedAt: number,
  ) {
    this.userId = userOf(raw).id;
  }

  get id(): string {
    return this.raw.id;
  }

  /** Whether the initial response went out (then only edits and follow-ups are left). */
  get answered(): boolean {
    return this.#state !== 'none';
  }

  async send(p: ReplyPayload): Promise<void> {
    switch (this.#state) {
      case 'none':
        await this.responder.respond({ type: InteractionResponseType.ChannelMessageWithSource, data: p });
        this.#state = 'replied';
        return;
      case 'deferred':
        if (pings(p)) {
          // An edit never notifies anyone it mentions: an answer addressed to someone (`/ask for:`)
          // that had to be deferred is posted as a follow-up, which does, and the "thinking…"
          // placeholder is removed.
          await this.responder.followUp(withoutFlags(p));
          this.#state = 'replied';
          await this.responder.deleteOriginal();
          return;
        }
        await this.responder.editOriginal(withoutFlags(p));
        this.#state = 'replied';
        return;
      default:
        await this.responder.followUp(p);
    }
  }

  /** Replaces the message the button is on (type 7). */
  async update(p: ReplyPayload): Promise<void> {
    await this.responder.respond({ type: InteractionResponseType.UpdateMessage, data: withoutFlags(p) });
    this.#state = 'replied';
  }

  /**
   * Replaces the message the component is on: type 7 before anything was sent; after a deferred
   * update (type 6), an edit of @original, which is then that message. Anything else sends it
   * (`send`): there is no message of the component's own to replace.
   */
  async replace(p: ReplyPayload): Promise<void> {
    if (this.#state === 'none') return this.update(p);
    if (this.#state !== 'deferred-update') return this.send(p);
    await this.responder.editOriginal(withoutFlags(p));
    this.#state = 'replied';
  }

  /** "citebot is thinking…" (type 5), ephemeral as the answer will be; the answer edits it. */
  async defer(ephemeral: boolean): Promise<void> {
    await this.responder.respond({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      // As discord.js sent it: the flags field always present, 0 for a public answer.
      data: { flags: (ephemeral ? EPHEMERAL : 0) as MessageFlags },
    });
    this.#state = 'deferred';
  }

  /** Acknowledges a button without a new message (type 6); @original is then the message clicked. */
  async deferUpdate(): Promise<void> {
    await this.responder.respond({ type: InteractionResponseType.DeferredMessageUpdate });
    this.#state = 'deferred-update';
  }

  /** Autocomplete choices (type 8). */
  async choices(choices: APIApplicationCommandOptionChoice[]): Promise<void> {
    await this.responder.respond({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices },
    });
    this.#state = 'replied';
  }

  /** Deletes @original (after a deferred update: the message the button is on). */
  async deleteOriginal(): Promise<void> {
    await this.responder.deleteOriginal();
  }
}
