/**
 * An independent count of the characters Discord adds up towards an embed's 6,000 total
 * (title, description, footer, author name, field names and values), for tests that check
 * the renderer's limits without using the renderer's own counting.
 */
import type { APIEmbed } from 'discord-api-types/v10';

export function embedChars(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0)
  );
}
