/**
 * The moderators' commands of the command table (spec.ts): /feedback, /corpus and /insights, each
 * one entry with its subcommands and their options. Bounds come from bounds.ts, never literals.
 */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import {
  DEFAULT_INSIGHTS_DAYS,
  MAX_INSIGHTS_DAYS,
  MAX_LOG_PAGE,
  MAX_QUESTION_CHARS,
  MAX_REVIEW_PAGE,
  PASSAGE_OPTION_CHARS,
  URL_OPTION_CHARS,
} from './bounds.js';
import { articleOption } from './spec-options.js';
import type { CommandSpec } from './spec-types.js';

/** /feedback: review picks and votes, teach answers. */
export const FEEDBACK_COMMAND: CommandSpec = {
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
};

/** /corpus: add, update, remove and restore articles, and the audit log. */
export const CORPUS_COMMAND: CommandSpec = {
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
};

/** /insights: what people asked, what was declined, what was voted down. */
export const INSIGHTS_COMMAND: CommandSpec = {
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
};
