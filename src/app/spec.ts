/**
 * The command table: every command citebot knows, written once. The Discord registration JSON
 * (registration.ts), the option checks (check.ts), the terminal's line parser (terminal.ts), both
 * help texts (help.ts) and the name → route map (routes.ts) are all derived from it. Bounds come
 * from named constants (bounds.ts), never literals, so no limit is written twice.
 */
import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
} from 'discord-api-types/v10';

import {
  DEFAULT_INSIGHTS_DAYS,
  DEFAULT_RESULTS,
  DISCORD_MAX_RESULTS,
  MAX_INSIGHTS_DAYS,
  MAX_LOG_PAGE,
  MAX_QUESTION_CHARS,
  MAX_READ_PAGE,
  MAX_RESULTS,
  MAX_REVIEW_PAGE,
  NAME_OPTION_CHARS,
  PASSAGE_OPTION_CHARS,
  URL_OPTION_CHARS,
} from './bounds.js';

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

/** /ask's user option: the answer is posted for that person, mentioning them. */
export const FOR_OPTION = 'for';

/** The message command's name (right-click a message → Apps). */
export const CONTEXT_MENU_NAME = 'Ask citebot';

/** The bounds of `results`: per Discord answer page, and per terminal answer (`npm run ask --results`). */
export const RESULTS_BOUNDS: Readonly<Record<Surface, { min: number; max: number }>> = {
  discord: { min: 1, max: DISCORD_MAX_RESULTS },
  terminal: { min: 1, max: MAX_RESULTS },
};

const { min: minResults, max: maxResults } = RESULTS_BOUNDS.discord;

/**
 * A command of the terminal only (the operator's feedback: `/good`, `/bad`, `/pick`, `/review`,
 * `/undo`, `/confirm`), as a one-entry list to spread into the table.
 */
function terminalOnly(name: string, route: Route, terminal: TerminalForm): CommandSpec[] {
  return [
    {
      name,
      kind: 'chat',
      route,
      availability: 'everywhere',
      audience: 'everyone',
      surfaces: ['terminal'],
      terminal,
    },
  ];
}

/** A required `article` option picked by autocomplete (/read, /corpus update | remove | restore). */
function articleOption(description: string): OptionSpec {
  return {
    type: ApplicationCommandOptionType.String,
    name: 'article',
    description,
    required: true,
    autocomplete: true,
    max_length: NAME_OPTION_CHARS,
  };
}

/** Every command, in registration order. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: 'ask',
    kind: 'chat',
    route: 'ask',
    description: 'Answer a question with exact quotes from the articles',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['discord', 'terminal'],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'question',
        description: 'What do you want to know?',
        required: true,
        max_length: MAX_QUESTION_CHARS,
        autocomplete: true,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'results',
        description: `How many passages to show (${minResults}-${maxResults}, default ${DEFAULT_RESULTS})`,
        min_value: minResults,
        max_value: maxResults,
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
    discordHelp: `\`/ask question:\` — answer with quotes. Options: \`results\` (${minResults}–${maxResults}), \`article\`, \`private\`, \`${FOR_OPTION}\` (in a server: post the answer in the channel for someone).`,
    terminal: { usage: '/ask QUESTION', argument: 'required', asks: true },
  },
  {
    name: 'sources',
    kind: 'chat',
    route: 'sources',
    description: 'List the articles, or one article’s sections',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['discord', 'terminal'],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'article',
        description: 'Show this article’s sections',
        autocomplete: true,
        max_length: NAME_OPTION_CHARS,
      },
    ],
    discordHelp: '`/sources [article]` — the articles, or one article’s sections.',
    terminal: { usage: '/sources [article]', argument: 'optional' },
  },
  {
    name: 'article',
    kind: 'chat',
    route: 'article',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['terminal'],
    terminal: { usage: '/article [name]', argument: 'optional' },
  },
  ...terminalOnly('good', 'vote-up', { usage: '/good', argument: 'none' }),
  ...terminalOnly('bad', 'vote-down', { usage: '/bad', argument: 'none' }),
  ...terminalOnly('pick', 'pick', { usage: '/pick N|none', argument: 'required' }),
  ...terminalOnly('review', 'review', { usage: '/review [page]', argument: 'optional' }),
  ...terminalOnly('undo', 'undo', { usage: '/undo ID', argument: 'required' }),
  ...terminalOnly('confirm', 'confirm', { usage: '/confirm ID', argument: 'required' }),
  ...terminalOnly('log', 'log', { usage: '/log [page]', argument: 'optional' }),
  {
    name: 'read',
    kind: 'chat',
    route: 'read',
    description: 'Read a whole section of an article, quoted passage by passage',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['discord'],
    options: [
      articleOption('The article'),
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
        max_value: MAX_READ_PAGE,
      },
    ],
    discordHelp: '`/read article: section: [page]` — a whole section, quoted passage by passage.',
  },
  {
    name: 'help',
    kind: 'chat',
    route: 'help',
    description: 'What citebot does and how to ask',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['discord', 'terminal'],
    discordHelp: '`/help` — this message.',
    terminal: { usage: '/help', argument: 'none' },
  },
  {
    name: 'reindex',
    kind: 'chat',
    route: 'reindex',
    description: 'Moderators: re-read the articles and rebuild the index',
    availability: 'servers',
    audience: 'moderator',
    surfaces: ['discord', 'terminal'],
    discordHelp: '`/reindex` — moderators: re-read the articles.',
    terminal: { usage: '/reindex', argument: 'none' },
  },
  {
    name: 'feedback',
    kind: 'chat',
    route: 'feedback',
    description: 'Moderators: review what people picked, and teach answers',
    availability: 'servers',
    audience: 'moderator',
    surfaces: ['discord'],
    subcommands: [
      {
        name: 'review',
        description: 'Recent picks and votes, to undo or confirm picks',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'page',
            description: 'Start at this page (default 1, the newest)',
            min_value: 1,
            max_value: MAX_REVIEW_PAGE,
          },
        ],
      },
      {
        name: 'teach',
        description: 'Teach which passage answers a question (or that none does)',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'question',
            description: 'The question (recent ones are offered)',
            required: true,
            max_length: MAX_QUESTION_CHARS,
            autocomplete: true,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'passage',
            description: 'The passage that answers it (type words of its text)',
            autocomplete: true,
            max_length: PASSAGE_OPTION_CHARS,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'verdict',
            description: 'answer: the passage answers it (default); none: the articles don’t',
            choices: [
              { name: 'answer', value: 'answer' },
              { name: 'none', value: 'none' },
            ],
          },
        ],
      },
    ],
    discordHelp:
      '`/feedback review [page]` · `/feedback teach question: [passage] [verdict]` — moderators: undo or confirm what people picked after a 👎, or teach an answer.',
  },
  {
    name: 'corpus',
    kind: 'chat',
    route: 'corpus',
    description: 'Moderators: add, update or remove articles, and see the audit log',
    availability: 'servers',
    audience: 'moderator',
    surfaces: ['discord'],
    subcommands: [
      {
        name: 'add',
        description: 'Add an article from an attachment (.txt, .md, .html) or a web page',
        options: [
          {
            type: ApplicationCommandOptionType.Attachment,
            name: 'file',
            description: 'A .txt, .md or .html file',
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'url',
            description: 'A web page (http or https)',
            max_length: URL_OPTION_CHARS,
          },
        ],
      },
      {
        name: 'update',
        description: 'Fetch an article’s page again, or replace its text with a new attachment',
        options: [
          articleOption('An article added from Discord'),
          {
            type: ApplicationCommandOptionType.Attachment,
            name: 'file',
            description: 'The new text (.txt, .md or .html); none = fetch its page again',
          },
        ],
      },
      {
        name: 'remove',
        description: 'Remove an article added from Discord, or hide a folder article',
        options: [articleOption('The article')],
      },
      {
        name: 'restore',
        description: 'Show a hidden folder article again',
        options: [articleOption('A hidden folder article')],
      },
      {
        name: 'log',
        description: 'Who changed the articles, re-indexed or undid a pick, and when',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'page',
            description: 'Start at this page (default 1, the newest)',
            min_value: 1,
            max_value: MAX_LOG_PAGE,
          },
        ],
      },
    ],
    discordHelp:
      '`/corpus add file:|url:` · `update` · `remove` · `restore` · `log` — moderators: change the articles (nothing changes until you confirm), and see who changed what.',
  },
  {
    name: 'insights',
    kind: 'chat',
    route: 'insights',
    description: 'Moderators: what people ask, what the articles miss, what was voted down',
    availability: 'servers',
    audience: 'moderator',
    surfaces: ['discord'],
    options: [
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'days',
        description: `The last this many days (default ${DEFAULT_INSIGHTS_DAYS})`,
        min_value: 1,
        max_value: MAX_INSIGHTS_DAYS,
      },
    ],
    discordHelp: `\`/insights [days]\` — moderators: frequent and declined questions, answers voted down, articles quoted most and never (default ${DEFAULT_INSIGHTS_DAYS} days).`,
  },
  {
    name: 'quit',
    kind: 'chat',
    route: 'quit',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['terminal'],
    terminal: { usage: '/quit', argument: 'none', aliases: ['exit'], note: '(or Ctrl-D)' },
  },
  {
    name: CONTEXT_MENU_NAME,
    kind: 'message',
    route: 'ask-message',
    availability: 'everywhere',
    audience: 'everyone',
    surfaces: ['discord'],
    discordHelp: `Right-click a message → Apps → **${CONTEXT_MENU_NAME}** to ask with its text.`,
  },
];

/** The commands of one surface, in table order. */
export function commandsOf(surface: Surface): CommandSpec[] {
  return COMMAND_SPECS.filter((c) => c.surfaces.includes(surface));
}

/** The subcommand `sub` of command `name`, if there is one. */
export function subcommandOf(name: string, sub: string): SubcommandSpec | undefined {
  return COMMAND_SPECS.find((c) => c.name === name)?.subcommands?.find((s) => s.name === sub);
}

/** The Discord slash command called `name`, if there is one. */
export function discordCommand(name: string): CommandSpec | undefined {
  return COMMAND_SPECS.find((c) => c.name === name && c.surfaces.includes('discord'));
}
