/**
 * How to start one of citebot's worker threads: the module itself from built JavaScript, or, from
 * TypeScript (tsx, vitest), a bootstrap that registers tsx's ESM hooks first, because Node 20 does
 * not apply `--import` hooks to a worker's entry.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A Worker's entry for the module `name` ("./worker") beside `from` (the caller's import.meta.url). */
export function workerEntry(from: string, name: string): { entry: URL | string; eval: boolean } {
  if (!from.endsWith('.ts')) return { entry: new URL(`${name}.js`, from), eval: false };
  // The ESM build of tsx/esm/api (require.resolve would give the CommonJS one).
  const tsxDir = path.dirname(createRequire(from).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const worker = new URL(`${name}.ts`, from).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`;
  return { entry: code, eval: true };
}
