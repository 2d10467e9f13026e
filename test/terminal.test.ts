/**
 * The terminal surface: the interactive prompt in a real pseudo-terminal (Ctrl-C, Ctrl-D, widths,
 * hyperlinks, the start-up progress line), and its renderers over real services and hand-built data.
 */
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServices } from '../src/app.js';
import type { AskResult } from '../src/commands/commands.js';
import { loadConfig } from '../src/config.js';
import type { AnswerPassage } from '../src/core/types.js';
import { silentLogger, createLogger } from '../src/log.js';
import { explainQuestion, renderExplain } from '../src/render/explain.js';
import {
  displayWidth,
  plainStyle,
  renderAsk,
  renderHelp,
  renderSources,
  ttyStyle,
  wrapText,
} from '../src/render/terminal.js';
import { progressLine } from '../src/terminal/progress.js';
import { CTRL_C_HINT, handleLine, runTerminal, type Session } from '../src/terminal/repl.js';
import { ask, help, sources } from '../src/commands/commands.js';
import { runInPty } from './pty.js';

const root = path.resolve(import.meta.dirname, '..');
const cacheDir = mkdtempSync(path.join(tmpdir(), 'citebot-terminal-cache-'));
const baseEnv = {
  ...process.env,
  DISCORD_TOKEN: '',
  CACHE_DIR: cacheDir,
  SEMANTIC: 'off',
  TERM: 'xterm-256color',
  NO_COLOR: undefined,
  LOG_LEVEL: '',
};
/** A prompt "? " (readline may follow it with a cursor move). */
const PROMPT = String.raw`\n\? (\x1b\[\d+G)?$`;
const ESC_RE = /\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/gu;
const visible = (s: string) => s.replace(ESC_RE, '');

function markdownCorpus(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'citebot-md-corpus-'));
  copyFileSync(path.join(root, 'test/fixture/markdown/guide.md'), path.join(dir, 'guide.md'));
  return dir;
}

async function services(env: Record<string, string>) {
  return createServices(loadConfig({ SEMANTIC: 'off', CACHE_DIR: cacheDir, ...env }, root), silentLogger);
}

describe('the interactive prompt (pseudo-terminal)', () => {
  it('Ctrl-C clears a half-typed line with a hint; a second Ctrl-C on the empty line leaves with 130 and a newline', async () => {
    const r = await runInPty([process.execPath, '--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: baseEnv,
      steps: [
        { waitFor: PROMPT, send: 'what is nan' },
        { waitFor: 'nan', send: '\x03' },
        { waitFor: String.raw`leave\)`, timeout: 10 },
        { waitFor: PROMPT, send: '\x03' },
      ],
    });
    expect(r.timedOut).toBeNull();
    expect(r.code).toBe(130);
    const out = visible(r.output);
    expect(out).toContain(`what is nan^C\r`);
    expect(out).toContain(CTRL_C_HINT);
    // The hint came once: the first Ctrl-C did not leave, the second did.
    expect(out.split(CTRL_C_HINT)).toHaveLength(2);
    expect(r.output.endsWith('^C\r\n')).toBe(true);
  });

  it('a question entered after a Ctrl-C disarms it: the next Ctrl-C only warns again; Ctrl-D leaves with 0 and a newline', async () => {
    const r = await runInPty([process.execPath, '--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: baseEnv,
      steps: [
        { waitFor: PROMPT, send: 'half' },
        { waitFor: 'half', send: '\x03' },
        { waitFor: String.raw`leave\)`, timeout: 10 },
        { waitFor: PROMPT, send: 'What is nanoGPT?\r' },
        { waitFor: 'Karpathy' },
        { waitFor: PROMPT, send: '\x03' },
        { waitFor: String.raw`leave\)`, timeout: 10 },
        { waitFor: PROMPT, send: '\x04' },
      ],
    });
    expect(r.timedOut).toBeNull();
    expect(r.code).toBe(0);
    expect(visible(r.output).split(CTRL_C_HINT)).toHaveLength(3);
    expect(r.output).toMatch(/\? (\x1b\[\d+G)?\r\n$/u);
  });

  it('wraps to the terminal width at word boundaries and shows the source link as an OSC 8 hyperlink', async () => {
    const corpus = markdownCorpus();
    const r = await runInPty([process.execPath, '--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...baseEnv, CORPUS_DIR: corpus },
      cols: 50,
      steps: [
        { waitFor: PROMPT, send: 'What do parsers do?\r' },
        { waitFor: 'compilers' },
        { waitFor: PROMPT, send: '/quit\r' },
      ],
    });
    expect(r.timedOut).toBeNull();
    expect(r.code).toBe(0);
    expect(r.output).toContain(
      '\x1b]8;;https://example.org/compilers\x1b\\https://example.org/compilers\x1b]8;;\x1b\\',
    );
    const answer = visible(r.output.slice(r.output.indexOf('What do parsers do?')));
    const lines = answer.split(/\r?\n/u).map((l) => l.replace(/\r/gu, ''));
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(50);
    // A numbered quote continues under its text, three columns in.
    const first = lines.findIndex((l) => l.startsWith('1. “'));
    expect(first).toBeGreaterThan(-1);
    expect(lines[first + 1]).toMatch(/^ {3}\S/u);
  });

  it('shows a progress line on a terminal while passage vectors are computed, then clears it', async () => {
    const corpus = markdownCorpus();
    const r = await runInPty([process.execPath, '--import', 'tsx', 'src/ask.ts', 'What do parsers do?'], {
      cwd: root,
      env: {
        ...baseEnv,
        SEMANTIC: 'on',
        CORPUS_DIR: corpus,
        CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'citebot-fresh-cache-')),
      },
    });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/\r\x1b\[2KPreparing answers: 0\/\d+ passages…/u);
    const shown = r.output.lastIndexOf('Preparing answers');
    const answer = r.output.search(/(\x1b\[1m)?1\.(\x1b\[22m)? “/u);
    expect(answer).toBeGreaterThan(shown);
    // Cleared before the answer.
    expect(r.output.slice(shown, answer)).toContain('\r\x1b[2K');
  }, 90_000);
});

describe('terminal rendering', () => {
  it('wrapText breaks only at spaces, keeps hanging indents, and never splits an escape or a URL', () => {
    const url = 'https://example.org/a/very/long/path/that/does/not/fit/anywhere/at/all';
    const text = [
      `1. “${'\x1b[1;33mopen\x1b[22;39m source '.repeat(8)}”`,
      `\x1b[2m   — Title — ¶7 (file.txt, lines 8–8) \x1b]8;;${url}\x1b\\${url}\x1b]8;;\x1b\\\x1b[22m`,
      '  • a bullet with enough words in it to wrap around the end of the line',
    ].join('\n');
    const out = wrapText(text, 40);
    const lines = out.split('\n');
    for (const l of lines) {
      if (!visible(l).includes(url)) expect(displayWidth(l), l).toBeLessThanOrEqual(40);
    }
    expect(visible(out).replace(/\s+/gu, ' ')).toBe(visible(text).replace(/\s+/gu, ' '));
    expect(out).toContain(`\x1b]8;;${url}\x1b\\${url}\x1b]8;;\x1b\\`);
    expect(lines[1]).toMatch(/^ {3}(\x1b\[1;33m)?\S/u);
    expect(lines.some((l) => /^ {5}\S/u.test(visible(l)))).toBe(true);
    expect(lines.some((l) => /^ {4}\S/u.test(l))).toBe(true);
    // Every escape sequence is intact.
    expect(out.match(ESC_RE)?.length).toBe(text.match(ESC_RE)?.length);
  });

  it('the origin line carries the passage url: plain without a terminal, a hyperlink on one', () => {
    const passage: AnswerPassage = {
      passage: {
        id: 0,
        kind: 'paragraph',
        text: 'A lexer groups characters into tokens.',
        origin: {
          file: 'guide.md',
          title: 'Guide',
          section: 'Lexing',
          paragraph: 1,
          lines: [3, 3],
          offsets: [0, 38],
          url: 'https://example.org/lex',
        },
      },
      quote: 'A lexer groups characters into tokens.',
      quoteHighlights: [[2, 7]],
      score: 1,
      matchedTerms: ['lexer'],
    };
    const result: AskResult = {
      kind: 'answer',
      articles: [],
      answer: {
        question: 'lexer',
        answered: true,
        passages: [passage],
        more: [],
        suggestions: [],
        coverage: 1,
        related: [],
      },
    };
    expect(renderAsk(result, plainStyle)).toContain(
      '   — Guide — Lexing, ¶1 (guide.md, lines 3–3) https://example.org/lex',
    );
    expect(renderAsk(result, ttyStyle)).toContain(
      '\x1b]8;;https://example.org/lex\x1b\\https://example.org/lex\x1b]8;;\x1b\\',
    );
  });

  it('says 1 article and 1 passage, not "1 articles" or "1 passages"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citebot-one-'));
    writeFileSync(path.join(dir, 'one.txt'), 'Compilers turn source text into machine code.\n');
    const s = await services({ CORPUS_DIR: dir });
    const all = [
      renderSources(sources(s), plainStyle),
      renderHelp(help(s), plainStyle),
      renderAsk(await ask(s, { question: 'painting the Mona Lisa' }), plainStyle),
    ].join('\n');
    expect(all).toContain('1 article');
    expect(all).toContain('1 passage');
    expect(all).toContain('0 sections');
    expect(all).not.toMatch(/\b1 (articles|passages|sections)\b/u);
  });

  it('--explain output shows each passage’s quote', async () => {
    const s = await services({ CORPUS_DIR: markdownCorpus() });
    const result = await ask(s, { question: 'lexer tokens' });
    if (result.kind !== 'answer') throw new Error(result.message);
    const out = renderExplain(explainQuestion(s.library.index, 'lexer tokens', result.answer), plainStyle);
    expect(out).toContain(
      '   “The *lexer* groups characters into *tokens* such as identifiers, numbers and operators.”',
    );
    expect(out).toContain('guide.md, lines 16–17');
  });

  it('an empty corpus folder warns at start and the decline says there are no articles', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citebot-empty-'));
    const lines: string[] = [];
    const s = await createServices(
      loadConfig({ SEMANTIC: 'off', CACHE_DIR: cacheDir, CORPUS_DIR: dir }, root),
      createLogger({ write: (l) => lines.push(l) }),
    );
    expect(lines.filter((l) => l.includes(' WARN '))).toEqual([
      expect.stringContaining(
        `the corpus folder ${dir} has no articles; every question will be declined. Put .txt or .md files there.`,
      ),
    ]);
    const out = await handleLine(s, 'What is nanoGPT?');
    expect(out).toContain('There are no articles to quote from');
    expect(out).not.toContain('The articles are:');
  });
});

describe('/article in the terminal', () => {
  it('narrows the questions after it to one article, and /article alone clears it', async () => {
    const s = await services({});
    const session: Session = {};
    const all = await handleLine(s, 'What is nanoGPT?', false, session);
    expect(all).toContain('(the-rise-of-open-source-ai.txt, lines');
    expect(await handleLine(s, '/article why open', false, session)).toContain(
      'Questions now look only in “Why Open Source AI Is Thriving” (why-open-source-AI-is-thriving.txt)',
    );
    const narrowed = await handleLine(s, 'What is nanoGPT?', false, session);
    // Asked within that article only, which doesn't answer it; the decline says which one does.
    expect(narrowed).toContain(
      "“Why Open Source AI Is Thriving” doesn't answer that; “The Rise of Open-Source AI: A Brief Overview” does.",
    );
    expect(narrowed).not.toContain('(the-rise-of-open-source-ai.txt, lines');
    expect(await handleLine(s, '/ask What is nanoGPT?', false, session)).not.toContain(
      '(the-rise-of-open-source-ai.txt, lines',
    );
    expect(await handleLine(s, '/article nope', false, session)).toContain('No article matches "nope"');
    expect(session.article?.file).toBe('why-open-source-AI-is-thriving.txt');
    expect(await handleLine(s, '/article', false, session)).toBe('Questions look in all articles again.');
    expect(await handleLine(s, 'What is nanoGPT?', false, session)).toContain(
      '(the-rise-of-open-source-ai.txt, lines',
    );
  });

  it('the terminal help names /article and no "article option"', async () => {
    const out = await handleLine(await services({}), '/help');
    expect(out).toContain('/article NAME');
    expect(out).toContain('/article [name]');
    expect(out).not.toContain('article option');
  });

  it('the prompt shows the current filter (fake terminal)', async () => {
    const s = await services({});
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    let seen = '';
    output.on('data', (d: Buffer) => (seen += d.toString()));
    const done = runTerminal(s, { input, output, interactive: true, colour: false });
    input.write('/article why open\r');
    await new Promise((r) => setTimeout(r, 300));
    input.write('\x04');
    expect(await done).toBe(0);
    expect(seen).toContain('\n[Why Open Source AI Is Thriving] ? ');
  });
});

describe('progressLine', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const out = new PassThrough();
    let seen = '';
    out.on('data', (d: Buffer) => (seen += d.toString()));
    const p = progressLine(out);
    p.update(0, 10);
    p.update(10, 10);
    p.clear();
    expect(seen).toBe('');
  });

  it('rewrites one line in place on a terminal and clears it at the end', () => {
    const out = Object.assign(new PassThrough(), { isTTY: true });
    let seen = '';
    out.on('data', (d: Buffer) => (seen += d.toString()));
    const p = progressLine(out, undefined, 0);
    p.update(0, 2);
    p.update(1, 2);
    p.update(2, 2);
    expect(seen).toBe(
      '\r\x1b[2KPreparing answers: 0/2 passages…\r\x1b[2KPreparing answers: 1/2 passages…\r\x1b[2K',
    );
  });
});
