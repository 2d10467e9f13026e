/** Adds an article to a PostgreSQL store directly, as `/corpus add` on some instance would. */
import { createHash } from 'node:crypto';
import { openPostgresStore } from '../../src/store/postgres.js';

/** Puts `text` in the store at `databaseUrl` as `discord/<slug>.md`, audited as added by `cli`. */
export async function addStoreArticle(
  databaseUrl: string,
  slug: string,
  title: string,
  text: string,
): Promise<void> {
  const store = await openPostgresStore(databaseUrl);
  const now = Date.now();
  const file = `discord/${slug}.md`;
  try {
    await store.putArticle(
      {
        file,
        title,
        text,
        contentHash: createHash('sha256').update(text).digest('hex'),
        addedBy: 'cli',
        addedAt: now,
        updatedBy: 'cli',
        updatedAt: now,
      },
      { actor: 'cli', action: 'add', target: `${title} (${file})`, detail: 'test' },
    );
  } finally {
    await store.close();
  }
}
