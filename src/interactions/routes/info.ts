/**
 * /sources [article] and /help.
 */
import type { APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import { help, sourcesWithOrigins } from '../../commands/commands.js';
import { renderHelp, renderNote, renderSources } from '../../discord/render.js';
import { optionsOf, stringOption } from '../raw.js';
import type { InteractionReply } from '../reply.js';
import type { Runtime } from '../runtime.js';

/** /sources: the articles, or one article's sections. */
export async function onSources(
  rt: Runtime,
  reply: InteractionReply,
  raw: APIChatInputApplicationCommandInteraction,
): Promise<void> {
  const article = stringOption(optionsOf(raw), 'article');
  const r = await sourcesWithOrigins(rt.services, article === null ? undefined : rt.redactor.text(article));
  await reply.send(
    r.kind === 'error'
      ? renderNote(r.message, 'error')
      : renderSources(r.articles, r.article, r.semantic, r.origins),
  );
}

/** /help: what citebot does and how to ask. */
export async function onHelp(rt: Runtime, reply: InteractionReply): Promise<void> {
  const h = help(rt.services);
  await reply.send(renderHelp(h.articles, h.passages));
}
