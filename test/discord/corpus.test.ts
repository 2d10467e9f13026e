/**
 * /corpus end to end: the real discord.js against the fake Discord, the real corpus service on a
 * real SQLite store (createServices, as a start wires it), pages and attachments fetched from the
 * local page server (FETCH_ALLOW_HOSTS=127.0.0.1). Moderators add by attachment and by link (and
 * cancel), replace on a clash, update with a diff, remove a Discord article and hide a folder one;
 * another moderator cannot decide someone else's proposal; the audit log pages with ◀/▶; and a
 * second bot on the same DATA_DIR finds everything as it was left.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app.js';
import type { Services } from '../../src/commands/commands.js';
import { loadConfig } from '../../src/config.js';
import { signerFromConfig } from '../../src/discord/custom-id.js';
import { createLogger } from '../../src/log.js';
import { openStore } from '../../src/store/open.js';
import { handleLine } from '../../src/terminal/repl.js';
import { CitebotDiscord } from '../../src/transports/gateway/bot.js';
import {
  APPLICATION_ID,
  autocomplete,
  button,
  FAKE_TOKEN,
  FakeDiscord,
  type Json,
  slashCommand,
  user,
} from '../harness/index.js';
import { type Pages, startPages } from '../harness/pages.js';
import { emojiId } from '../interactions/feedback-setup.js';
import { corpusCommand, type CorpusCommandOptions } from '../interactions/corpus-setup.js';
import { buttonId, labels } from '../interactions/setup.js';
import { MOD_ROLE, moderatedGuild, ROOT } from './setup.js';

const FOLDER_ARTICLE = 'why-open-source-AI-is-thriving.txt';

const BEES_MD = `# Bees of the valley

## Hives

A hive holds one queen, thousands of workers and a few hundred drones in the height of summer, when the meadows flower.

## Honey

Bees make honey from the nectar they carry back to the hive and dry in the wax comb until it keeps for the winter.
`;

/** A page about rivers; `extra` paragraphs make the next version. */
function riversPage(extra: string[] = []): string {
  const p = (s: string) => `<p>${s}</p>`;
  return `<!DOCTYPE html><html><head><title>Rivers of the north</title></head><body><article>
<h1>Rivers of the north</h1>
<h2>Ice</h2>${p('Northern rivers freeze from the banks inward, and the ice can stand a metre thick by the end of a hard winter.')}
<h2>Thaw</h2>${p('When the thaw comes the ice breaks into floes that jam at bends, and the water behind the jam rises over the fields.')}
${extra.map(p).join('\n')}</article></body></html>`;
}

interface Bot {
  server: FakeDiscord;
  bot: CitebotDiscord;
  services: Services;
}

let pages: Pages;
let corpusDir: string;
let dataDir: string;
let cacheDir: string;
const bots: Bot[] = [];

/** A bot as a start makes it: createServices on the store in DATA_DIR, button ids signed from the token. */
async function start(): Promise<Bot> {
  const server = await FakeDiscord.start({ heartbeatIntervalMs: 250, guilds: [moderatedGuild()] });
  const config = loadConfig(
    {
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: server.apiBase,
      CORPUS_DIR: corpusDir,
      DATA_DIR: dataDir,
      CACHE_DIR: cacheDir,
      SEMANTIC: 'off',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
      MODERATOR_ROLE_IDS: MOD_ROLE,
    },
    ROOT,
  );
  const log = createLogger({ level: 'warn', secrets: [FAKE_TOKEN], write: () => undefined });
  const services = await createServices(config, log, { store: await openStore({ dataDir }) });
  const bot = new CitebotDiscord({ config, services, signer: signerFromConfig({ token: FAKE_TOKEN }) });
  await bot.start();
  const b = { server, bot, services };
  bots.push(b);
  return b;
}

async function stop(b: Bot): Promise<void> {
  await b.bot.stop(2000);
  await b.services.close?.();
  await b.server.close();
  bots.splice(bots.indexOf(b), 1);
}

let b: Bot;
beforeAll(async () => {
  pages = await startPages();
  corpusDir = await mkdtemp(path.join(tmpdir(), 'citebot-corpus-'));
  dataDir = await mkdtemp(path.join(tmpdir(), 'citebot-corpus-data-'));
  cacheDir = await mkdtemp(path.join(tmpdir(), 'citebot-corpus-cache-'));
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true });
  b = await start();
});
afterAll(async () => {
  for (const x of [...bots]) await stop(x);
  await pages?.close();
  for (const d of [corpusDir, dataDir, cacheDir]) if (d) await rm(d, { recursive: true, force: true });
});

const mara = { user: user({ global_name: 'Mara' }), roles: [MOD_ROLE] };
const other = { user: user(), roles: [MOD_ROLE] };

/** What an interaction ended with: the message body and the message Discord now holds. */
interface Outcome {
  /** The callback's type (4, 5, 6, 7). */
  type: number;
  /** How the outcome came: the callback itself, an edit of @original, or a follow-up. */
  via: 'callback' | 'edit' | 'followUp';
  body: Json;
  message: APIMessage;
}

/** Sends an interaction and waits for its outcome (after a deferral, the edit or follow-up). */
async function interact(payload: { id: string; token: string } & Json): Promise<Outcome> {
  const cb = await b.server.interact(payload, 15_000);
  expect(cb.status).toBe(204);
  const type = cb.body.type as number;
  if (type === 4 || type === 7) {
    const message = b.server.interaction(payload.id)?.original as APIMessage;
    return { type, via: 'callback', body: cb.body.data, message };
  }
  const hook = `/webhooks/${APPLICATION_ID}/${payload.token}`;
  const req = await b.server.waitForRequest(
    (r) =>
      (r.method === 'PATCH' && r.route === `${hook}/messages/@original`) ||
      (r.method === 'POST' && r.route === hook),
    15_000,
  );
  expect(req.status).toBe(200);
  return { type, via: req.method === 'PATCH' ? 'edit' : 'followUp', body: req.body, message: req.response };
}

const corpus = (opts: Omit<CorpusCommandOptions, 'user' | 'roles'>, who = mara) =>
  interact(corpusCommand({ ...opts, ...who }));
const click = (message: APIMessage, label: string, who = mara) =>
  interact(button({ customId: buttonId(message, label), ...who, message }));
const description = (o: Outcome): string => o.body?.embeds?.[0]?.description ?? '';
const title = (o: Outcome): string => o.body?.embeds?.[0]?.title ?? '';
const indexed = () => b.services.library.index.articles.map((a) => a.file);
const fileOf = (t: string) => b.services.library.index.articles.find((a) => a.title === t)?.file;

/** The `article` choices a moderator is offered for a subcommand. */
async function choices(subcommand: string, typed: string): Promise<{ name: string; value: string }[]> {
  const cb = await b.server.interact(
    autocomplete({ name: 'corpus', subcommand, focused: 'article', value: typed, ...mara }),
  );
  return cb.body.data.choices;
}

describe('/corpus through Discord', () => {
  it('adds an article by attachment: a preview first (ephemeral), nothing indexed until Add', async () => {
    const url = pages.file('/attachments/bees.md', BEES_MD, 'text/markdown; charset=utf-8');
    const file = { filename: 'bees.md', url, size: Buffer.byteLength(BEES_MD), contentType: 'text/markdown' };
    const proposal = await corpus({ subcommand: 'add', file });
    expect(proposal.type).toBe(5);
    expect(proposal.message.flags ?? 0).toBe(64);
    expect(title(proposal)).toBe('Add “Bees of the valley”?');
    expect(description(proposal)).toContain('**Source:** bees.md');
    expect(labels(proposal.body)).toEqual(['Add', 'Cancel']);
    expect(fileOf('Bees of the valley')).toBeUndefined();
    const done = await click(proposal.message, 'Add');
    expect(done).toMatchObject({ type: 6, via: 'edit' });
    expect(title(done)).toBe('Done');
    expect(description(done)).toMatch(
      /^Added “Bees of the valley” \(2 passages\)\.\n-# Re-indexed: 3 articles/u,
    );
    expect(done.message.components).toEqual([]);
    expect(fileOf('Bees of the valley')).toMatch(/^discord\//u);
    // And it answers: the quote comes from the new article.
    const asked = await b.server.interact(
      slashCommand({ name: 'ask', options: { question: 'how many drones live in a hive' }, user: user() }),
    );
    expect(asked.body.data.embeds[0].description).toContain('thousands of workers and a few hundred');
    expect(asked.body.data.embeds[0].footer.text).toContain(fileOf('Bees of the valley'));
    expect(emojiId(asked.body, '👍')).toBeTruthy();
  });

  it('adds by link, and Cancel changes nothing', async () => {
    pages.route('/rivers', { type: 'text/html; charset=utf-8', body: riversPage() });
    const cancelled = await corpus({ subcommand: 'add', options: { url: `${pages.url}/article` } });
    expect(title(cancelled)).toBe('Add “How Rivers Carve Valleys”?');
    const gone = await click(cancelled.message, 'Cancel');
    expect(title(gone)).toBe('Cancelled');
    expect(gone.message.components).toEqual([]);
    expect(fileOf('How Rivers Carve Valleys')).toBeUndefined();
    const added = await corpus({ subcommand: 'add', options: { url: `${pages.url}/rivers` } });
    expect(description(added)).toContain(`**Source:** [${pages.url}/rivers](<${pages.url}/rivers>)`);
    const sections = added.body.embeds[0].fields.find((f: Json) => f.name.startsWith('Sections')).value;
    expect(sections).toBe('• Ice\n• Thaw');
    expect(title(await click(added.message, 'Add'))).toBe('Done');
    expect(fileOf('Rivers of the north')).toMatch(/^discord\//u);
  });

  it('offers Replace on a clash, and replacing keeps one article of that title', async () => {
    pages.route('/rivers-2', { type: 'text/html; charset=utf-8', body: riversPage(['A second text.']) });
    const clash = await corpus({ subcommand: 'add', options: { url: `${pages.url}/rivers-2` } });
    expect(labels(clash.body)).toEqual(['Replace', 'Cancel']);
    expect(description(clash)).toContain(
      'An article with the same title is already there: “Rivers of the north”',
    );
    expect(description(clash)).toContain(`added by <@${mara.user.id}>`);
    const replaced = await click(clash.message, 'Replace');
    expect(description(replaced)).toMatch(/^Replaced “Rivers of the north”/u);
    const same = b.services.library.index.articles.filter((a) => a.title === 'Rivers of the north');
    expect(same).toHaveLength(1);
  });

  it('updates a link article from its page again, showing the diff', async () => {
    const [choice] = await choices('update', 'rivers');
    expect(choice?.name).toMatch(
      /^Rivers of the north \(discord\/.+\) · added from Discord \d{4}-\d\d-\d\d$/u,
    );
    pages.route('/rivers-2', {
      type: 'text/html; charset=utf-8',
      body: riversPage([
        'A second text.',
        'Spring floods leave a line of silt on the trunks of the willows along the bank.',
      ]),
    });
    const proposal = await corpus({ subcommand: 'update', options: { article: choice?.value ?? '' } });
    expect(labels(proposal.body)).toEqual(['Update', 'Cancel']);
    expect(description(proposal)).toMatch(
      /\*\*Changes:\*\* \d+ passages? added · \d+ changed · \d+ removed · \d+ unchanged/u,
    );
    const done = await click(proposal.message, 'Update');
    expect(description(done)).toMatch(/^Updated “Rivers of the north”/u);
    expect(description(done)).toContain('**Changes:**');
    // Nothing new on the page: nothing to decide.
    const again = await corpus({ subcommand: 'update', options: { article: choice?.value ?? '' } });
    expect(title(again)).toBe('“Rivers of the north”: nothing changed');
    expect(again.message.components).toEqual([]);
  });

  it('refuses a second moderator’s click on someone else’s proposal, leaving it for its own moderator', async () => {
    const bees = fileOf('Bees of the valley') ?? '';
    const proposal = await corpus({ subcommand: 'remove', options: { article: bees } });
    expect(labels(proposal.body)).toEqual(['Remove', 'Cancel']);
    const refused = await click(proposal.message, 'Remove', other);
    expect(refused).toMatchObject({ type: 6, via: 'followUp' });
    expect(refused.body.flags).toBe(64);
    expect(description(refused)).toBe(
      'Only the moderator who asked for this change can confirm or cancel it.',
    );
    expect(indexed()).toContain(bees);
    // Mara's own click still works: the refusal left the proposal pending.
    const done = await click(proposal.message, 'Remove');
    expect(description(done)).toBe(
      `Removed “Bees of the valley”.\n-# Re-indexed: 3 articles · ${b.services.library.index.passages.length} passages`,
    );
    expect(indexed()).not.toContain(bees);
  });

  it('hides a folder article: the file stays, the index leaves it out', async () => {
    const offered = await choices('remove', 'thriving');
    expect(offered.map((c) => c.value)).toEqual([FOLDER_ARTICLE]);
    expect(offered[0]?.name).toMatch(/ · folder$/u);
    const proposal = await corpus({ subcommand: 'remove', options: { article: FOLDER_ARTICLE } });
    expect(labels(proposal.body)).toEqual(['Hide', 'Cancel']);
    expect(description(proposal)).toContain('the file stays; the index leaves it out');
    const done = await click(proposal.message, 'Hide');
    expect(description(done)).toMatch(/^Hid “.+”: its file stays/u);
    expect(indexed()).not.toContain(FOLDER_ARTICLE);
    expect(await readdir(corpusDir)).toContain(FOLDER_ARTICLE);
    expect((await choices('restore', '')).map((c) => c.value)).toEqual([FOLDER_ARTICLE]);
  });

  it('pages the audit log with ◀/▶, newest first', async () => {
    // Each /reindex writes an entry too: enough for a second page.
    for (let i = 0; i < 5; i++) {
      await interact(slashCommand({ name: 'reindex', ...mara }));
    }
    const first = await corpus({ subcommand: 'log' });
    expect(first.type).toBe(4);
    expect(first.message.flags ?? 0).toBe(64);
    expect(title(first)).toBe('Audit log · page 1 of 2');
    const lines = description(first).split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(new RegExp(`^<t:\\d+:f> · <@${mara.user.id}> · \\*\\*reindex\\*\\* · `, 'u'));
    const nav = (o: Outcome) => o.message.components?.[0] as { components: { disabled?: boolean }[] };
    expect(nav(first).components.map((c) => c.disabled)).toEqual([true, false]);
    const second = await click(first.message, 'Older');
    expect(second).toMatchObject({ type: 7, via: 'callback' });
    expect(title(second)).toBe('Audit log · page 2 of 2');
    expect(nav(second).components.map((c) => c.disabled)).toEqual([false, true]);
    expect(description(second)).toContain('**add** · ');
    const back = await click(second.message, 'Newer');
    expect(description(back)).toBe(description(first));
  });

  it('keeps everything after a restart on the same DATA_DIR', async () => {
    const before = { files: indexed().sort(), log: description(await corpus({ subcommand: 'log' })) };
    await stop(b);
    b = await start();
    expect(indexed().sort()).toEqual(before.files);
    expect(indexed()).not.toContain(FOLDER_ARTICLE);
    expect(fileOf('Rivers of the north')).toMatch(/^discord\//u);
    expect(description(await corpus({ subcommand: 'log' }))).toBe(before.log);
    // The terminal reads the same log.
    const printed = (await handleLine(b.services, '/log 2')) ?? '';
    expect(printed).toMatch(/^Audit log, newest first \(page 2 of 2, \d+ entries\):/u);
    expect(printed).toContain(` · ${mara.user.id} · add · `);
    // A restored folder article is indexed again.
    const restore = await corpus({ subcommand: 'restore', options: { article: FOLDER_ARTICLE } });
    expect(labels(restore.body)).toEqual(['Restore', 'Cancel']);
    expect(description(await click(restore.message, 'Restore'))).toMatch(/^Restored /u);
    expect(indexed()).toContain(FOLDER_ARTICLE);
  });
});

describe('/insights through Discord', () => {
  it('counts the questions asked through Discord, grouped, the declined apart, for moderators only', async () => {
    // One question went through /ask in the first test (the store is this file's own); four more here.
    const fresh = [
      'how thick does river ice get',
      'How thick does river ice get?',
      'how thick does river ice get',
    ];
    for (const question of [...fresh, 'Who painted the Mona Lisa?']) {
      await b.server.interact(slashCommand({ name: 'ask', options: { question }, user: user() }));
    }
    const report = await b.services.insights!.report(30);
    const out = await interact(slashCommand({ name: 'insights', options: { days: 30 }, ...mara }));
    expect(out.message.flags ?? 0).toBe(64);
    expect(report.totals).toMatchObject({ questions: 5, answered: 4, declined: 1 });
    expect(description(out)).toContain('**5** questions (4 answered, 1 declined)');
    // A new /insights counts afresh (its ◀/▶ page through the same figures).
    await b.server.interact(
      slashCommand({ name: 'ask', options: { question: 'Who carved Mount Rushmore?' }, user: user() }),
    );
    const again = await interact(slashCommand({ name: 'insights', options: { days: 30 }, ...mara }));
    expect(description(again)).toContain('**6** questions (4 answered, 2 declined)');
    const group = report.frequent.find((g) => /river ice/iu.test(g.question));
    expect(group?.count).toBe(3);
    expect(report.declined.some((g) => /mona lisa/iu.test(g.question))).toBe(true);
    // Insights are for moderators only.
    const refused = await interact(slashCommand({ name: 'insights', user: user() }));
    expect(description(refused)).toMatch(/^Only moderators can use \/insights/u);
  });
});
