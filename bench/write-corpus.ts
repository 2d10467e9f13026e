/**
 * Writes a synthetic benchmark corpus to a folder:
 *
 *   npx tsx bench/write-corpus.ts --scale 100 --out DIR [--seed N] [--force]
 *
 * The word model is learnt from the bundled corpus/*.txt. Refuses a non-empty DIR unless
 * --force (which overwrites files of the same name and deletes nothing), and never writes
 * outside DIR.
 */
import { lstat, mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, type GeneratedFile, generateCorpus } from './generate.js';

/** The bundled corpus folder, next to this script's folder. */
export const BUNDLED_CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url));

/** The texts of the .txt files of a folder, in file-name order. */
export async function readSourceTexts(dir = BUNDLED_CORPUS): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort();
  if (names.length === 0) throw new Error(`no .txt files in ${dir}`);
  return Promise.all(names.map((n) => readFile(path.join(dir, n), 'utf8')));
}

/** A problem that stops the writer before it writes anything it shouldn't. */
export class WriteCorpusError extends Error {
  override name = 'WriteCorpusError';
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

/** A generated file name must be a plain relative path: no absolute paths, `..`, `.` or empty parts. */
function checkName(name: string): void {
  const parts = name.split('/');
  if (
    name.includes('\\') ||
    name.includes('\0') ||
    path.isAbsolute(name) ||
    parts.some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new WriteCorpusError(`refusing a file name that could leave the folder: ${JSON.stringify(name)}`);
  }
}

/**
 * Writes the files under `dir` (created when missing). Throws WriteCorpusError, before writing
 * anything, when `dir` is not empty and `force` is not set, or when a name would leave `dir`.
 */
export async function writeCorpus(
  dir: string,
  files: readonly GeneratedFile[],
  options: { force?: boolean } = {},
): Promise<{ files: number; bytes: number }> {
  for (const f of files) checkName(f.name);
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new WriteCorpusError(`${dir} is not a folder`);
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0 && !options.force) {
    throw new WriteCorpusError(
      `${dir} is not empty (${entries.length} entries); use --force to write into it`,
    );
  }
  const root = await realpath(dir);
  const madeDirs = new Set<string>();
  let bytes = 0;
  for (const f of files) {
    const target = path.resolve(root, ...f.name.split('/'));
    const parent = path.dirname(target);
    if (!isInside(root, target)) throw new WriteCorpusError(`${f.name} would be written outside ${dir}`);
    if (!madeDirs.has(parent)) {
      await mkdir(parent, { recursive: true });
      // A linked subfolder (possible in a forced, non-empty folder) must not lead elsewhere.
      if (!isInside(root, await realpath(parent))) {
        throw new WriteCorpusError(`${path.relative(root, parent)} leads outside ${dir}`);
      }
      madeDirs.add(parent);
    }
    const existing = await lstat(target).catch(() => undefined);
    if (existing && !existing.isFile()) {
      throw new WriteCorpusError(`${f.name} exists and is not a regular file`);
    }
    const data = Buffer.from(f.text, 'utf8');
    await writeFile(target, data, { flag: options.force ? 'w' : 'wx' });
    bytes += data.length;
  }
  return { files: files.length, bytes };
}

const USAGE = 'usage: npx tsx bench/write-corpus.ts --scale N --out DIR [--seed N] [--force]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scale: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scale = Number(values.scale);
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!values.out || !values.scale || !Number.isFinite(scale) || scale <= 0) {
    console.error(USAGE);
    return 2;
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    console.error(`--seed must be an integer from 0 to 4294967295\n${USAGE}`);
    return 2;
  }
  const sourceTexts = await readSourceTexts();
  const t0 = performance.now();
  const corpus = generateCorpus({ scale, seed, sourceTexts });
  const t1 = performance.now();
  try {
    await writeCorpus(values.out, corpus.files, { force: values.force });
  } catch (err) {
    console.error(
      err instanceof WriteCorpusError ? err.message : `cannot write ${values.out}: ${String(err)}`,
    );
    return 1;
  }
  const t2 = performance.now();
  const mib = (corpus.bytes / 1024 / 1024).toFixed(2);
  console.log(
    `${corpus.files.length} files, ${corpus.bytes} bytes (${mib} MiB) in ${values.out} — ` +
      `scale ${scale}, seed ${seed}; generated in ${Math.round(t1 - t0)} ms, written in ${Math.round(t2 - t1)} ms`,
  );
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
