/**
 * Autocomplete of /corpus's `article` option: moderators only (anyone else gets no choices, so
 * nothing about the articles' origins leaks). `update` offers the articles added from Discord,
 * `remove` every indexed article, `restore` the hidden folder articles (the corpus service says which).
 */
import type { APIApplicationCommandAutocompleteInteraction } from 'discord-api-types/v10';
import { NAME_OPTION_CHARS } from '../../discord/commands.js';
import { truncate } from '../../discord/escape.js';
import { LIMITS } from '../../discord/limits.js';
import type { ArticleOrigin } from '../../manage/types.js';
import { isModerator } from '../permissions.js';
import { focusedOption, subcommandOf } from '../raw.js';
import type { Runtime } from '../runtime.js';

type Purpose = 'update' | 'remove' | 'restore';
const PURPOSES: ReadonlySet<string> = new Set<Purpose>(['update', 'remove', 'restore']);

/** Where an article comes from, in a few plain words (a choice shows no mentions or timestamps). */
function fromWords(o: ArticleOrigin): string {
  if (o.origin === 'folder') return o.hidden ? 'hidden folder article' : 'folder';
  const day = o.addedAt ? ` ${new Date(o.addedAt).toISOString().slice(0, 10)}` : '';
  // A Discord user id means nothing in a list; a name (terminal, cli) does.
  return o.addedBy && !/^\d{1,20}$/u.test(o.addedBy)
    ? `added by ${o.addedBy}${day}`
    : `added from Discord${day}`;
}

/** One line: no line breaks or runs of spaces. */
function flat(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/** "Title (file) · where it comes from", on one line within LIMITS.choiceName; the origin always shows. */
export function choiceName(o: ArticleOrigin): string {
  const from = ` · ${truncate(flat(fromWords(o)), LIMITS.choiceName / 2)}`;
  return `${truncate(flat(`${o.title} (${o.file})`), LIMITS.choiceName - from.length)}${from}`;
}

/** The choices for /corpus update | remove | restore's `article` (value: the article's file). */
export async function corpusChoices(
  rt: Runtime,
  raw: APIApplicationCommandAutocompleteInteraction,
): Promise<{ name: string; value: string }[]> {
  const admin = rt.services.admin;
  if (!admin || !isModerator(rt.config, raw)) return [];
  const sub = subcommandOf(raw);
  if (!sub || !PURPOSES.has(sub.name)) return [];
  const focused = focusedOption(sub.options);
  if (focused?.name !== 'article') return [];
  const typed = rt.redactor.text(focused.value).slice(0, NAME_OPTION_CHARS);
  const found = await admin.choices(typed, sub.name as Purpose);
  return (
    found
      // A file longer than a choice's value could not be picked back: it is left out.
      .filter((o) => o.file.length > 0 && o.file.length <= LIMITS.choiceValue)
      .slice(0, LIMITS.choices)
      .map((o) => ({ name: choiceName(o), value: o.file }))
  );
}
