/** Options several commands of the table share. */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { NAME_OPTION_CHARS } from './bounds.js';
import type { OptionSpec } from './spec-types.js';

/** A required `article` option picked by autocomplete (/read, /corpus update | remove | restore). */
export function articleOption(description: string): OptionSpec {
  return {
    type: ApplicationCommandOptionType.String,
    name: 'article',
    description,
    required: true,
    autocomplete: true,
    max_length: NAME_OPTION_CHARS,
  };
}
