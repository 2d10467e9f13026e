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

import { MAX_BUTTON_ARG } from './custom-id.js';

export const COMMAND_NAMES = {
  ask: 'ask',
  sources: 'sources',
  read: 'read',
  help: 'help',
  reindex: 'reindex',
} as const;
export const CONTEXT_MENU_NAME = 'Ask citebot';
/** /ask's user option: the answer is posted for that person, mentioning them. */
export const FOR_OPTION = 'for';
/** Longest article or section name accepted in an option (a typed name; picked ones are shorter). */
export const NAME_OPTION_CHARS = 200;

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
        max_length: NAME_OPTION_CHARS,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: 'private',
        description: 'Only you see the answer (you can still post it to the channel)',
      },
      {
        type: ApplicationCommandOptionType.User,
        name: FOR_OPTION,
        description: 'Servers: post the answer in the channel for this person (mentions them)',
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
        max_length: NAME_OPTION_CHARS,
      },
    ],
  },
  {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAMES.read,
    description: 'Read a whole section of an article, quoted passage by passage',
    ...EVERYWHERE,
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'article',
        description: 'The article',
        required: true,
        autocomplete: true,
        max_length: NAME_OPTION_CHARS,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'section',
        description: 'The section (pick the article first)',
        required: true,
        autocomplete: true,
        max_length: NAME_OPTION_CHARS,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'page',
        description: 'Start at this page (default 1)',
        min_value: 1,
        max_value: MAX_BUTTON_ARG + 1,
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
