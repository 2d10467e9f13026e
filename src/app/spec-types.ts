/**
 * The shapes of the command table (spec.ts): where a command runs, who may run it, what it routes
 * to, its options and subcommands, and how the terminal types it.
 */
import {
  type APIApplicationCommandBasicOption,
  ApplicationIntegrationType,
  InteractionContextType,
} from 'discord-api-types/v10';

/** Where a command can be used. */
export type Surface = 'discord' | 'terminal';

/** Who may run a command on Discord (the terminal is its operator's own). */
export type Audience = 'everyone' | 'moderator';

/**
 * What the dispatch of every surface calls. `ask-message` is the message command (Ask citebot);
 * `article` and `quit` are the terminal's own.
 */
export type Route =
  | 'ask'
  | 'ask-message'
  | 'sources'
  | 'read'
  | 'help'
  | 'reindex'
  | 'feedback'
  | 'article'
  | 'quit'
  | 'vote-up'
  | 'vote-down'
  | 'pick'
  | 'review'
  | 'undo'
  | 'confirm'
  | 'corpus'
  | 'log'
  | 'insights';

/**
 * Where a Discord command is offered. `everywhere`: servers, DMs with the bot and group DMs,
 * installable to a server or to a user. `servers`: servers and DMs with the bot, server install only.
 */
export type Availability = 'everywhere' | 'servers';

/** The contexts and integration types each availability registers, in registration order. */
export const AVAILABILITY: Readonly<
  Record<
    Availability,
    { contexts: InteractionContextType[]; integration_types: ApplicationIntegrationType[] }
  >
> = {
  everywhere: {
    contexts: [
      InteractionContextType.Guild,
      InteractionContextType.BotDM,
      InteractionContextType.PrivateChannel,
    ],
    integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  },
  servers: {
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  },
};

/** A slash command option, in Discord's own shape (its keys are registered in the order written). */
export type OptionSpec = APIApplicationCommandBasicOption;

/** How a command is typed in the terminal. */
export interface TerminalForm {
  /** As the terminal's help shows it, e.g. `/sources [article]`. */
  usage: string;
  /** What the rest of the line is: nothing, an optional or a required text argument. */
  argument: 'none' | 'optional' | 'required';
  /** Other names typed for it (`/exit` for `/quit`). */
  aliases?: readonly string[];
  /** Added after the usage in the help line, e.g. "(or Ctrl-D)". */
  note?: string;
  /** The explicit form of asking: the help names it in its closing sentence, not in the list. */
  asks?: boolean;
}

/**
 * A subcommand (`/feedback review`): registered as an option of type Subcommand holding its own
 * options; checked, parsed and helped like a command of its own.
 */
export interface SubcommandSpec {
  name: string;
  /** Discord's description. */
  description: string;
  options?: readonly OptionSpec[];
  /** How the terminal types it (`/feedback review [page]`), when the terminal has it. */
  terminal?: TerminalForm;
}

/** One command. */
export interface CommandSpec {
  name: string;
  /** `chat`: a slash command; `message`: a message context-menu command (Discord only). */
  kind: 'chat' | 'message';
  route: Route;
  /** Discord's description (slash commands). */
  description?: string;
  /** Its options, or (exclusive with options) its subcommands. */
  options?: readonly OptionSpec[];
  subcommands?: readonly SubcommandSpec[];
  availability: Availability;
  audience: Audience;
  surfaces: readonly Surface[];
  /** Discord's /help line (Markdown). */
  discordHelp?: string;
  terminal?: TerminalForm;
}
