import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npm, script, pkg, root } from './cli-helpers.js';

describe('npm run ask -- --json --stdin', () => {
  it('prints one JSON object per input line, in order, and nothing else on stdout', async () => {
    const lines = ['What is nanoGPT?', '', 'x'.repeat(1001), 'Who painted the Mona Lisa?', 'RISC-V'];
    const { stdout, code } = await script('ask', ['--json', '--stdin'], `${lines.join('\n')}\n`);
    expect(code).toBe(0);
    const out = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(lines.length);
    out.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(
        expect.arrayContaining(['question', 'answered', 'passages', 'suggestions']),
      );
      expect(typeof o.answered).toBe('boolean');
      if (!o.answered) expect(o.passages).toEqual([]);
      expect(o.question).toBe(i === 2 ? lines[i] : lines[i]?.trim());
    });
    const nano = out[0];
    expect(nano.answered).toBe(true);
    const p = nano.passages[0];
    expect(p).toMatchObject({
      file: 'the-rise-of-open-source-ai.txt',
      section: '',
      paragraph: 7,
      lines: [8, 8],
    });
    expect(typeof p.text).toBe('string');
    expect(typeof p.quote).toBe('string');
    expect(typeof p.title).toBe('string');
    expect(typeof p.score).toBe('number');
    expect(out[1].error.code).toBe('empty');
    expect(out[2].error.code).toBe('too_long');
    expect(out[3].answered).toBe(false);
    expect(out[3].error).toBeUndefined();
    expect(out[4].passages[0].section).toBe(
      'The Future of Open Source AI – What’s Next? › 2. AI-Powered by Open-Source Hardware',
    );
  });

  it('answers a single question as one JSON object', async () => {
    const { stdout, code } = await npm(['run', '-s', 'ask', '--', '--json', 'federated learning'], '');
    expect(code).toBe(0);
    const o = JSON.parse(stdout);
    expect(o.answered).toBe(true);
    expect(o.passages).toHaveLength(3);
  });

  it('exits non-zero with a clear message when the corpus folder is missing', async () => {
    const { stdout, stderr, code } = await script('ask', ['--json', 'anything'], '', {
      CORPUS_DIR: '/nonexistent/citebot-corpus',
    });
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Corpus folder .* does not exist/);
  });
});

describe('npm run ask', () => {
  it('prints no log lines below warn by default, and shows them with --verbose', async () => {
    const quiet = await script('ask', ['What is nanoGPT?'], '', { LOG_LEVEL: '' });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain('nanoGPT');
    expect(quiet.stderr).toBe('');
    const verbose = await script('ask', ['--verbose', 'What is nanoGPT?'], '', {
      LOG_LEVEL: '',
    });
    expect(verbose.stderr).toContain('INFO  corpus indexed');
  });

  it('shows no progress line when stderr is not a terminal, even while computing vectors', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'citebot-cli-fresh-'));
    // A small corpus: every one of its passages is embedded in this run all the same.
    const { stderr, code } = await script('ask', ['--verbose', 'What is nanoGPT?'], '', {
      CACHE_DIR: fresh,
      CORPUS_DIR: path.join(root, 'test/fixture/markdown'),
      LOG_LEVEL: '',
    });
    expect(code).toBe(0);
    // The vectors were computed in this run (a fresh cache), yet nothing but log lines reached stderr.
    expect(stderr).toContain('from="built"');
    expect(stderr).not.toContain('Preparing');
    expect(stderr).not.toContain('\r');
  }, 90_000);

  it('--article with no matching article exits 2 with the message', async () => {
    const { stdout, stderr, code } = await script('ask', ['--article', 'nope', 'q'], '', {
      SEMANTIC: 'off',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'citebot: no article matches --article "nope"; the articles are: the-rise-of-open-source-ai.txt, why-open-source-AI-is-thriving.txt\n',
    );
  });

  it('--stdin in text mode echoes each question above its answer, skipping blank lines', async () => {
    const { stdout, code } = await script('ask', ['--stdin'], 'What is nanoGPT?\n\nqwxz blorp\n', {
      SEMANTIC: 'off',
    });
    expect(code).toBe(0);
    const blocks = stdout.trimEnd().split('\n\n? ');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^\? What is nanoGPT\?\n1\. “/u);
    expect(blocks[1]).toMatch(/^qwxz blorp\nThe articles don't answer that\./u);
  });

  it('a question declined within one article names the articles that answer it', async () => {
    const { stdout, code } = await script(
      'ask',
      ['--json', '--article', 'thriving', 'What is nanoGPT?'],
      '',
      {
        SEMANTIC: 'off',
      },
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.answered).toBe(false);
    expect(out.elsewhere).toEqual(['the-rise-of-open-source-ai.txt']);
    const text = await script('ask', ['--article', 'thriving', 'What is nanoGPT?'], '', {
      SEMANTIC: 'off',
    });
    expect(text.stdout.replace(/\s+/gu, ' ')).toContain(
      "“Why Open Source AI Is Thriving” doesn't answer that; “The Rise of Open-Source AI: A Brief Overview” does.",
    );
    const wide = await script('ask', ['--json', '--article', 'thriving', 'Who painted the Mona Lisa?'], '', {
      SEMANTIC: 'off',
    });
    expect(JSON.parse(wide.stdout).elsewhere).toBeUndefined();
  });

  it('an --article that fits several articles equally exits 2 naming them', async () => {
    const { stdout, stderr, code } = await script('ask', ['--article', 'open', 'q'], '', {
      SEMANTIC: 'off',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'citebot: --article "open" matches 2 articles: "The Rise of Open-Source AI: A Brief Overview" (the-rise-of-open-source-ai.txt), "Why Open Source AI Is Thriving" (why-open-source-AI-is-thriving.txt). Type more of the title.\n',
    );
  });

  it('an unknown option exits 2 with one clear line and the usage', async () => {
    const { stdout, stderr, code } = await script('ask', ['--bogus', 'q'], '');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe("citebot: unknown option '--bogus'");
    expect(stderr).toContain('usage: npm run ask');
    expect(stderr).not.toContain('as in');
  });

  it('--version prints the package version and exits 0', async () => {
    const { stdout, code } = await script('ask', ['--version'], '');
    expect(code).toBe(0);
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it('--explain shows each passage’s quote', async () => {
    const { stdout, code } = await script('ask', ['--explain', 'What is nanoGPT?'], '', {
      SEMANTIC: 'off',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^1\. The Rise of Open-Source AI: A Brief Overview — ¶7 {2}score/mu);
    expect(stdout).toMatch(
      /^ {3}“To illustrate, consider the recent development of language models such as$/mu,
    );
    expect(stdout).toContain('the-rise-of-open-source-ai.txt, lines 8–8');
  });

  it('shows the article’s source link on each origin line (plain URL when piped)', async () => {
    const corpus = mkdtempSync(path.join(tmpdir(), 'citebot-cli-md-'));
    copyFileSync(path.join(root, 'test/fixture/markdown/guide.md'), path.join(corpus, 'guide.md'));
    const { stdout, code } = await script('ask', ['What do parsers do?'], '', {
      SEMANTIC: 'off',
      CORPUS_DIR: corpus,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/\(guide\.md, lines\s+\d+–\d+\)\s+https:\/\/example\.org\/compilers$/mu);
    expect(stdout).not.toContain('\x1b');
  });
});
