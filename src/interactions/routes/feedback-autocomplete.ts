/**
 * /feedback teach's autocomplete, for moderators only: `question` offers the question they chose
 * "Another passage…" for, then recent questions from the review list; `passage` offers passages found
 * by the words typed (or, while nothing is typed, by the question), each as a value that names the
 * passage in the current snapshot (its id and text hash), resolved back by `resolvePassage`.
 */
import type { APIApplicationCommandAutocompleteInteraction } from 'discord-api-types/v10';
import type { CorpusIndex } from '../../core/corpus-index.js';
import type { Passage } from '../../core/types.js';
import { truncate } from '../../discord/escape.js';
import { LIMITS } from '../../discord/limits.js';
import { normaliseText, passageLabel, textHash } from '../../learning/anchor.js';
import { focusedOption, stringOption, subcommandOf } from '../raw.js';
import type { Runtime } from '../runtime.js';
import { actorOf } from './feedback.js';

type Choice = { name: string; value: string };

/** A choice's name: one line within the limit. */
function choiceName(text: string): string {
  return truncate(text.replace(/\s+/gu, ' ').trim(), LIMITS.choiceName);
}

/** The value that names a passage of this snapshot: `<id>:<text hash>`. */
export function passageValue(p: Passage): string {
  return `${p.id}:${textHash(p.text)}`;
}

/**
 * The passage a `passage:` value names: one picked from the list (by id, or by its text hash when the
 * articles were re-indexed since), else the one passage holding the typed text verbatim. A message
 * says why when there is none or more than one.
 */
export function resolvePassage(index: CorpusIndex, value: string): Passage | { message: string } {
  const m = /^(\d{1,9}):([0-9a-f]{16})$/u.exec(value.trim());
  if (m) {
    const [, id = '', hash = ''] = m;
    const byId = index.passages[Number(id)];
    const found =
      byId && textHash(byId.text) === hash ? byId : index.passages.find((p) => textHash(p.text) === hash);
    return found ?? { message: 'That passage is not in the articles any more. Pick it again from the list.' };
  }
  const piece = normaliseText(value);
  const holding = piece ? index.passages.filter((p) => normaliseText(p.text).includes(piece)) : [];
  if (holding.length === 1 && holding[0]) return holding[0];
  if (holding.length === 0) {
    return { message: 'No passage holds that text. Type words of the passage and pick it from the list.' };
  }
  return { message: `${holding.length} passages hold that text. Pick the one you mean from the list.` };
}

/** The choices of /feedback teach's focused option (none for anyone but a moderator). */
export async function feedbackChoices(
  rt: Runtime,
  raw: APIApplicationCommandAutocompleteInteraction,
): Promise<Choice[]> {
  const sub = subcommandOf(raw);
  const actor = actorOf(rt, raw);
  if (sub?.name !== 'teach' || !actor.moderator) return [];
  const focused = focusedOption(sub.options);
  if (!focused) return [];
  const typed = rt.redactor.text(focused.value).slice(0, LIMITS.choiceValue * 3);
  if (focused.name === 'question') return questionChoices(rt, actor, typed);
  if (focused.name === 'passage' && rt.services.library.ready) {
    const question = stringOption(sub.options, 'question') ?? '';
    return passageChoices(rt.services.library.index, typed.trim() || rt.redactor.text(question));
  }
  return [];
}

async function questionChoices(
  rt: Runtime,
  actor: ReturnType<typeof actorOf>,
  typed: string,
): Promise<Choice[]> {
  const wanted = typed.trim().toLowerCase();
  const out = new Map<string, Choice>();
  const offer = (q: string | undefined) => {
    const text = q?.replace(/\s+/gu, ' ').trim();
    // A question longer than a choice's value cannot be offered whole; it is typed instead.
    if (!text || text.length > LIMITS.choiceValue || out.has(text.toLowerCase())) return;
    if (wanted && !text.toLowerCase().includes(wanted)) return;
    out.set(text.toLowerCase(), { name: choiceName(text), value: text });
  };
  offer(rt.teachHints.get(actor.userId));
  if (wanted) offer(typed);
  const page = await rt.services.feedback?.review(actor, 1, LIMITS.choices);
  if (page?.ok) {
    for (const p of page.picks) offer(p.pick.question);
    for (const v of page.votes) offer(v.question);
  }
  return [...out.values()].slice(0, LIMITS.choices);
}

function passageChoices(index: CorpusIndex, words: string): Choice[] {
  if (!words.trim()) return [];
  return index.search(words, { limit: LIMITS.choices }).map(({ passage }) => ({
    name: choiceName(`${passageLabel(passage)} — ${passage.text}`),
    value: passageValue(passage),
  }));
}
