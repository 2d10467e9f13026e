// Opening the SQLite store: the file in its folder, restarts, migrations, and one-line refusals.
import { existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import { SQLITE_FILE, openSqliteStore } from '../../src/store/sqlite.js';
import { StoreError } from '../../src/store/types.js';
import { root } from '../run-process.js';
import { answer, newPick, tempDir } from './helpers.js';

/**
 * The watcher: waits for the file to exist, then counts its schema's objects in a tight loop until
 * the count has been the same and over 10 for 300 ms (or 10 s pass), and prints every count seen.
 */
const WATCH_SCHEMA = `
const fs = require('node:fs');
const Sqlite = require(require.resolve('better-sqlite3', { paths: [process.cwd()] }));
const file = process.argv[1];
fs.mkdirSync(require('node:path').dirname(file), { recursive: true });
const db = new Sqlite(file);
db.pragma('journal_mode = WAL');
console.log('watching');
const seen = new Set();
const end = Date.now() + 10000;
let last = -1, since = Date.now();
while (Date.now() < end) {
  const n = db.prepare('select count(*) as n from sqlite_master').get().n;
  seen.add(n);
  if (n !== last) { last = n; since = Date.now(); }
  else if (n > 10 && Date.now() - since > 300) break;
}
db.close();
console.log(JSON.stringify([...seen]));
`;

let folder: ReturnType<typeof tempDir>;
beforeEach(() => {
  folder = tempDir();
});
afterEach(() => folder.remove());

/** The StoreError opening `dir` fails with (the test fails when it opens). */
async function refusal(dir: string): Promise<StoreError> {
  const error = await openSqliteStore(dir).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  const message = (error as StoreError).message;
  expect(message).not.toContain('\n');
  return error as StoreError;
}

/** A store in a new folder with some of everything, closed again; returns the file. */
async function filledStore(dir: string, picks = 1): Promise<string> {
  const store = await openSqliteStore(dir);
  await store.recordAnswer(answer('a1', 1000));
  await store.vote('a1', 'u1', 1, 1100);
  for (let i = 0; i < picks; i++) await store.addPick(newPick(`question ${i} `.repeat(20)), 1200 + i);
  await store.close();
  return join(dir, SQLITE_FILE);
}

describe('opening', () => {
  it('creates missing folders and the file in WAL mode, and describes itself by its path', async () => {
    const dir = join(folder.dir, 'deep', 'data');
    const store = await openStore({ dataDir: dir });
    const file = join(dir, SQLITE_FILE);
    expect(store.description).toBe(`SQLite at ${file}`);
    expect(existsSync(file)).toBe(true);
    await store.recordAnswer(answer('a1', 1)); // a write, with the store still open
    const peek = new Sqlite(file, { readonly: true });
    expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
    peek.close();
    await store.close();
  });

  it('keeps everything across a restart, and new pick ids follow the old ones', async () => {
    const store = await openSqliteStore(folder.dir);
    await store.recordAnswer(answer('a1', 1000, { private: true }));
    await store.vote('a1', 'u1', -1, 1100);
    const pick = await store.addPick(newPick('q1', { answerId: 'a1' }), 1200);
    await store.confirmPick(pick.id, 'mod', 1300);
    await store.savePickVectors([{ pickId: pick.id, model: 'm', vector: new Float32Array([0.5, 2]) }]);
    const revision = await store.revision();
    await store.close();

    const again = await openSqliteStore(folder.dir);
    expect(await again.getAnswer('a1')).toEqual(answer('a1', 1000, { private: true }));
    expect(await again.tally('a1')).toEqual({ up: 0, down: 1 });
    expect(await again.vote('a1', 'u1', 1)).toBe(-1);
    expect(await again.getPick(pick.id)).toMatchObject({ confirmedBy: 'mod', confirmedAt: 1300 });
    expect(Array.from((await again.pickVectors('m'))[0]?.vector ?? [])).toEqual([0.5, 2]);
    expect(await again.revision()).toBe(revision);
    expect((await again.addPick(newPick('q2'))).id).toBeGreaterThan(pick.id);
    await again.close();
  });

  it('runs migrations once: opening twice, or two stores at once, changes nothing', async () => {
    const file = await filledStore(folder.dir);
    const one = await openSqliteStore(folder.dir);
    const two = await openSqliteStore(folder.dir);
    expect((await two.activePicks()).length).toBe(1);
    await one.addPick(newPick('from one'));
    expect((await two.activePicks()).map((p) => p.question)).toContain('from one');
    await one.close();
    await two.close();
    const peek = new Sqlite(file, { readonly: true });
    const ran = peek.prepare('select name from kysely_migration').all();
    peek.close();
    expect(ran).toEqual([
      { name: '0001_initial' },
      { name: '0002_corpus' },
      { name: '0003_fleet' },
      { name: '0004_vectors' },
    ]);
  });

  it('migrates in one transaction: another process never sees a half-made schema, so it never runs a migration twice', async () => {
    const file = join(folder.dir, SQLITE_FILE);
    // Another process reads the schema as fast as it can while this one migrates a new database.
    const watcher = spawn(process.execPath, ['-e', WATCH_SCHEMA, file], { cwd: root });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => watcher.on('exit', (code) => r(code)));
    while (!out.includes('watching')) {
      if (watcher.exitCode !== null) throw new Error(`the watcher exited: ${out}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const store = await openSqliteStore(folder.dir);
    await store.close();
    expect(await exited).toBe(0);
    const seen = JSON.parse(out.slice(out.indexOf('['))) as number[];
    const tables = Math.max(...seen);
    expect(tables).toBeGreaterThan(10);
    // Nothing, then everything: no state between.
    expect(seen.filter((n) => n !== 0 && n !== tables)).toEqual([]);
  });

  it('serialises concurrent writes: one vote per user however many arrive at once', async () => {
    const store = await openSqliteStore(folder.dir);
    await store.recordAnswer(answer('a1', 1));
    const previous = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.vote('a1', 'u1', i % 2 === 0 ? 1 : -1, i)),
    );
    expect(previous.filter((p) => p === undefined)).toHaveLength(1);
    const tally = await store.tally('a1');
    expect(tally.up + tally.down).toBe(1);
    await store.close();
  });
  it('adds a pick and bumps the revision in one transaction: a failed bump leaves no pick', async () => {
    const store = await openSqliteStore(folder.dir);
    const kept = await store.addPick(newPick('kept'));
    const raw = new Sqlite(join(folder.dir, SQLITE_FILE));
    raw.exec(
      `create trigger no_bump before update on citebot_meta begin select raise(abort, 'no bump'); end`,
    );
    const error = await store.addPick(newPick('lost')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/^SQLite at \S+: could not keep a pick \(.*no bump\)$/);
    await expect(store.undoPick(kept.id, 'mod')).rejects.toThrow(/could not undo a pick/);
    raw.exec('drop trigger no_bump');
    raw.close();
    expect((await store.recentPicks(10)).map((p) => p.question)).toEqual(['kept']);
    expect((await store.getPick(kept.id))?.undoneAt).toBeUndefined();
    await store.close();
  });
});

describe('refusals', () => {
  it('a data folder under a regular file cannot be created (this holds for root too)', async () => {
    const blocker = join(folder.dir, 'blocker');
    writeFileSync(blocker, 'not a folder');
    const dir = join(blocker, 'data');
    const error = await refusal(dir);
    expect(error.message).toBe(
      `citebot can't write its data folder ${dir} (ENOTDIR): set DATA_DIR to a writable folder`,
    );
  });

  it('a data folder that is a regular file', async () => {
    const dir = join(folder.dir, 'file');
    writeFileSync(dir, 'not a folder');
    const error = await refusal(dir);
    expect(error.message).toBe(
      `citebot can't write its data folder ${dir} (EEXIST): set DATA_DIR to a writable folder`,
    );
  });

  it('a database path that is a folder', async () => {
    mkdirSync(join(folder.dir, SQLITE_FILE));
    const error = await refusal(folder.dir);
    expect(error.message).toMatch(
      /^citebot can't open \S+citebot\.sqlite \(SQLITE_CANTOPEN: .*\): set DATA_DIR/,
    );
  });

  it('a file that is not a database', async () => {
    const file = join(folder.dir, SQLITE_FILE);
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(300));
    const error = await refusal(folder.dir);
    expect(error.message).toBe(
      `${file} is not a citebot database (file is not a database): move it away or set DATA_DIR`,
    );
  });

  it('a damaged database, at open rather than at the first read', async () => {
    const file = await filledStore(folder.dir, 300);
    const pages = statSync(file).size / 4096;
    expect(pages).toBeGreaterThan(8);
    // Scribble over the later half of the pages (the rows), leaving the schema's pages at the front.
    const fd = openSync(file, 'r+');
    for (let page = Math.ceil(pages / 2); page < pages; page++)
      writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, page * 4096);
    closeSync(fd);
    const error = await refusal(folder.dir);
    expect(error.message).toMatch(
      new RegExp(
        `^${file.replaceAll('.', '\\.')} is not a citebot database \\(damaged: [^*]+\\): move it away or set DATA_DIR$`,
      ),
    );
  });

  it('a database of something else', async () => {
    const file = join(folder.dir, SQLITE_FILE);
    const other = new Sqlite(file);
    other.exec('create table recipes (name text); create table cooks (name text)');
    other.close();
    const error = await refusal(folder.dir);
    expect(error.message).toBe(
      `${file} is not a citebot database (it holds other tables: cooks, recipes): move it away or set DATA_DIR`,
    );
  });

  it('a database written by a newer citebot, left as it was', async () => {
    const file = await filledStore(folder.dir);
    const raw = new Sqlite(file);
    raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('0005_later', 'x');
    raw.close();
    const error = await refusal(folder.dir);
    expect(SCHEMA_VERSION).toBe(4);
    expect(error.message).toBe(
      `${file} was written by a newer citebot (schema 5; this one knows 4): upgrade citebot or set DATA_DIR`,
    );
    const peek = new Sqlite(file, { readonly: true });
    expect(peek.prepare('select count(*) n from picks').get()).toEqual({ n: 1 });
    peek.close();
  });
});
