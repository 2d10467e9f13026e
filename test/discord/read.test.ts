/**
 * /read (a whole section, verbatim, paginated), source links and singular/plural counts:
 * the real bot against the fake Discord, over a temporary corpus with front-matter urls,
 * a section longer than a page, a paragraph longer than a page, a repeated section name
 * and a hostile heading.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { read, sectionPassages } from '../../src/commands/commands.js';
import { CorpusIndex } from '../../src/core/corpus-index.js';
import type { Passage } from '../../src/core/types.js';
import { CustomIdSigner } from '../../src/discord/custom-id.js';
import { LIMITS } from '../../src/discord/limits.js';
import { findSectionKey, sectionKey } from '../../src/discord/read.js';
import { readPages, renderFullPassage, renderRead } from '../../src/discord/render.js';
import { autocomplete, button, slashCommand, user } from '../harness/index.js';
import { embedChars, unformat, ZWSP } from './markdown.js';
import { ROOT, type Running, startBot } from './setup.js';

type Button = { custom_id?: string; label: string; style: number; url?: string };
type Embed = {
  title?: string;
  url?: string;
  description?: string;
  footer?: { text: string };
  fields?: { name: string; value: string }[];
};
type Body = {
  type: number;
  data?: {
    content?: string;
    flags?: number;
    embeds?: Embed[];
    components?: { components: Button[] }[];
    allowed_mentions?: unknown;
    choices?: { name: string; value: string }[];
  };
};

const buttons = (b: Body) => (b.data?.components ?? []).flatMap((r) => r.components);
const labels = (b: Body) => buttons(b).map((x) => x.label);
const idOf = (b: Body, label: string) => {
  const id = buttons(b).find((x) => x.label === label)?.custom_id;
  if (!id) throw new Error(`no button ${label}; have ${labels(b).join(', ')}`);
  return id;
};

/** Sentences of about 300 characters, single-spaced, numbered so order is checkable. */
function paragraph(n: number, words = 45): string {
  return (
    Array.from({ length: words }, (_, k) => (k === 0 ? `Paragraph${n}` : `word${n}x${k}`)).join(' ') + '.'
  );
}

const NOTES = Array.from({ length: 30 }, (_, n) => paragraph(n));
/** One paragraph longer than a whole page (but under the splitter's 8,000 limit), with Markdown in it. */
const GIANT = `${Array.from({ length: 600 }, (_, k) => `g${k}_*x*`).join(' ')}.`;

const LONG = [
  '---',
  'title: Long Notes',
  'url: https://example.org/long_(notes)',
  '---',
  '',
  'Opening words before any heading.',
  '',
  '# Notes',
  '',
  ...NOTES.flatMap((p) => [p, '']),
  '# Giant',
  '',
  GIANT,
  '',
  '# Notes',
  '',
  'Second notes paragraph.',
  '',
  '# @everyone *bold*',
  '',
  'Hostile heading paragraph <@123>.',
  '',
].join('\n');

let dir: string;
let run: Running;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-read-'));
  await copyFile(path.join(ROOT, 'test/fixture/markdown/guide.md'), path.join(dir, 'guide.md'));
  await writeFile(path.join(dir, 'long.md'), LONG);
  await writeFile(
    path.join(dir, 'one.md'),
    '---\ntitle: Only\n---\n\n# Single\n\nThe one and only paragraph of this article.\n',
  );
  run = await startBot({}, { corpusDir: dir });
});
afterAll(async () => {
  await run?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function slash(name: string, options: Record<string, string | number | boolean>, extra: object = {}) {
  const payload = slashCommand({ name, options, user: user(), ...extra });
  const cb = await run.server.interact(payload);
  return { payload, body: cb.body as Body };
}

function passagesOf(file: string, sectionIndex: number): Passage[] {
  const index = run.services.library.index;
  const article = index.articles.find((a) => a.file === file);
  if (!article) throw new Error(`no article ${file}`);
  return sectionPassages(index.passages, article, sectionIndex);
}

function expectWithinLimits(b: Body): void {
  for (const e of b.data?.embeds ?? []) {
    expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect((e.title ?? '').length).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(embedChars(e as never)).toBeLessThanOrEqual(LIMITS.embedTotal);
  }
  for (const x of buttons(b)) expect((x.custom_id ?? '').length).toBeLessThanOrEqual(LIMITS.customId);
}

/** The quoted text of a page, read back: one entry per passage piece, in order. */
function quotedPieces(description: string): { head: string; text: string }[] {
  const out: { head: string; text: string }[] = [];
  const lines = description.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    if (line.startsWith('**¶')) out.push({ head: unformat(line), text: unformat(lines[k + 1] ?? '') });
  }
  return out;
}

describe('/read', () => {
  it('shows a short section verbatim with paragraph numbers and lines, ephemeral, linked to its source', async () => {
    const { body } = await slash('read', { article: 'guide.md', section: 'Front ends › Parsing' });
    expect(body.type).toBe(4);
    expect(body.data?.flags).toBe(64);
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    const e = body.data?.embeds?.[0];
    expect(e?.title).toBe('A Field Guide to Compilers');
    expect(e?.url).toBe('https://example.org/compilers');
    const expected = passagesOf('guide.md', 2);
    expect(expected.length).toBe(3);
    const pieces = quotedPieces(e?.description ?? '');
    expect(pieces.map((p) => p.head)).toEqual(
      expected.map((p) => {
        const [a, b] = p.origin.lines;
        return `¶${p.origin.paragraph} · ${a === b ? `line ${a}` : `lines ${a}–${b}`}`;
      }),
    );
    expect(pieces.map((p) => p.text)).toEqual(expected.map((p) => `“${p.text}”`));
    expect(e?.description?.startsWith('**Front ends › Parsing**\n')).toBe(true);
    expect(e?.footer?.text).toBe('guide.md · 3 passages · page 1 of 1');
    // One page: no ◀/▶, just the link to the article.
    expect(buttons(body)).toEqual([
      { type: 2, style: 5, label: 'Read the article', url: 'https://example.org/compilers' },
    ]);
  });

  it('pages through a long section with signed ◀/▶ buttons, every passage once, in order, within the limits', async () => {
    const { body } = await slash('read', { article: 'Long Notes', section: '#2' });
    expect(labels(body)).toEqual(['Next ▶', 'Read the article']);
    const seen: string[] = [];
    let page: Body = body;
    let pages = 0;
    for (;;) {
      pages++;
      expectWithinLimits(page);
      seen.push(...quotedPieces(page.data?.embeds?.[0]?.description ?? '').map((p) => p.text));
      if (!labels(page).includes('Next ▶')) break;
      const click = button({ customId: idOf(page, 'Next ▶'), user: user() });
      const cb = (await run.server.interact(click)).body as Body;
      // The page replaces the message the button is on.
      expect(cb.type).toBe(7);
      page = cb;
      expect(labels(page)[0]).toBe('◀ Previous');
    }
    expect(pages).toBeGreaterThan(1);
    expect(page.data?.embeds?.[0]?.footer?.text).toBe(`long.md · 30 passages · page ${pages} of ${pages}`);
    expect(seen).toEqual(NOTES.map((p) => `“${p}”`));
    // ◀ goes back to the page before.
    const back = (await run.server.interact(button({ customId: idOf(page, '◀ Previous'), user: user() })))
      .body as Body;
    expect(back.data?.embeds?.[0]?.footer?.text).toContain(`page ${pages - 1} of ${pages}`);
  });

  it('cuts a paragraph longer than a page into continued pieces that join back to the exact text', async () => {
    const { body } = await slash('read', { article: 'long.md', section: 'Giant', page: 1 });
    const texts: string[] = [];
    const heads: string[] = [];
    let page = body;
    for (;;) {
      expectWithinLimits(page);
      for (const p of quotedPieces(page.data?.embeds?.[0]?.description ?? '')) {
        heads.push(p.head);
        texts.push(p.text);
      }
      if (!labels(page).includes('Next ▶')) break;
      page = (await run.server.interact(button({ customId: idOf(page, 'Next ▶'), user: user() })))
        .body as Body;
    }
    expect(heads.length).toBeGreaterThan(1);
    expect(heads[0]).toMatch(/^¶1 · line \d+$/u);
    for (const h of heads.slice(1)) expect(h).toMatch(/^¶1 \(continued\) · line \d+$/u);
    expect(texts.join(' ')).toBe(`“${GIANT}”`);
  });

  it('starts at the page asked for, and at the last one past the end', async () => {
    const last = (await slash('read', { article: 'long.md', section: '#2', page: 99 })).body;
    const footer = last.data?.embeds?.[0]?.footer?.text ?? '';
    const [, n, of] = /page (\d+) of (\d+)/u.exec(footer) ?? [];
    expect(n).toBe(of);
    expect(labels(last)).toEqual(['◀ Previous', 'Read the article']);
  });

  it('reads the text before the first heading as "(opening)", and escapes a hostile heading', async () => {
    const opening = (await slash('read', { article: 'long.md', section: '(opening)' })).body;
    expect(quotedPieces(opening.data?.embeds?.[0]?.description ?? '').map((p) => p.text)).toEqual([
      '“Opening words before any heading.”',
    ]);
    const hostile = (await slash('read', { article: 'long.md', section: '@everyone *bold*' })).body;
    const d = hostile.data?.embeds?.[0]?.description ?? '';
    expect(d).toContain(`**@${ZWSP}everyone \\*bold\\***`);
    expect(d).toContain(`<${ZWSP}@123>`);
    expect(d).not.toMatch(/@everyone|<@\d/u);
  });

  it('is a normal message in a DM (as /ask is there)', async () => {
    const { body } = await slash('read', { article: 'one.md', section: 'single' }, { dm: true });
    expect(body.type).toBe(4);
    expect(body.data?.flags ?? 0).toBe(0);
    expect(body.data?.embeds?.[0]?.footer?.text).toBe('one.md · 1 passage · page 1 of 1');
  });

  it('says which articles exist for an unknown article, and which sections for an unknown section', async () => {
    const a = (await slash('read', { article: 'nope', section: 'x' })).body;
    expect(a.data?.flags).toBe(64);
    expect(unformat(a.data?.embeds?.[0]?.description ?? '')).toBe(
      'No article matches "nope". The articles are: "A Field Guide to Compilers", "Long Notes", "Only".',
    );
    const s = (await slash('read', { article: 'guide.md', section: 'Middle ends' })).body;
    expect(s.data?.flags).toBe(64);
    expect(unformat(s.data?.embeds?.[0]?.description ?? '')).toBe(
      '"A Field Guide to Compilers" has no section "Middle ends". Its sections are: "Front ends", "Front ends › Lexing", "Front ends › Parsing", "Back ends", "Back ends › Peephole optimisation".',
    );
  });

  it('refuses a tampered page button', async () => {
    const { body } = await slash('read', { article: 'long.md', section: '#2' });
    const id = idOf(body, 'Next ▶');
    const tampered = id.replace(/\.1\./u, '.2.');
    expect(tampered).not.toBe(id);
    const cb = (await run.server.interact(button({ customId: tampered, user: user() }))).body as Body;
    expect(cb.data?.flags).toBe(64);
    expect(cb.data?.embeds?.[0]?.description).toMatch(/not valid/u);
  });
});

describe('/read autocomplete', () => {
  async function choices(focused: string, value: string, options: Record<string, string> = {}) {
    const cb = await run.server.interact(
      autocomplete({ name: 'read', focused, value, options, user: user() }),
    );
    const b = cb.body as Body;
    expect(b.type).toBe(8);
    return b.data?.choices ?? [];
  }

  it('offers articles whose title or file contains what was typed', async () => {
    expect(await choices('article', 'GUIDE')).toEqual([
      { name: 'A Field Guide to Compilers', value: 'guide.md' },
    ]);
    expect(await choices('article', 'long.m')).toEqual([{ name: 'Long Notes', value: 'long.md' }]);
    expect((await choices('article', '')).length).toBe(3);
  });

  it("offers the chosen article's sections, repeated names told apart by number", async () => {
    expect(await choices('section', '', { article: 'long.md' })).toEqual([
      { name: '(opening)', value: '(opening)' },
      { name: 'Notes (#2)', value: '#2' },
      { name: 'Giant', value: 'Giant' },
      { name: 'Notes (#4)', value: '#4' },
      { name: '@everyone *bold*', value: '@everyone *bold*' },
    ]);
    expect((await choices('section', 'lex', { article: 'guide.md' })).map((c) => c.value)).toEqual([
      'Front ends › Lexing',
    ]);
    expect(await choices('section', '', {})).toEqual([]);
    expect(await choices('section', '', { article: 'no such article' })).toEqual([]);
  });
});

describe('source links', () => {
  it('links each quote title to its article', async () => {
    const { body } = await slash('ask', { question: 'What does the lexer group characters into?' });
    const e = body.data?.embeds?.[0];
    expect(e?.title).toMatch(/A Field Guide to Compilers$/u);
    expect(e?.url).toBe('https://example.org/compilers');
  });

  it("uses the passage's own origin url, and gives a full passage a link button, never an unsafe one", () => {
    const passage: Passage = {
      id: 0,
      kind: 'paragraph',
      text: 'Some text.',
      origin: {
        file: 'x.md',
        title: 'X',
        section: '',
        paragraph: 1,
        lines: [3, 3],
        offsets: [0, 10],
        url: 'https://example.org/a b'.replace(' ', '_'),
      },
    };
    const out = renderFullPassage(passage, 1);
    expect(out.embeds[0]?.url).toBe('https://example.org/a%5Fb');
    expect(out.components).toEqual([
      {
        type: 1,
        components: [{ type: 2, style: 5, label: 'Read the article', url: 'https://example.org/a%5Fb' }],
      },
    ]);
    for (const url of [
      'javascript:alert(1)',
      'https://user:pw@example.org/',
      'ftp://example.org/',
      'https://x.org/a b',
    ]) {
      const bad = renderFullPassage({ ...passage, origin: { ...passage.origin, url } }, 1);
      expect(bad.embeds[0]?.url).toBeUndefined();
      expect(bad.components).toEqual([]);
    }
  });

  it('percent-encodes Markdown characters of a url in /sources links and buttons', async () => {
    const list = (await slash('sources', {})).body;
    const fields = list.data?.embeds?.[0]?.fields ?? [];
    const long = fields.find((f) => f.name === 'Long Notes');
    expect(long?.value).toBe('4 sections · 34 passages · [source](<https://example.org/long%5F%28notes%29>)');
    const only = fields.find((f) => f.name === 'Only');
    expect(only?.value).toBe('1 section · 1 passage');
    const one = (await slash('sources', { article: 'long.md' })).body;
    expect(one.data?.embeds?.[0]?.url).toBe('https://example.org/long%5F%28notes%29');
    expect(buttons(one)).toEqual([
      { type: 2, style: 5, label: 'Read the article', url: 'https://example.org/long%5F%28notes%29' },
    ]);
    const plain = (await slash('sources', { article: 'one.md' })).body;
    expect(buttons(plain)).toEqual([]);
    expect(plain.data?.embeds?.[0]?.footer?.text).toBe('one.md · 1 passage');
  });
});

describe('read() and the section keys', () => {
  const sources = [
    { file: 'a.md', text: '# A\n\nAlpha one.\n\n# B\n\nBeta one.\n\nBeta two.\n', hash: 'a' },
    { file: 'b.md', text: '# C\n\nGamma.\n', hash: 'b' },
  ];

  it('finds a section again after a re-index moved its article, and not once it changed', () => {
    const before = CorpusIndex.build(sources);
    const a = before.articles[0];
    if (!a) throw new Error('no article');
    const key = sectionKey(before, a, 1);
    expect(findSectionKey(before, key)).toEqual({ article: a, sectionIndex: 1 });
    const moved = CorpusIndex.build([...sources].reverse());
    expect(findSectionKey(moved, key)?.article.file).toBe('a.md');
    const renamed = CorpusIndex.build([
      { ...sources[0], text: '# A\n\nAlpha one.\n\n# Bee\n\nBeta.\n' } as never,
    ]);
    expect(findSectionKey(renamed, key)).toBeUndefined();
    expect(findSectionKey(before, 'garbage')).toBeUndefined();
  });

  it('renders each page within one embed, and every passage of the section appears', () => {
    const index = CorpusIndex.build(sources);
    const services = { library: { ready: true, index }, log: undefined } as never;
    const r = read(services, 'a.md', 'b');
    if (r.kind !== 'read') throw new Error(r.message);
    expect(r.passages.map((p) => p.text)).toEqual(['Beta one.', 'Beta two.']);
    expect(readPages(r)).toEqual(['**B**\n**¶1** · line 7\n“Beta one.”\n\n**¶2** · line 9\n“Beta two.”']);
    const signer = new CustomIdSigner();
    const out = renderRead(r, 0, {
      pageId: (p) => signer.encode({ action: 'read', answerId: 'k', arg: p }),
      ephemeral: true,
    });
    expect(out.components).toEqual([]);
    expect(out.flags).toBe(64);
  });
});
