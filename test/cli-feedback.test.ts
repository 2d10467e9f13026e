/**
 * The store as an operator meets it, through npm: a damaged database stops the start with one line;
 * `npm run feedback -- import` reports bad lines by number and imports the rest; `export` gives them
 * back; and `npm run ask` on the same DATA_DIR answers with what was imported.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { script } from './cli-helpers.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'citebot-cli-data-'));

describe('the store from the command line', () => {
  it('a damaged database file stops npm start with one line naming it, and exit status 1', async () => {
    const dataDir = fresh();
    const file = path.join(dataDir, 'citebot.sqlite');
    writeFileSync(file, 'this is not a database, just forty-odd bytes of text\n'.repeat(100));
    const { stdout, stderr, code } = await script('start', [], 'What is nanoGPT?\n', {
      DATA_DIR: dataDir,
      SEMANTIC: 'off',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^citebot: .*citebot\.sqlite is not a citebot database \(.+\): move it away or set DATA_DIR$/u,
    );
  });

  it('import skips bad lines by number, export gives the picks back, and ask answers with them', async () => {
    const dataDir = fresh();
    const env = { DATA_DIR: dataDir, SEMANTIC: 'off' };
    const question = 'how do open source projects get money';
    const passage =
      'Maintaining and updating large-scale open-source projects also hinges on sustained contributions';
    const before = await script('ask', ['--json', question], '', env);
    const firstBefore =
      (JSON.parse(before.stdout) as { passages: { text: string }[] }).passages[0]?.text ?? '';
    const picks = path.join(dataDir, 'picks.jsonl');
    writeFileSync(
      picks,
      [
        JSON.stringify({ question, passage, verdict: 'answer', by: 'moderator' }),
        '{"question": "broken',
        JSON.stringify({
          question: 'anything',
          passage: 'words found in no article whatsoever',
          by: 'moderator',
        }),
      ].join('\n'),
    );
    const imported = await script('feedback', ['import', picks], '', env);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(`${picks}:2: skipped: not valid JSON`);
    expect(imported.stderr).toContain(
      `${picks}:3: skipped: the passage "words found in no article whatsoever" is not in the current corpus`,
    );
    expect(imported.stderr).toMatch(/imported 1 picks into SQLite at .*; skipped 2 lines/u);

    const exported = await script('feedback', ['export'], '', env);
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ question, verdict: 'answer', by: 'moderator' });
    expect(lines[0]?.passage).toContain(passage);

    const after = await script('ask', ['--json', question], '', env);
    const firstAfter = (JSON.parse(after.stdout) as { passages: { text: string }[] }).passages[0]?.text ?? '';
    expect(firstBefore).not.toContain(passage);
    expect(firstAfter).toContain(passage);
  });

  it('eval --store scores the questions with the picks of the store every entry point uses', async () => {
    const dataDir = fresh();
    const env = { DATA_DIR: dataDir, SEMANTIC: 'off' };
    const picks = path.join(dataDir, 'picks.jsonl');
    // A moderator's "none of these" for a question of the dev split that is answered without it.
    writeFileSync(
      picks,
      `${JSON.stringify({ question: 'What is nanoGPT?', passage: 'nanoGPT by Andrej Karpathy', verdict: 'none', by: 'moderator' })}\n`,
    );
    expect((await script('feedback', ['import', picks], '', env)).code).toBe(0);
    const r = await script('eval', ['--store', '--lexical', '--split', 'dev', '--misses'], '', env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Store: ${dataDir}, its articles and 1 active picks`);
    expect(r.stdout).toMatch(/miss \[lexical\] rank=\S+ declined {2}What is nanoGPT\?$/mu);
  });
});
