/**
 * /read article section [page] and its ◀/▶ buttons. The buttons carry no state on our side: their signed
 * id names the section (see discord/read.ts), so they keep working after the answer store forgot
 * everything, and after a re-index that left the section in place.
 */
import type {
  APIChatInputApplicationCommandInteraction,
  APIMessageComponentButtonInteraction,
} from 'discord-api-types/v10';
import { read } from '../../commands/commands.js';
import { findSectionKey, sectionChoices, sectionKey } from '../../discord/read.js';
import { renderNote, renderRead } from '../../discord/render.js';
import { inGuild, integerOption, optionsOf, type RawInteraction, stringOption } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

function pageId(rt: Runtime, key: string): (page: number) => string {
  return (page) => rt.signer.encode({ action: 'read', answerId: key, arg: page });
}

/** /read: in a server only the reader sees the section (ephemeral); in a DM it is a normal message. */
export async function onRead(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const options = optionsOf(raw);
  const article = rt.redactor.text(stringOption(options, 'article') ?? '');
  const section = rt.redactor.text(stringOption(options, 'section') ?? '');
  const page = integerOption(options, 'page') ?? 1;
  const r = read(rt.services, article, section);
  if (r.kind === 'error') return reply.send(renderNote(r.message, 'error'));
  const key = sectionKey(rt.services.library.index, r.article, r.sectionIndex);
  return reply.send(renderRead(r, page - 1, { pageId: pageId(rt, key), ephemeral: inGuild(raw) }));
}

/** ◀/▶: shows another page of the section in place. */
export async function onReadPage(
  rt: Runtime,
  reply: InteractionReply,
  _raw: APIMessageComponentButtonInteraction,
  key: string,
  page: number,
): Promise<void> {
  const lib = rt.services.library;
  const found = lib.ready ? findSectionKey(lib.index, key) : undefined;
  if (!found) {
    return reply.send(
      renderNote('This section is not in the articles any more (they were re-indexed). Use /read again.'),
    );
  }
  const r = read(rt.services, found.article.file, `#${found.sectionIndex + 1}`);
  if (r.kind === 'error') return reply.send(renderNote(r.message, 'error'));
  return reply.update(renderRead(r, page, { pageId: pageId(rt, key), ephemeral: false }));
}

/** Autocomplete of /read's `section`: the sections of the article chosen in `article`. */
export function readSectionChoices(
  rt: Runtime,
  raw: RawInteraction,
  typed: string,
): { name: string; value: string }[] {
  const lib = rt.services.library;
  if (!lib.ready) return [];
  return sectionChoices(lib.index, stringOption(optionsOf(raw), 'article'), typed);
}
