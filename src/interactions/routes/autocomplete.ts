/**
 * Autocomplete of `question` (the typed text and suggestions from the index), `article` (titles and
 * files), /read's `section` and /feedback teach's options (feedback-autocomplete.ts), under its own
 * per-user limit (answered with no choices beyond it).
 */
import type { APIApplicationCommandAutocompleteInteraction } from 'discord-api-types/v10';
import { COMMAND_NAMES, NAME_OPTION_CHARS } from '../../discord/commands.js';
import { truncate } from '../../discord/escape.js';
import { LIMITS } from '../../discord/limits.js';
import { commandName, focusedOption, optionsOf } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import { ALREADY_ACKNOWLEDGED, isDiscordCode, UNKNOWN_INTERACTION } from '../rest.js';
import type { Runtime } from '../runtime.js';
import { corpusChoices } from './corpus-autocomplete.js';
import { feedbackChoices } from './feedback-autocomplete.js';
import { readSectionChoices } from './read.js';

type Choice = { name: string; value: string };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Answers an autocomplete interaction; never throws (an answer with no choices is better than none). */
export async function onAutocomplete(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIApplicationCommandAutocompleteInteraction,
): Promise<void> {
  try {
    if (rt.autocomplete.take(reply.userId) > 0) {
      await reply.choices([]);
      return;
    }
    const name = commandName(raw);
    await reply.choices(
      name === COMMAND_NAMES.feedback
        ? await feedbackChoices(rt, raw)
        : name === COMMAND_NAMES.corpus
          ? await corpusChoices(rt, raw)
          : choices(rt, raw),
    );
  } catch (err) {
    if (isDiscordCode(err, UNKNOWN_INTERACTION) || isDiscordCode(err, ALREADY_ACKNOWLEDGED)) return;
    rt.services.log.warn('autocomplete failed', { error: errorText(err) });
    // Nothing was sent yet when building the choices failed: answer with none rather than let it lapse.
    if (!reply.answered) await reply.choices([]).catch(() => undefined);
  }
}

function choices(rt: Runtime, raw: APIApplicationCommandAutocompleteInteraction): Choice[] {
  if (!rt.services.library.ready) return [];
  const index = rt.services.library.index;
  const focused = focusedOption(optionsOf(raw));
  if (!focused) return [];
  const typed = rt.redactor.text(focused.value).slice(0, NAME_OPTION_CHARS);
  const choice = (name: string, value: string): Choice => ({
    name: truncate(name.replace(/\s+/gu, ' ').trim(), LIMITS.choiceName),
    value: value.slice(0, LIMITS.choiceValue),
  });
  if (focused.name === 'article') {
    const q = typed.toLowerCase().trim();
    return index.articles
      .filter((a) => !q || a.title.toLowerCase().includes(q) || a.file.toLowerCase().includes(q))
      .slice(0, LIMITS.choices)
      .map((a) => choice(a.title, a.file.length <= LIMITS.choiceValue ? a.file : a.title));
  }
  if (focused.name === 'section' && commandName(raw) === COMMAND_NAMES.read) {
    return readSectionChoices(rt, raw, typed);
  }
  if (focused.name === 'question') {
    const out = new Map<string, Choice>();
    if (typed.trim()) out.set(typed.trim().toLowerCase(), choice(typed.trim(), typed.trim()));
    const suggestions = typed.trim()
      ? index.suggest(typed, LIMITS.choices - 1)
      : [...new Set(index.articles.flatMap((a) => a.sections.map((s) => s.name.split(' › ').pop() ?? '')))]
          .filter(Boolean)
          .slice(0, LIMITS.choices);
    for (const s of suggestions) {
      if (!out.has(s.toLowerCase())) out.set(s.toLowerCase(), choice(s, s));
    }
    return [...out.values()].filter((c) => c.name.length > 0 && c.value.length > 0).slice(0, LIMITS.choices);
  }
  return [];
}
