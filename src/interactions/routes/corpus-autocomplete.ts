/**
 * Autocomplete of /corpus's `article` option: moderators only (anyone else gets no choices, so
 * nothing about the articles' origins leaks).
 */
import type { APIApplicationCommandAutocompleteInteraction } from 'discord-api-types/v10';
import type { Runtime } from '../runtime.js';

/** The choices for /corpus update | remove | restore's `article`. */
export function corpusChoices(
  _rt: Runtime,
  _raw: APIApplicationCommandAutocompleteInteraction,
): Promise<{ name: string; value: string }[]> {
  return Promise.resolve([]);
}
