/**
 * The application commands, as the JSON Discord's bulk-overwrite endpoint takes: derived from the
 * command table (src/app/spec.ts), where every command, option and bound is written once.
 * Names and option names are part of the contract: change them only with care.
 */
import { NAME_OPTION_CHARS } from '../app/bounds.js';
import { registrationJson } from '../app/registration.js';
import { CONTEXT_MENU_NAME, FOR_OPTION } from '../app/spec.js';

export { CONTEXT_MENU_NAME, FOR_OPTION, NAME_OPTION_CHARS };

/** The slash commands' names, as code refers to them. */
export const COMMAND_NAMES = {
  ask: 'ask',
  sources: 'sources',
  read: 'read',
  help: 'help',
  reindex: 'reindex',
  feedback: 'feedback',
  corpus: 'corpus',
  insights: 'insights',
} as const;

/** What `npm run deploy-commands` registers. */
export const COMMANDS = registrationJson();
