/** Running the entry points as a newcomer would: through npm, with no token and a cache of the run's own. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
// Snapshots and vectors go to a folder of the test run's own, not the working tree's .cache/: one
// beside the run's DATA_DIR (vitest.config.ts), filled before the suite by test/warm-cache.ts.
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

const scripts = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/**
 * Runs an npm script's own command line (`tsx src/ask.ts`) as one node process with tsx's loader,
 * without npm and tsx's launcher around it: the same program, environment and stdin as `npm run
 * <name> -- args`, a second less per run. The tests of npm itself (the README's commands) use `npm`.
 */
export function script(name: string, args: string[], input: string, env: Record<string, string> = {}) {
  const command = scripts[name]?.match(/^tsx (\S+\.ts)$/u)?.[1];
  if (!command) throw new Error(`package.json script ${JSON.stringify(name)} is not "tsx <file>.ts"`);
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', command, ...args],
      { cwd: root, env: { ...process.env, DISCORD_TOKEN: '', CACHE_DIR: cacheDir, ...env } },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
    child.stdin?.end(input);
  });
}
