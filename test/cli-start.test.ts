import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npm, script, pkg } from './cli-helpers.js';

describe('npm start without a token', () => {
  it('answers each line of piped input without a prompt, each after its question, and exits 0 at the end', async () => {
    const { stdout, code } = await npm(['start'], 'What is nanoGPT?\n/sources\n/help\n/nonsense\n');
    expect(code).toBe(0);
    expect(stdout).toContain('nanoGPT');
    expect(stdout).toContain('The Rise of Open-Source AI: A Brief Overview — ¶7');
    expect(stdout).toContain('2 articles');
    expect(stdout).toContain('Unknown command /nonsense');
    // Each question is echoed before its answer, in order, and no prompt is shown.
    const echoed = stdout.split('\n').filter((l) => l.startsWith('? '));
    expect(echoed).toEqual(['? What is nanoGPT?', '? /sources', '? /help', '? /nonsense']);
    expect(stdout.indexOf('? What is nanoGPT?')).toBeLessThan(stdout.indexOf('Karpathy'));
    expect(stdout.indexOf('Karpathy')).toBeLessThan(stdout.indexOf('? /sources'));
  });

  it('wraps piped answers at 80 columns between words', async () => {
    const { stdout, code } = await script('start', [], 'What is nanoGPT?\n', { SEMANTIC: 'off' });
    expect(code).toBe(0);
    for (const line of stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(stdout).toContain('educational implementation');
    expect(stdout).toMatch(/^ {3}\S/mu);
  });

  it('/article narrows piped questions to one article', async () => {
    const { stdout, code } = await script(
      'start',
      [],
      '/article why open\nopen source\n/article\nWhat is nanoGPT?\n',
      { SEMANTIC: 'off' },
    );
    expect(code).toBe(0);
    const [narrowed = '', cleared = ''] = stdout.split('? /article\n');
    expect(narrowed).toContain('Questions now look only in “Why Open Source AI Is Thriving”');
    expect(narrowed.split('? open source')[1]).toContain('(why-open-source-AI-is-thriving.txt, lines');
    expect(narrowed.split('? open source')[1]).not.toContain('the-rise-of-open-source-ai.txt');
    expect(cleared).toContain('Questions look in all articles again.');
    expect(cleared).toContain('(the-rise-of-open-source-ai.txt, lines');
  });

  it('hides info log lines unless --verbose or LOG_LEVEL asks for them', async () => {
    const quiet = await script('start', [], 'RISC-V\n', { SEMANTIC: 'off', LOG_LEVEL: '' });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('corpus indexed');
    const verbose = await script('start', ['--verbose'], 'RISC-V\n', { SEMANTIC: 'off', LOG_LEVEL: '' });
    expect(verbose.stderr).toContain('INFO  corpus indexed');
    const env = await script('start', [], 'RISC-V\n', { SEMANTIC: 'off', LOG_LEVEL: 'info' });
    expect(env.stderr).toContain('INFO  corpus indexed');
  });

  it('--version prints the package version; an unknown option exits 2 with one clear line', async () => {
    const version = await script('start', ['--version'], '');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const bogus = await script('start', ['--bogus'], '');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain("citebot: unknown option '--bogus'\nusage: npm start");
  });

  it('warns when the corpus folder is empty and declines saying there are no articles', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'citebot-empty-corpus-'));
    const { stdout, stderr, code } = await script('start', [], 'What is nanoGPT?\n', {
      SEMANTIC: 'off',
      CORPUS_DIR: empty,
      LOG_LEVEL: '',
    });
    expect(code).toBe(0);
    expect(stderr).toContain(
      `WARN  the corpus folder ${empty} has no articles; every question will be declined. Put .txt or .md files there.`,
    );
    expect(stdout).toContain('There are no articles to quote from');
    expect(stdout).not.toContain('The articles are:');
  });

  it('rejects a malformed variable, naming it', async () => {
    const { stderr, code } = await script('start', [], '', { COOLDOWN_SECONDS: 'soon' });
    expect(code).toBe(1);
    expect(stderr).toContain('COOLDOWN_SECONDS');
    expect(stderr).toContain('"soon"');
  });
});
