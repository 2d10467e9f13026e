/**
 * Running citebot's entry points as processes from the tests: a command with an exact environment,
 * and an npm script's own command line (`tsx src/ask.ts` as `node --import tsx src/ask.ts`, one
 * process, without npm and tsx's launcher around it). No side effects at import: vitest's global
 * setup uses it too.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

/** What a process printed and how it exited. */
export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `file args` in the checkout with exactly `env`, `input` on its stdin. */
export function runProcess(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd: root, env }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
    });
    child.stdin?.end(input);
  });
}

const scripts = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** Node's arguments for package.json script `name` ("tsx <file>.ts"): `--import tsx <file>.ts`. */
export function scriptArgs(name: string): string[] {
  const file = scripts[name]?.match(/^tsx (\S+\.ts)$/u)?.[1];
  if (!file) throw new Error(`package.json script ${JSON.stringify(name)} is not "tsx <file>.ts"`);
  return ['--import', 'tsx', file];
}

/** The cache folder of a test run, beside its DATA_DIR (vitest.config.ts). */
export function cacheDirOf(dataDir: string): string {
  return `${dataDir}-cache`;
}
