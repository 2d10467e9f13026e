import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
// Snapshots go to a folder of the test run's own, not the working tree's .cache/.
const cacheDir = mkdtempSync(path.join(tmpdir(), 'citebot-cli-cache-'));

function npm(args: string[], input: string, env: Record<string, string> = {}) {
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    const child = execFile(
      'npm',
      args,
      { cwd: root, env: { ...process.env, DISCORD_TOKEN: '', CACHE_DIR: cacheDir, ...env } },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
    child.stdin?.end(input);
  });
}

describe('npm run ask -- --json --stdin', () => {
  it('prints one JSON object per input line, in order, and nothing else on stdout', async () => {
    const lines = ['What is nanoGPT?', '', 'x'.repeat(1001), 'Who painted the Mona Lisa?', 'RISC-V'];
    const { stdout, code } = await npm(['run', '-s', 'ask', '--', '--json', '--stdin'], `${lines.join('\n')}\n`);
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
    const { stdout, stderr, code } = await npm(['run', '-s', 'ask', '--', '--json', 'anything'], '', {
      CORPUS_DIR: '/nonexistent/citebot-corpus',
    });
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Corpus folder .* does not exist/);
  });
});

describe('npm start without a token', () => {
  it('answers each line of piped input without a prompt and exits 0 at the end', async () => {
    const { stdout, code } = await npm(['start'], 'What is nanoGPT?\n/sources\n/help\n/nonsense\n');
    expect(code).toBe(0);
    expect(stdout).toContain('nanoGPT');
    expect(stdout).toContain('The Rise of Open-Source AI: A Brief Overview — ¶7');
    expect(stdout).toContain('2 articles');
    expect(stdout).toContain('Unknown command /nonsense');
    expect(stdout).not.toMatch(/^\? /m);
  });

  it('rejects a malformed variable, naming it', async () => {
    const { stderr, code } = await npm(['start'], '', { COOLDOWN_SECONDS: 'soon' });
    expect(code).toBe(1);
    expect(stderr).toContain('COOLDOWN_SECONDS');
    expect(stderr).toContain('"soon"');
  });
});
