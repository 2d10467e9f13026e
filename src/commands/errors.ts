/** The command layer's errors shared by several commands. */
import type { CommandError } from './commands.js';

/** The answer while the first index is still being built. */
export function notReady(): CommandError {
  return {
    kind: 'error',
    code: 'not_ready',
    message: 'The articles are still being indexed. Try again in a moment.',
  };
}
