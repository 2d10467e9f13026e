/** Running the entry points as a newcomer would: through npm, with no token and a cache of the run's own. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
// Snapshots and vectors go to a folder of the test run's own, not the working tree's .cache/: one
// beside the run's DATA_DIR (vitest.config.ts), so the test files of one run embed the corpus once.
export const cacheDir = process.env.DATA_DIR
  ? `${process.env.DATA_DIR}-cache`
  : mkdtempSync(path.join(tmpdir(), 'citebot-cli-cache-'));
mkdirSync(cacheDir, { recursive: true });
export const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

export function npm(args: string[], input: string, env: Record<string, string> = {}) {
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
