/**
 * Before the fast suite: one `npm run ask` (its command line, test/cli-helpers.ts `script`) on the
 * bundled corpus, so the snapshot and passage vectors in the run's cache folder exist before the
 * files that start citebot run. Without it, the first three such files running at once each
 * embedded the corpus (a quarter of a minute of both cores). Embedding on a first start is tested
 * on its own (test/semantic.test.ts, the terminal's progress line).
 */
import { mkdirSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { cacheDirOf, runProcess, scriptArgs } from './run-process.js';

export default async function warmCache(project: TestProject): Promise<void> {
  const dataDir = project.config.env?.DATA_DIR;
  if (!dataDir) throw new Error('vitest.config.ts sets no DATA_DIR for the tests');
  const cacheDir = cacheDirOf(dataDir);
  mkdirSync(cacheDir, { recursive: true });
  const r = await runProcess(process.execPath, [...scriptArgs('ask'), '--json', 'What is nanoGPT?'], {
    ...process.env,
    DISCORD_TOKEN: '',
    DATA_DIR: dataDir,
    CACHE_DIR: cacheDir,
  });
  if (r.code !== 0) throw new Error(`warming the test cache failed: ${r.stderr.trim() || `exit ${r.code}`}`);
}
