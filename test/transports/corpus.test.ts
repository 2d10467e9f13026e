/**
 * /corpus over both transports (the gateway through discord.js, the HTTP Interactions Endpoint): a
 * moderator adds a web page (deferred, then the preview with Add / Cancel), clicks Add (a deferred
 * update, then the outcome in place), and the next question is answered from the new article.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/corpus/library.js';
import { readStoreSources } from '../../src/corpus/store-sources.js';
import { CorpusAdmin } from '../../src/manage/admin.js';
import type { Store } from '../../src/store/corpus-types.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { button, slashCommand, user } from '../harness/index.js';
import { type Pages, startPages } from '../harness/pages.js';
import { MOD_ROLE, moderatedGuild, ROOT } from '../discord/setup.js';
import { buttonId } from '../interactions/setup.js';
import { startTransport, type TransportRun, TRANSPORTS } from './setup.js';

const PAGE = `<!DOCTYPE html><html><head><title>Lighthouse keeping</title></head><body><article>
<h1>Lighthouse keeping</h1><h2>The lamp</h2>
<p>The keeper trimmed the wick every evening at dusk and wound the clockwork that turned the great lens through the night.</p>
<h2>Storms</h2><p>In a storm the keeper stayed awake in the lantern room, watching that the light never failed while ships passed.</p>
</article></body></html>`;

describe.each(TRANSPORTS)('/corpus over the %s transport', (name) => {
  let run: TransportRun;
  let pages: Pages;
  let store: Store;
  let data: string;
  beforeAll(async () => {
    pages = await startPages();
    pages.route('/lighthouse', { type: 'text/html; charset=utf-8', body: PAGE });
    run = await startTransport(
      name,
      { MODERATOR_ROLE_IDS: MOD_ROLE, COOLDOWN_QUESTIONS: '1000' },
      { server: { guilds: [moderatedGuild()] } },
    );
    data = await mkdtemp(path.join(tmpdir(), 'citebot-corpus-transport-'));
    store = await openSqliteStore(data);
    const library = new Library({
      dir: path.join(ROOT, 'corpus'),
      storeSources: () => readStoreSources(store),
    });
    await library.reindex();
    run.services.library = library;
    run.services.admin = new CorpusAdmin({
      store,
      library,
      fetch: { maxBytes: 1024 * 1024, allowHosts: ['127.0.0.1'] },
    });
  }, 30_000);
  afterAll(async () => {
    await run?.stop();
    await store?.close();
    await pages?.close();
    if (data) await rm(data, { recursive: true, force: true });
  });

  it('add by link: deferred, the preview, Add, the outcome, then answers quote it', async () => {
    const moderator = { user: user(), roles: [MOD_ROLE] };
    const add = slashCommand({
      name: 'corpus',
      subcommand: 'add',
      options: { url: `${pages.url}/lighthouse` },
      ...moderator,
    });
    const first = await run.interact(add);
    expect(first.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const preview = await run.waitForEdit(add);
    const shown = JSON.stringify(preview.body);
    expect(shown).toMatch(/Lighthouse keeping/u);
    expect(shown).toMatch(/2 passages/u);
    const click = button({ customId: buttonId(preview.body, 'Add'), ...moderator });
    const clicked = await run.interact(click);
    expect(clicked.body.type).toBe(6);
    const done = await run.waitForEdit(click);
    expect(JSON.stringify(done.body)).toMatch(/Added “Lighthouse keeping”/u);
    expect((await store.articles()).map((a) => a.title)).toEqual(['Lighthouse keeping']);

    const asked = await run.interact(
      slashCommand({
        name: 'ask',
        options: { question: 'who wound the clockwork that turned the lens' },
        user: user(),
      }),
    );
    expect(JSON.stringify(asked.body)).toMatch(/wound the clockwork/u);

    const listed = await run.interact(slashCommand({ name: 'sources', user: user() }));
    const fields = (listed.body.data.embeds[0].fields ?? []) as { name: string; value: string }[];
    const added = fields.find((f) => f.name === 'Lighthouse keeping');
    expect(added?.value).toContain(`Added from Discord by <@${moderator.user.id}>`);
    expect(fields.filter((f) => f.value.includes('From the corpus folder'))).toHaveLength(2);
    expect(listed.body.data.allowed_mentions).toEqual({ parse: [] });
  });
});
