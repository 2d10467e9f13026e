import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/core/answer.js';
import { Library } from '../../src/corpus/library.js';
import { readStoreSources } from '../../src/corpus/store-sources.js';
import { CorpusAdmin } from '../../src/manage/admin.js';
import type { Proposed } from '../../src/manage/types.js';
import { PROPOSAL_TTL_MS } from '../../src/manage/types.js';
import type { Store } from '../../src/store/corpus-types.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { type Pages, startPages } from '../harness/pages.js';

const root = path.resolve(import.meta.dirname, '../..');
const RISE = 'the-rise-of-open-source-ai.txt';
const MOD = { userId: '100000000000000001' };
const OTHER = { userId: '100000000000000002' };

const BEES_HTML = `<!DOCTYPE html><html><head><title>Bees of the valley</title></head><body>
<nav>Home · About</nav><article><h1>Bees of the valley</h1>
<h2>Hives</h2><p>A hive holds one queen, thousands of workers and a few hundred drones in the height of summer, when the meadows flower.</p>
<h2>Honey</h2><p>Bees make honey from the nectar they carry back to the hive and dry in the wax comb until it keeps for the winter.</p>
<script>document.write('tracking pixel words')</script></article></body></html>`;

let pages: Pages;
let dir: string;
let data: string;
let store: Store;
let library: Library;
let clock: number;
let admin: CorpusAdmin;

beforeAll(async () => {
  pages = await startPages();
});
afterAll(() => pages.close());

function make(s: Store): { library: Library; admin: CorpusAdmin } {
  const lib = new Library({ dir, storeSources: () => readStoreSources(s) });
  const a = new CorpusAdmin({
    store: s,
    library: lib,
    fetch: { maxBytes: 1024 * 1024, allowHosts: ['127.0.0.1'], timeoutMs: 2000 },
    now: () => clock,
  });
  return { library: lib, admin: a };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-admin-'));
  data = await mkdtemp(path.join(tmpdir(), 'citebot-admin-data-'));
  await cp(path.join(root, 'corpus'), dir, { recursive: true });
  store = await openSqliteStore(data);
  clock = Date.UTC(2026, 0, 1);
  ({ library, admin } = make(store));
  await library.reindex();
  pages.route('/bees', { type: 'text/html; charset=utf-8', body: BEES_HTML, headers: { ETag: '"b1"' } });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
  await rm(data, { recursive: true, force: true });
});

function proposed(r: Awaited<ReturnType<CorpusAdmin['proposeAdd']>>): Proposed {
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r;
}

const beesAnswer = () => answerQuestion(library.index, 'how many drones live in a hive in summer');

describe('adding an article', () => {
  it('by link: a preview first, nothing changes until Add, then it is indexed and quoted', async () => {
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees` }));
    expect(p.preview).toMatchObject({
      title: 'Bees of the valley',
      sections: ['Hives', 'Honey'],
      passages: 2,
    });
    expect(p.preview.sample).toMatch(/^A hive holds one queen/u);
    expect(p.expiresAt).toBe(clock + PROPOSAL_TTL_MS);
    expect(await store.articles()).toEqual([]);
    expect(library.index.articles).toHaveLength(2);

    const done = await admin.decide(MOD, p.proposalId, 'confirm');
    expect(done).toMatchObject({ ok: true, message: 'Added “Bees of the valley” (2 passages).' });
    const [stored] = await store.articles();
    expect(stored).toMatchObject({ sourceUrl: `${pages.url}/bees`, etag: '"b1"', addedBy: MOD.userId });
    expect(stored?.text).not.toMatch(/tracking pixel|Home · About/u);
    const top = beesAnswer().passages[0]?.passage;
    expect(top?.origin).toMatchObject({ file: stored?.file, section: 'Hives', url: `${pages.url}/bees` });
    expect(stored?.text).toContain(top?.text);
    expect((await admin.log(1)).ok && (await store.auditLog(5)).map((e) => e.action)).toEqual(['add']);
    // Confirmed once: a second click changes nothing.
    expect(await admin.decide(MOD, p.proposalId, 'confirm')).toMatchObject({ ok: false, code: 'decided' });
  });

  it('by attachment, cancelled: nothing stored, nothing indexed', async () => {
    const url = pages.file(
      '/att/notes.md',
      '# Field notes\n\nThe ford at the mill floods every spring after the snow melts upstream.\n',
      'text/markdown',
    );
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'file', name: 'notes.md', url, size: 90 }));
    expect(p.preview.title).toBe('Field notes');
    expect(await admin.decide(MOD, p.proposalId, 'cancel')).toMatchObject({
      ok: true,
      message: 'Cancelled: nothing changed.',
    });
    expect(await store.articles()).toEqual([]);
    expect(await store.auditCount()).toBe(0);
  });

  it('refuses a bad fetch with its reason, and stores nothing', async () => {
    const r = await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/to-private` });
    expect(r).toMatchObject({ ok: false, code: 'fetch', message: expect.stringMatching(/private network/u) });
    const big = await admin.proposeAdd(MOD, {
      kind: 'file',
      name: 'big.txt',
      url: `${pages.url}/x`,
      size: 12 * 1024 * 1024,
    });
    expect(big).toMatchObject({
      ok: false,
      code: 'fetch',
      message: expect.stringMatching(/12(\.0)? MB.*limit is 1(\.0)? MB/u),
    });
    expect(await store.articles()).toEqual([]);
  });

  it('says when the same title or text is there, and Replace replaces it', async () => {
    const first = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees` }));
    await admin.decide(MOD, first.proposalId, 'confirm');
    const [before] = await store.articles();
    const again = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees` }));
    expect(again.clash).toMatchObject({
      reason: 'content',
      article: { file: before?.file, origin: 'discord' },
    });
    pages.route('/bees2', {
      type: 'text/html',
      body: BEES_HTML.replace('thousands of workers', 'tens of thousands of workers'),
    });
    const reworded = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees2` }));
    expect(reworded.clash).toMatchObject({ reason: 'title', article: { file: before?.file } });
    const done = await admin.decide(MOD, reworded.proposalId, 'replace');
    expect(done).toMatchObject({ ok: true, diff: { changed: 1, unchanged: 1, added: 0, removed: 0 } });
    const after = await store.articles();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ file: before?.file, addedAt: before?.addedAt, updatedBy: MOD.userId });
    expect(beesAnswer().passages[0]?.passage.text).toMatch(/tens of thousands/u);
  });

  it('replacing a folder article hides its file from the index', async () => {
    const title = library.index.articles.find((a) => a.file === RISE)?.title ?? '';
    const url = pages.file(
      '/att/rise.md',
      `# ${title}\n\nA rewritten overview: open models now run on laptops and phones as well as servers.\n`,
      'text/markdown',
    );
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'file', name: 'rise.md', url, size: 120 }));
    expect(p.clash).toMatchObject({ reason: 'title', article: { file: RISE, origin: 'folder' } });
    await admin.decide(MOD, p.proposalId, 'replace');
    expect(library.index.articles.map((a) => a.file)).not.toContain(RISE);
    expect((await store.tombstones()).map((t) => t.file)).toEqual([RISE]);
  });
});

describe('deciding', () => {
  it('is for the moderator who proposed, once, before it expires', async () => {
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees` }));
    expect(await admin.decide(OTHER, p.proposalId, 'confirm')).toMatchObject({
      ok: false,
      code: 'not_yours',
    });
    expect(await admin.decide(OTHER, p.proposalId, 'cancel')).toMatchObject({ ok: false, code: 'not_yours' });
    clock += PROPOSAL_TTL_MS;
    expect(await admin.decide(MOD, p.proposalId, 'confirm')).toMatchObject({ ok: false, code: 'expired' });
    expect(await admin.decide(MOD, 'no-such-id', 'confirm')).toMatchObject({ ok: false, code: 'expired' });
    expect(await store.articles()).toEqual([]);
  });

  it('survives a restart: a proposal made before it is confirmed after, and the article stays', async () => {
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees` }));
    await store.close();
    store = await openSqliteStore(data);
    ({ library, admin } = make(store));
    await library.reindex();
    await admin.decide(MOD, p.proposalId, 'confirm');
    await store.close();
    store = await openSqliteStore(data);
    ({ library, admin } = make(store));
    await library.reindex();
    expect(beesAnswer().passages[0]?.passage.origin.title).toBe('Bees of the valley');
  });
});

describe('updating, removing, restoring', () => {
  async function addBees(): Promise<string> {
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'url', url: `${pages.url}/bees` }));
    await admin.decide(MOD, p.proposalId, 'confirm');
    return (await store.articles())[0]?.file ?? '';
  }

  it('an unchanged page is not rewritten (its ETag sent back); a changed one shows the diff', async () => {
    const file = await addBees();
    pages.route('/bees', (req, res) => {
      if (req.headers['if-none-match'] === '"b1"') {
        res.writeHead(304, { ETag: '"b1"' });
        res.end();
      } else res.end('unexpected');
    });
    const same = proposed(await admin.proposeUpdate(MOD, file));
    expect(same).toMatchObject({ unchanged: true, proposalId: '' });
    pages.route('/bees', {
      type: 'text/html',
      headers: { ETag: '"b2"' },
      body: BEES_HTML.replace(
        '</article>',
        '<h2>Swarms</h2><p>In late spring an old queen leaves with half the workers to found a new colony somewhere nearby.</p></article>',
      ),
    });
    const changed = proposed(await admin.proposeUpdate(MOD, file));
    expect(changed.diff).toEqual({ added: 1, changed: 0, removed: 0, unchanged: 2 });
    expect(await admin.decide(MOD, changed.proposalId, 'confirm')).toMatchObject({ ok: true });
    expect((await store.getArticle(file))?.etag).toBe('"b2"');
    expect(
      answerQuestion(library.index, 'when does an old queen leave to found a new colony').passages[0]?.passage
        .origin.section,
    ).toBe('Swarms');
  });

  it('a folder article cannot be updated from Discord; an attachment article needs a new file', async () => {
    expect(await admin.proposeUpdate(MOD, RISE)).toMatchObject({ ok: false, code: 'folder_article' });
    const url = pages.file(
      '/att/n.txt',
      'Notes\n\nThe mill wheel turns slowly when the river is low in the dry months.\n',
      'text/plain',
    );
    const p = proposed(await admin.proposeAdd(MOD, { kind: 'file', name: 'n.txt', url, size: 80 }));
    await admin.decide(MOD, p.proposalId, 'confirm');
    const file = (await store.articles())[0]?.file ?? '';
    expect(await admin.proposeUpdate(MOD, file)).toMatchObject({ ok: false, code: 'bad_input' });
  });

  it('removes a Discord article, hides and restores a folder article, each in the audit log', async () => {
    const file = await addBees();
    const rm1 = proposed(await admin.proposeRemove(MOD, file));
    expect(rm1.target).toMatchObject({ origin: 'discord' });
    await admin.decide(MOD, rm1.proposalId, 'confirm');
    expect(await store.articles()).toEqual([]);
    expect(beesAnswer().answered && beesAnswer().passages[0]?.passage.origin.file).not.toBe(file);

    const hide = proposed(await admin.proposeRemove(MOD, RISE));
    expect(hide.target).toMatchObject({ origin: 'folder' });
    await admin.decide(MOD, hide.proposalId, 'confirm');
    expect(library.index.articles.map((a) => a.file)).not.toContain(RISE);
    expect((await admin.choices('', 'restore')).map((o) => o.file)).toEqual([RISE]);
    const back = proposed(await admin.proposeRestore(MOD, RISE));
    await admin.decide(MOD, back.proposalId, 'confirm');
    expect(library.index.articles.map((a) => a.file)).toContain(RISE);

    const page = await admin.log(1, 2);
    expect(page).toMatchObject({ ok: true, page: 1, pages: 2, total: 4 });
    expect(page.ok && page.entries.map((e) => e.action)).toEqual(['restore', 'hide']);
    const last = await admin.log(9, 2);
    expect(last.ok && [last.page, last.entries.map((e) => e.action)]).toEqual([2, ['remove', 'add']]);
  });
});
