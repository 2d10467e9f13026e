/** Running the entry points as a newcomer would: through npm, with no token and a cache of the run's own. */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheDirOf, root, type Run, runProcess, scriptArgs } from './run-process.js';

export { root };
// Snapshots and vectors go to a folder of the test run's own, not the working tree's .cache/: one
// beside the run's DATA_DIR (vitest.config.ts), filled before the suite by test/warm-cache.ts.
export const cacheDir = process.env.DATA_DIR
  ? cacheDirOf(process.env.DATA_DIR)
  : mkdtempSync(path.join(tmpdir(), 'citebot-cli-cache-'));
mkdirSync(cacheDir, { recursive: true });
export const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

/** `npm args` as a newcomer runs it: no token, the run's cache folder, `env` on top. */
export function npm(args: string[], input: string, env: Record<string, string> = {}): Promise<Run> {
  return runProcess('npm', args, { ...process.env, DISCORD_TOKEN: '', CACHE_DIR: cacheDir, ...env }, input);
}

/**
 * Runs an npm script's own command line (`tsx src/ask.ts`) as one node process with tsx's loader,
 * without npm and tsx's launcher around it: the same program, environment and stdin as `npm run
 * <name> -- args`, a second less per run. The tests of npm itself (the README's commands) use `npm`.
 */
export function script(
  name: string,
  args: string[],
  input: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return runProcess(
    process.execPath,
    [...scriptArgs(name), ...args],
    { ...process.env, DISCORD_TOKEN: '', CACHE_DIR: cacheDir, ...env },
    input,
  );
}
