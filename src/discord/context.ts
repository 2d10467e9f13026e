/**
 * What a route outside bot.ts needs from the bot: the services, the signer, the config, and
 * the bot's one way of answering an interaction (so every reply keeps its guarantees: the
 * first response sent once, follow-ups after a deferral, no pings, no secrets).
 */
import type { ButtonInteraction, RepliableInteraction } from 'discord.js';
import type { Services } from '../commands/commands.js';
import type { Config } from '../config.js';
import type { CustomIdSigner } from './custom-id.js';
import type { ReplyPayload } from './render.js';

export interface RouteContext {
  services: Services;
  signer: CustomIdSigner;
  config: Config;
  /** Removes secrets from user text. */
  clean(text: string): string;
  /** Answers the interaction (first response, or edit/follow-up when already answered). */
  send(i: RepliableInteraction, p: ReplyPayload): Promise<void>;
  /** Replaces the message the button is on (first response, type 7). */
  update(i: ButtonInteraction, p: ReplyPayload): Promise<void>;
  /** Acknowledges a button without a new message; @original is then the message clicked. */
  deferUpdate(i: ButtonInteraction): Promise<void>;
}
