/**
 * The application commands, as the JSON Discord's bulk-overwrite endpoint takes.
 * Names and option names are part of the contract: change them only with care.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';

export const COMMAND_NAMES = { ask: 'ask', sources: 'sources', help: 'help', reindex: 'reindex' } as const;
export const CONTEXT_MENU_NAME = 'Ask citebot';

/** Everywhere: servers, DMs with the bot, and group DMs; installable to a server or to a user. */
const EVERYWHERE = {
  contexts: [
    InteractionContextType.Guild,
    InteractionContextType.BotDM,
    InteractionContextType.PrivateChannel,
  ],
  integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
};

export const COMMANDS: RESTPutAPIApplicationCommandsJSONBody = [
  {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAMES.ask,
    description: 'Answer a question with exact quotes from the articles',
    ...EVERYWHERE,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'question',
        description: 'What do you want to know?',
        required: true,
        max_length: 1000,
        autocomplete: true,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'results',
        description: 'How many passages to show (1-5, default 3)',
        min_value: 1,
        max_value: 5,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'article',
        description: 'Only search this article',
        autocomplete: true,
        max_length: 200,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: 'private',
        description: 'Only you see the answer (you can still post it to the channel)',
      },
    ],
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAMES.sources,
    description: 'List the articles, or one article’s sections',
    ...EVERYWHERE,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'article',
        description: 'Show this article’s sections',
        autocomplete: true,
        max_length: 200,
      },
    ],
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAMES.help,
    description: 'What citebot does and how to ask',
    ...EVERYWHERE,
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAMES.reindex,
    description: 'Moderators: re-read the articles and rebuild the index',
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  },
  {
    type: ApplicationCommandType.Message,
    name: CONTEXT_MENU_NAME,
    ...EVERYWHERE,
  },
];
