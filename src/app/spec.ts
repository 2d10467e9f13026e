/**
 * The command table: every command citebot knows, written once. The Discord registration JSON
 * (registration.ts), the option checks (check.ts), the terminal's line parser (terminal.ts), both
 * help texts (help.ts) and the name → route map (routes.ts) are all derived from it. Bounds come
 * from named constants (bounds.ts), never literals, so no limit is written twice. Its shapes are
 * in spec-types.ts, the moderators' commands in spec-moderation.ts.
 */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import {
  DEFAULT_RESULTS,
  DISCORD_MAX_RESULTS,
  MAX_QUESTION_CHARS,
  MAX_READ_PAGE,
  MAX_RESULTS,
  NAME_OPTION_CHARS,
} from './bounds.js';
import { CORPUS_COMMAND, FEEDBACK_COMMAND, INSIGHTS_COMMAND } from './spec-moderation.js';
import { articleOption } from './spec-options.js';
import type { CommandSpec, Route, Surface, SubcommandSpec, TerminalForm } from './spec-types.js';

export * from './spec-types.js';

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
  FEEDBACK_COMMAND,
  CORPUS_COMMAND,
  INSIGHTS_COMMAND,
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
