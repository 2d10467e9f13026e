/**
 * Hostile corpus files (the "reliability and security" issue, corpus side): links out of
 * the folder, loops, huge and odd files, broken encodings, odd line endings, invisible
 * characters and injection attempts in metadata. Each bad file is skipped or cleaned with
 * a named reason, the rest of the corpus is indexed, and no byte from outside the corpus
 * folder is ever quoted. The heavy cases (50 MB file, 10,000 files) are in
 * hostile-corpus.slow.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerQuestion, QUOTE_CHARS } from '../src/core/answer.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import {
  MAX_AUTHOR_CHARS,
  MAX_DATE_CHARS,
  MAX_PASSAGE_CHARS,
  MAX_SECTION_CHARS,
  MAX_TITLE_CHARS,
  splitArticle,
  titleFromFileName,
} from '../src/core/split.js';
import type { SkippedFile } from '../src/core/types.js';
import { Library } from '../src/corpus/library.js';
import { loadCorpus } from '../src/corpus/loader.js';

/**
 * The loader's file reads, observed: bytes read per file name, a size that fstat() reports
 * instead of the real one (a file that grows after the size check), and an open() that lands
 * on another file (a file swapped for a link between the checks and the read).
 */
const io = vi.hoisted(() => ({
  bytesRead: new Map<string, number>(),
  fakeSize: new Map<string, number>(),
  redirect: new Map<string, string>(),
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const { observedFs } = await import('./observed-fs.js');
  return observedFs(await importOriginal(), io);
});

const SECRET = 'OUTSIDE-SECRET zebraquux';
const KiB = 1024;
let base: string;

async function put(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
}

const reasonsOf = (skipped: readonly SkippedFile[]) =>
  Object.fromEntries(skipped.map((s) => [s.file, s.reason]));

/** The text a passage's offsets point at, with whitespace runs as one space (as joined passages are). */
const flat = (s: string) => s.replace(/[\s\u0085]+/gu, ' ').trim();

function expectVerbatim(text: string, r: ReturnType<typeof splitArticle>): void {
  for (const p of r.passages) {
    const [s, e] = p.origin.offsets;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(e).toBeLessThanOrEqual(text.length);
    expect(flat(text.slice(s, e))).toBe(flat(p.text));
  }
}

/** Metadata must be one plain line: no control, format (zero-width, bidi) or line-break characters. */
const PLAIN_LINE = /^[^\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]*$/u;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'citebot-hostile-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('links out of the corpus folder', () => {
  let dir: string;
  let loaded: Awaited<ReturnType<typeof loadCorpus>>;
  let reasons: Record<string, string>;

  beforeAll(async () => {
    const outside = path.join(base, 'outside');
    dir = path.join(base, 'links');
    await put(path.join(outside, 'secret.txt'), `Secret Notes\nThe ${SECRET} lives here.\n`);
    await put(path.join(outside, 'folder/inner.txt'), `Inner Secret\nAlso ${SECRET} in a folder.\n`);
    await put(path.join(dir, 'good.txt'), 'Good Article\nThe xylophone orchestra practises every Tuesday.\n');
    await put(path.join(dir, 'sub/note.md'), '# Sub Note\n\nThe sub folder holds one note about kites.\n');
    await put(path.join(dir, '.hidden/shown.md'), '# Shown\n\nOnly a link makes this marmalade visible.\n');
    await put(path.join(dir, 'chain-c.txt'), 'Chain End\nThe chain of links ends at this lantern.\n');
    const link = (target: string, at: string) => symlink(target, path.join(dir, at));
    await link(path.join(outside, 'secret.txt'), 'escape-file.txt');
    await link('../outside/secret.txt', 'escape-relative.txt');
    await link(outside, 'escape-dir');
    await link('..', 'parent-dir');
    await link('/etc/passwd', 'passwd.txt');
    await link('/etc', 'etc');
    await link('chain-b.txt', 'chain-a.txt');
    await link('chain-c.txt', 'chain-b.txt');
    await link('hop.txt', 'chain-out.txt');
    await link(path.join(outside, 'secret.txt'), 'hop.txt');
    await link('loop-b.txt', 'loop-a.txt');
    await link('loop-a.txt', 'loop-b.txt');
    await link('self.txt', 'self.txt');
    await link('missing.txt', 'dangling.txt');
    await link('..', 'sub/up');
    await link('.', 'sub/here');
    await link('sub', 'alias');
    await link('.hidden', 'visible');
    await link(path.join(outside, 'folder'), 'sub/deep-escape');
    loaded = await loadCorpus(dir);
    reasons = reasonsOf(loaded.skipped);
  });

  it('indexes the files inside, and files reached by links that stay inside', () => {
    expect(loaded.sources.map((s) => s.file).sort()).toEqual([
      'chain-a.txt',
      'chain-b.txt',
      'chain-c.txt',
      'good.txt',
      'sub/note.md',
      'visible/shown.md',
    ]);
  });

  it('skips each link that leads out, with a named reason', () => {
    for (const f of [
      'escape-file.txt',
      'escape-relative.txt',
      'escape-dir',
      'parent-dir',
      'passwd.txt',
      'etc',
      'chain-out.txt',
      'hop.txt',
      'sub/deep-escape',
    ]) {
      expect(reasons[f], f).toBe('link pointing outside the corpus folder');
    }
  });

  it('names loops: a loop of links, a folder linking to itself or its parent, a second way into a folder', () => {
    expect(reasons['loop-a.txt']).toBe('broken link (a loop of links)');
    expect(reasons['loop-b.txt']).toBe('broken link (a loop of links)');
    expect(reasons['self.txt']).toBe('broken link (a loop of links)');
    expect(reasons['dangling.txt']).toBe('broken link (its target does not exist)');
    expect(reasons['sub/up']).toMatch(/^link loop/);
    expect(reasons['sub/here']).toMatch(/^link loop/);
    expect(reasons['alias']).toBe('folder link to a folder already read (sub)');
  });

  it('never reads a byte from outside the corpus folder', () => {
    expect(loaded.sources.some((s) => s.text.includes('zebraquux'))).toBe(false);
    // Every skip has a reason, and nothing else was skipped.
    expect(loaded.skipped.every((s) => s.reason.length > 8)).toBe(true);
    expect(loaded.skipped).toHaveLength(16);
  });

  it('refuses a file that turns out to be outside once opened (swapped for a link mid-read)', async () => {
    const swapDir = path.join(base, 'swap');
    await put(path.join(swapDir, 'innocent.txt'), 'Innocent\nA harmless body text sits here.\n');
    await put(path.join(swapDir, 'fine.txt'), 'Fine\nThis one is read as usual.\n');
    io.redirect.set('innocent.txt', path.join(base, 'outside/secret.txt'));
    try {
      const r = await loadCorpus(swapDir);
      expect(r.sources.map((s) => s.file)).toEqual(['fine.txt']);
      expect(reasonsOf(r.skipped)['innocent.txt']).toMatch(/outside the corpus folder/);
    } finally {
      io.redirect.delete('innocent.txt');
    }
  });
});

describe('odd files', () => {
  let dir: string;
  let reasons: Record<string, string>;
  let files: string[];
  let fifo = false;

  beforeAll(async () => {
    dir = path.join(base, 'odd');
    const f = (name: string) => path.join(dir, name);
    await put(f('good.md'), '# Fine\n\nA perfectly ordinary article about quinces.\n');
    await put(f('latin1.txt'), Buffer.from('Caf\xe9 au lait\n', 'latin1'));
    await put(
      f('truncated.txt'),
      Buffer.concat([Buffer.from('Fine until the end '), Buffer.from([0xe2, 0x82])]),
    );
    await put(f('overlong.txt'), Buffer.from([0x41, 0xc0, 0xaf, 0x0a]));
    await put(f('surrogate.txt'), Buffer.from([0x41, 0xed, 0xa0, 0x80, 0x0a]));
    await put(f('utf16.txt'), Buffer.from('\ufeffUTF-16 text\n', 'utf16le'));
    await put(f('late-nul.txt'), `${'Plain words go on. '.repeat(600)}\0 and then a NUL byte.\n`);
    await put(f('controls.txt'), '\x1b[2J\x07\x08\x1b]0;pwned\x07\x00'.repeat(20));
    await put(f('empty.txt'), '');
    await put(f('bom-only.txt'), '\ufeff\n  \n');
    await put(f('big.txt'), `Big\n${'word '.repeat(200 * KiB)}\n`);
    await put(f('nested/ok.txt'), 'Nested\nThe nested file is fine and about apricots.\n');
    await put(path.join(dir, 'fm-nul.md'), '---\ntitle: Null\0Byte\n---\n\nBody text.\n');
    await writeFile(Buffer.from(path.join(dir, 'bad-\xff-name.txt'), 'latin1'), 'Bad Name\nBody.\n');
    await put(f('evil\nname.txt'), 'Evil\nA file name with a line break.\n');
    await put(f('bidi-\u202etxt.md'), '# Bidi\n\nA file name with a right-to-left override.\n');
    await put(f('notes.pdf'), 'not an article');
    try {
      execFileSync('mkfifo', [f('pipe.txt')]);
      fifo = true;
    } catch {
      fifo = false;
    }
    const loaded = await loadCorpus(dir, { maxFileBytes: 64 * KiB });
    reasons = reasonsOf(loaded.skipped);
    files = loaded.sources.map((s) => s.file).sort();
  });

  it('skips a FIFO named like an article without blocking on it', ({ skip }) => {
    if (!fifo) skip('mkfifo is not available');
    expect(reasons['pipe.txt']).toBe('not a regular file (a FIFO, socket or device)');
  });

  it('reads the good files and skips every bad one with a reason that names the problem', () => {
    expect(files).toEqual(['good.md', 'nested/ok.txt']);
    expect(reasons['latin1.txt']).toBe('not valid UTF-8 text (byte 0xE9 at offset 3)');
    expect(reasons['truncated.txt']).toBe('not valid UTF-8 text (byte 0xE2 at offset 19)');
    expect(reasons['overlong.txt']).toBe('not valid UTF-8 text (byte 0xC0 at offset 1)');
    expect(reasons['surrogate.txt']).toBe('not valid UTF-8 text (byte 0xED at offset 1)');
    expect(reasons['utf16.txt']).toMatch(/^UTF-16 text/);
    expect(reasons['late-nul.txt']).toBe('binary file (contains NUL bytes)');
    expect(reasons['fm-nul.md']).toBe('binary file (contains NUL bytes)');
    expect(reasons['controls.txt']).toMatch(/^binary file/);
    expect(reasons['empty.txt']).toBe('empty file');
    expect(reasons['bom-only.txt']).toBe('empty file (only whitespace)');
    expect(reasons['big.txt']).toBe('larger than the 64 KiB limit (1000 KiB)');
    expect(reasons['bad-\ufffd-name.txt']).toBe('name is not valid UTF-8');
    expect(reasons['evil\\u000aname.txt']).toBe('name contains control or bidirectional-override characters');
    expect(reasons['bidi-\\u202etxt.md']).toBe('name contains control or bidirectional-override characters');
    expect(reasons['notes.pdf']).toBeUndefined();
  });

  it('checks the size before reading: a file over the limit is not read at all', () => {
    expect(io.bytesRead.get('big.txt') ?? 0).toBe(0);
  });

  it('reads at most limit + 1 bytes of a file that is larger than its size said', async () => {
    const growDir = path.join(base, 'grow');
    await put(path.join(growDir, 'grows.txt'), `Grows\n${'more text '.repeat(100 * KiB)}\n`);
    await put(path.join(growDir, 'steady.txt'), 'Steady\nA file that stays the same size.\n');
    io.fakeSize.set('grows.txt', 100);
    io.bytesRead.delete('grows.txt');
    try {
      const r = await loadCorpus(growDir, { maxFileBytes: 64 * KiB });
      expect(r.sources.map((s) => s.file)).toEqual(['steady.txt']);
      expect(reasonsOf(r.skipped)['grows.txt']).toBe('larger than the 64 KiB limit');
      expect(io.bytesRead.get('grows.txt')).toBe(64 * KiB + 1);
    } finally {
      io.fakeSize.delete('grows.txt');
    }
  });

  it('caps the number of files at maxFiles, naming the first file left out and how many more', async () => {
    const many = path.join(base, 'many');
    for (let i = 0; i < 12; i++) {
      await put(path.join(many, `f${String(i).padStart(2, '0')}.txt`), `File ${i}\nBody text number ${i}.\n`);
    }
    const r = await loadCorpus(many, { maxFiles: 5 });
    expect(r.sources.map((s) => s.file)).toEqual(['f00.txt', 'f01.txt', 'f02.txt', 'f03.txt', 'f04.txt']);
    expect(r.skipped).toEqual([
      { file: 'f05.txt', reason: 'more than 5 files in the corpus: this file and 6 more were not read' },
    ]);
    const all = await loadCorpus(many, { maxFiles: 12 });
    expect(all.sources).toHaveLength(12);
    expect(all.skipped).toEqual([]);
  });

  it('caps the total bytes read, skipping the files that would go over it', async () => {
    const total = path.join(base, 'total');
    for (const n of ['a', 'b', 'c'])
      await put(path.join(total, `${n}.txt`), `${n.toUpperCase()}\n${'x '.repeat(3000)}\n`);
    await put(path.join(total, 'd.txt'), 'D\nSmall.\n');
    const r = await loadCorpus(total, { maxTotalBytes: 13_000 });
    expect(r.sources.map((s) => s.file)).toEqual(['a.txt', 'b.txt', 'd.txt']);
    expect(reasonsOf(r.skipped)['c.txt']).toMatch(/^over the corpus total limit of 12.7 KiB/);
    expect(r.bytes).toBeLessThanOrEqual(13_000);
  });
});

describe('encodings and line endings', () => {
  const split = (file: string, text: string) => splitArticle({ file, text, hash: 'h' });

  it('keeps a UTF-8 BOM out of the title, with offsets still pointing at the text', () => {
    for (const text of [
      '\ufeffBOM Title\nThe body follows the mark.\n',
      '\ufeff# BOM Title\n\nThe body follows the mark.\n',
      '\ufeff---\ntitle: BOM Title\n---\nThe body follows the mark.\n',
    ]) {
      const r = split('bom.md', text);
      expect(r.meta.title).toBe('BOM Title');
      expect(r.passages.map((p) => p.text)).toEqual(['The body follows the mark.']);
      expectVerbatim(text, r);
      expect(r.warnings).toEqual([]);
    }
    const bare = '\ufeffA body line with no title at all.';
    const r = split('bare.txt', bare);
    expect(r.passages[0]?.text).toBe('A body line with no title at all.');
    expect(r.passages[0]?.origin.offsets).toEqual([1, bare.length]);
  });

  it('reads CRLF, lone CR (old Mac), NEL and Unicode line separators as line breaks', () => {
    const body = (nl: string) =>
      [
        'Old Notes',
        'The first paragraph sits here.',
        '',
        'Second Part',
        'Another paragraph follows it.',
        '',
      ].join(nl);
    for (const nl of ['\n', '\r\n', '\r', '\u2028', '\u0085']) {
      const text = body(nl);
      const r = split('notes.txt', text);
      expect(r.meta.title, JSON.stringify(nl)).toBe('Old Notes');
      expect(r.passages.map((p) => [p.text, p.origin.section, p.origin.lines])).toEqual([
        ['The first paragraph sits here.', '', [2, 2]],
        ['Another paragraph follows it.', 'Second Part', [5, 5]],
      ]);
      expectVerbatim(text, r);
      for (const p of r.passages) expect(text.slice(...p.origin.offsets)).toBe(p.text);
    }
    // A sentence broken across lone-CR lines is joined, as with LF.
    const broken = split('b.txt', 'Title Here\rThe sentence is broken\racross two lines.\r');
    expect(broken.passages.map((p) => p.text)).toEqual(['The sentence is broken across two lines.']);
  });

  it('keeps zero-width characters in the quote text (verbatim) but not in metadata', () => {
    const text =
      '---\ntitle: Zero\u200bWidth \u2060Notes\u200d\nauthor: A\u200cda\n---\n## Ca\u200bching\n\nThe ca\u200bche keeps hot da\u200dta close.\n';
    const r = split('zw.md', text);
    expect(r.meta.title).toBe('ZeroWidth Notes');
    expect(r.meta.author).toBe('Ada');
    expect(r.meta.sections[0]?.name).toBe('Caching');
    expect(r.passages[0]?.text).toBe('The ca\u200bche keeps hot da\u200dta close.');
    expectVerbatim(text, r);
  });

  // Needs a change in src/core/text.ts (not owned here): tokens must run across zero-width
  // characters and normalizeWord must drop them; see the report.
  it('finds a word with a zero-width character inside it', () => {
    const index = CorpusIndex.build([
      {
        file: 'zw.txt',
        text: 'Storage Notes\nThe ca\u200bche keeps hot data close to the processor.\n',
        hash: 'h',
      },
    ]);
    expect(index.search('cache').map((h) => h.passage.origin.file)).toEqual(['zw.txt']);
    const a = answerQuestion(index, 'what does the cache keep');
    expect(a.passages[0]?.quote).toContain('ca\u200bche');
    expect(a.passages[0]?.quoteHighlights[0]).toEqual([4, 10]);
  });
});

describe('injection in titles and front matter', () => {
  const split = (text: string, file = 'a.md') => splitArticle({ file, text, hash: 'h' });
  const fm = (lines: string) => `---\n${lines}\n---\n\nThe body of the article is here.\n`;

  it('keeps HTML and Markdown in a title as plain text, for the renderers to escape', () => {
    expect(split(fm('title: "<script>alert(1)</script>"')).meta.title).toBe('<script>alert(1)</script>');
    expect(split(fm('title: "@everyone **bold** [click](http://evil)"')).meta.title).toBe(
      '@everyone **bold** [click](http://evil)',
    );
  });

  it('caps long metadata with "…" and says so', () => {
    const r = split(
      fm(
        `title: ${'Very long title '.repeat(320)}\nauthor: ${'Ann '.repeat(100)}\ndate: ${'9 July 2025 '.repeat(50)}`,
      ),
    );
    expect(r.meta.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(r.meta.title.endsWith('…')).toBe(true);
    expect(r.meta.author?.length).toBeLessThanOrEqual(MAX_AUTHOR_CHARS);
    expect(r.meta.date?.length).toBeLessThanOrEqual(MAX_DATE_CHARS);
    expect(r.warnings).toContain(`title cut to ${MAX_TITLE_CHARS} characters (was 5119)`);
    // A 5,000-character Markdown title line, and a 5,000-character heading.
    const md = split(`# ${'x'.repeat(5000)}\n\n## ${'Y '.repeat(2500)}\n\nBody text.\n`);
    expect(md.meta.title).toHaveLength(MAX_TITLE_CHARS);
    expect(md.meta.sections[0]?.name.length).toBeLessThanOrEqual(MAX_SECTION_CHARS);
    // A title from a hostile file name is cleaned and capped too.
    expect(titleFromFileName(`a\u0007b\u202e-${'z'.repeat(400)}.txt`)).toMatch(/^Ab Zz{251}…$/u);
  });

  it('removes control characters (NUL, ESC, bidi overrides) and line breaks from metadata', () => {
    const r = split(
      fm(
        'title: "Line\\nbreak\\u0000 and \\u202Ebidi\\x1b[31m"\nauthor: Ada\u0000\u001b[2J Lovelace\u0007\ndate: 2024-01-01\u200b',
      ),
    );
    expect(r.meta.title).toBe('Line break and bidi[31m');
    expect(r.meta.author).toBe('Ada[2J Lovelace');
    expect(r.meta.date).toBe('2024-01-01');
    expect(r.warnings).toContain('control or invisible characters removed from the title');
    const zalgo = split(fm(`title: Z${'\u0301'.repeat(200)}algo`)).meta.title;
    expect(zalgo).toBe(`Z${'\u0301'.repeat(4)}algo`);
  });

  it('reads front matter that never closes as body text, and says so', () => {
    const r = split(
      '---\ntitle: Never Closed\nauthor: Mallory\n\nThe body paragraph is still indexed.\n',
      'open.md',
    );
    expect(r.meta.title).toBe('Open');
    expect(r.meta.author).toBeUndefined();
    expect(r.passages.some((p) => p.text === 'The body paragraph is still indexed.')).toBe(true);
    expect(r.warnings[0]).toMatch(/^front matter never closes/);
  });

  it('keeps the first of duplicated keys', () => {
    const r = split(fm('title: The Real Title\ntitle: "@everyone"\nTitle: Third'));
    expect(r.meta.title).toBe('The Real Title');
    expect(r.warnings).toContain('duplicate front-matter key "title": the first value is kept');
  });

  it('never evaluates YAML: tags, aliases and mappings make a field ignored, with a reason', () => {
    const tagged = split(
      fm(
        'title: !!js/function "function () { process.exit(1) }"\nauthor: !!python/object/apply:os.system ["rm -rf /"]',
      ),
      'tagged-note.md',
    );
    expect(tagged.meta.title).toBe('Tagged Note');
    expect(tagged.meta.author).toBeUndefined();
    expect(tagged.warnings).toEqual([
      'front-matter "title" ignored: a YAML tag "!!js/function"',
      'front-matter "author" ignored: a YAML tag "!!python/object/apply:os.system"',
    ]);
    expect(split(fm('title: *ref')).warnings).toEqual(['front-matter "title" ignored: a YAML alias']);
    expect(split(fm('title: {a: 1}')).meta.title).toBe('A');
    expect(split(fm('author:\n  name: Ada\n  email: ada@example.org')).meta.author).toBeUndefined();
    // Plain YAML shapes are read as text on one line.
    expect(split(fm('title: !!str Plain String')).meta.title).toBe('Plain String');
    expect(split(fm('title: &anchor Anchored Title')).meta.title).toBe('Anchored Title');
    expect(split(fm('title: |\n  Block\n  Scalar')).meta.title).toBe('Block Scalar');
    expect(split(fm("title: 'It''s quoted'")).meta.title).toBe("It's quoted");
    expect(split(fm('author:\n  - Ada\n  - Grace')).meta.author).toBe('Ada, Grace');
    expect(split(fm('author: [Ada, "Grace"]')).meta.author).toBe('Ada, Grace');
  });

  it('keeps a url only when it is an http(s) address', () => {
    expect(split(fm('url: https://example.org/a?b=c')).meta.url).toBe('https://example.org/a?b=c');
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<b>x</b>', 'not a url']) {
      const r = split(fm(`url: ${bad}`));
      expect(r.meta.url, bad).toBeUndefined();
      expect(r.warnings[0]).toMatch(/^url ignored/);
    }
  });

  it('splits arbitrary hostile text without throwing, with clean bounded metadata and verbatim offsets', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '---\n',
        '---',
        'title: ',
        'author: ',
        'date: ',
        'url: ',
        '!!js/function ',
        '"',
        "'",
        '# ',
        '## ',
        '- ',
        '1. ',
        '```\n',
        '\n',
        '\r\n',
        '\r',
        '\u2028',
        '\u0085',
        '\ufeff',
        '\u200b',
        '\u202e',
        '\0',
        '\x1b[2J',
        '@everyone',
        '<script>',
        '. ',
        ':\n',
        ' ',
        '\t',
      ),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('Word ', 'lower words ', 'End. ', 'Title Case Heading\n'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.boolean(), (pieces, md) => {
        const text = pieces.join('');
        const r = splitArticle({ file: md ? 'x.md' : 'x.txt', text, hash: 'h' });
        const { title, author, date, url, sections } = r.meta;
        for (const v of [title, author, date, url, ...sections.map((s) => s.name)]) {
          if (v !== undefined) expect(v).toMatch(PLAIN_LINE);
        }
        expect(title.length).toBeGreaterThan(0);
        expect(title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
        for (const p of r.passages) {
          expect(p.text.length).toBeGreaterThan(0);
          expect(p.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
          expect(p.text).not.toMatch(/[\n\r\u2028\u2029\u0085]/u);
        }
        expectVerbatim(text, r);
      }),
      { numRuns: 400, seed: 20_250_801 },
    );
  });
});

describe('long lines', () => {
  it('does not choke on lines built to make regular expressions backtrack', () => {
    const t0 = performance.now();
    const r = splitArticle({ file: 'x.md', text: `# a${' '.repeat(200_000)}b\n\nBody text.\n`, hash: 'h' });
    expect(r.meta.title).toBe(`a${' '.repeat(200_000)}b`.replace(/ +/gu, ' '));
    splitArticle({ file: 'y.txt', text: 'Word\n'.repeat(100_000), hash: 'h' });
    splitArticle({ file: 'z.txt', text: `Title\n${'.'.repeat(500_000)}\n`, hash: 'h' });
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('cuts a long multi-line paragraph or list item at sentence ends, with lines and offsets per piece', () => {
    const sentence = (i: number) => `Sentence number ${i} talks about tides and harbours.`;
    const lines = Array.from({ length: 600 }, (_, i) => `${sentence(2 * i)} ${sentence(2 * i + 1)}`);
    for (const [file, text] of [
      ['long.md', `# Long\n\n${lines.join('\r\n')}\r\n\r\nAfter the long paragraph.\r\n`],
      ['item.txt', `Long Item\nThe list:\n- ${lines.join(' ')}\n- A short item.\n`],
    ] as const) {
      const r = splitArticle({ file, text, hash: 'h' });
      const long = r.passages.slice(0, -1).filter((p) => p.text.startsWith('Sentence'));
      expect(long.length).toBeGreaterThan(6);
      expect(long.map((p) => p.text).join(' ')).toBe(flat(lines.join(' ')));
      for (const p of long) {
        expect(p.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
        expect(p.text).toMatch(/^Sentence number \d+ .*harbours\.$/u);
        const [first, last] = p.origin.lines;
        const all = text.split(/\r?\n/u);
        expect(all[first - 1]).toContain(p.text.slice(0, 30));
        expect(all[last - 1]).toContain(p.text.slice(-30));
        if (file === 'item.txt') expect(p).toMatchObject({ kind: 'item', context: 'The list:' });
      }
      expectVerbatim(text, r);
      expect(r.warnings[0]).toMatch(/^paragraph on line \d+ is \d+ characters long: cut into \d+ passages/u);
    }
  });

  it('indexes a 1 MB single line as bounded passages, with quotes of at most ~350 characters', async () => {
    const words = ['harbour', 'lantern', 'glacier', 'saffron', 'kestrel', 'obsidian', 'bramble'];
    let line = '';
    for (let k = 0; line.length < 1_000_000; k++) {
      line += `The ${words[k % 7]} ${words[(k * 3) % 7]} cache holds ${words[(k * 5) % 7]} record ${k}. `;
    }
    const dir = path.join(base, 'long-line');
    await put(path.join(dir, 'long.txt'), `Long Line\n${line}\n`);
    await put(path.join(dir, 'word.txt'), `One Word\n${'y'.repeat(1_000_000)}\n`);
    await put(path.join(dir, 'small.txt'), 'Small\nA small article about kites and kestrel feathers.\n');
    const lib = new Library({ dir });
    const report = await lib.reindex();
    expect(report).toMatchObject({ ok: true, files: 3, skipped: [] });
    const buildMs = lib.index.stats.buildMs;
    const long = lib.index.passages.filter((p) => p.origin.file === 'long.txt');
    expect(long.length).toBeGreaterThanOrEqual(Math.ceil(1_000_000 / MAX_PASSAGE_CHARS));
    const text = readFileSync(path.join(dir, 'long.txt'), 'utf8');
    for (const p of long) {
      expect(p.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
      expect(p.origin.lines).toEqual([2, 2]);
      expect(text.slice(...p.origin.offsets)).toBe(p.text);
    }
    const t0 = performance.now();
    for (const q of [
      'harbour cache record',
      'what does the glacier cache hold',
      'record 4242 saffron',
      'yyyy',
    ]) {
      const a = answerQuestion(lib.index, q);
      for (const ap of [...a.passages, ...a.more]) {
        expect(ap.quote.length).toBeLessThanOrEqual(QUOTE_CHARS + 4);
        expect(ap.passage.text).toContain(ap.quote.replace(/^… ?|…$| …$/gu, ''));
      }
    }
    const answerMs = (performance.now() - t0) / 4;
    console.log(
      `1 MB single line: reindex ${report.ms} ms (build ${Math.round(buildMs)} ms), ${long.length} passages, ${answerMs.toFixed(1)} ms per answer`,
    );
    expect(answerMs).toBeLessThan(1000);
  });
});

describe('re-indexing a hostile corpus', () => {
  it('indexes the good files, reports each bad one with its reason, and never quotes outside text', async () => {
    const dir = path.join(base, 'mixed');
    const outside = path.join(base, 'mixed-outside.txt');
    await put(outside, `Leaked\nThe ${SECRET} must never be quoted.\n`);
    await put(
      path.join(dir, 'good.txt'),
      'Good Article\nThe zebraquux is not here; only quinces and pears.\n',
    );
    await put(path.join(dir, 'also.md'), fm2('"<script>alert(1)</script>"', 'Pears ripen off the tree.'));
    await put(path.join(dir, 'latin1.txt'), Buffer.from('Caf\xe9\n', 'latin1'));
    await put(path.join(dir, 'big.txt'), `Big\n${'zebraquux '.repeat(10_000)}\n`);
    await put(path.join(dir, 'blank.md'), '\n\n');
    await symlink(outside, path.join(dir, 'leak.txt'));
    await symlink('..', path.join(dir, 'up'));
    const lib = new Library({ dir, maxFileBytes: 64 * KiB });
    const report = await lib.reindex();
    expect(report.ok).toBe(true);
    expect(report.files).toBe(2);
    expect(reasonsOf(report.skipped)).toEqual({
      'big.txt': 'larger than the 64 KiB limit (97.7 KiB)',
      'blank.md': 'empty file (only whitespace)',
      'latin1.txt': 'not valid UTF-8 text (byte 0xE9 at offset 3)',
      'leak.txt': 'link pointing outside the corpus folder',
      up: 'link pointing outside the corpus folder',
    });
    expect(lib.skipped).toEqual(report.skipped);
    expect(lib.index.articles.find((a) => a.file === 'also.md')?.title).toBe('<script>alert(1)</script>');
    const a = answerQuestion(lib.index, 'OUTSIDE-SECRET zebraquux', { results: 10 });
    for (const p of [...a.passages, ...a.more]) expect(p.quote).not.toContain('OUTSIDE');
    expect(lib.index.passages.some((p) => p.text.includes('OUTSIDE-SECRET'))).toBe(false);
  });
});

function fm2(title: string, body: string): string {
  return `---\ntitle: ${title}\n---\n\n${body}\n`;
}
