/**
 * Before the fast suite: one `npm run ask` (its command line, test/cli-helpers.ts `script`) on the
 * bundled corpus, so the snapshot and passage vectors in the run's cache folder exist before the
 * files that start citebot run. Without it, the first three such files running at once each
 * embedded the corpus (a quarter of a minute of both cores). Embedding on a first start is tested
 * on its own (test/semantic.test.ts, the terminal's progress line).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const root = path.resolve(import.meta.dirname, '..');

export default async function warmCache(project: TestProject): Promise<void> {
  const dataDir = project.config.env?.DATA_DIR;
  if (!dataDir) throw new Error('vitest.config.ts sets no DATA_DIR for the tests');
  const cacheDir = `${dataDir}-cache`;
  mkdirSync(cacheDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/ask.ts', '--json', 'What is nanoGPT?'],
      { cwd: root, env: { ...process.env, DISCORD_TOKEN: '', DATA_DIR: dataDir, CACHE_DIR: cacheDir } },
      (err, _stdout, stderr) =>
        err ? reject(new Error(`warming the test cache failed: ${stderr.trim() || err.message}`)) : resolve(),
    );
  });
}
