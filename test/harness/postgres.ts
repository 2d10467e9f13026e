// A throw-away PostgreSQL cluster for tests and benches: initdb in a temp folder (as the postgres
// user when running as root: initdb refuses root), its own free port and socket folder, password
// logins over TCP (so a wrong password is refused), stopped with -m immediate and removed in every
// exit path. Where PostgreSQL is not installed, `startPostgres` says why instead.
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** A running cluster. */
export interface PostgresCluster {
  /** postgresql://citebot:PASSWORD@127.0.0.1:PORT/postgres (the superuser, the default database). */
  url: string;
  /** The superuser's password (inside `url`). */
  password: string;
  port: number;
  /** A new empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (immediately) and removes its folder. */
  stop(): Promise<void>;
  /** Stops the server immediately and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server immediately, keeping its data (`up` starts it again). */
  down(): Promise<void>;
  /** Starts the server stopped by `down` again, on the same port and data. */
  up(): Promise<void>;
}

/** Where PostgreSQL's programs are: PG_BIN, Debian's newest /usr/lib/postgresql/N/bin, or PATH. */
function findBin(): string | undefined {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path.replace(/\/initdb$/u, '') : undefined;
}

/** The postgres user's uid and gid, when running as root (undefined otherwise). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return Number.isInteger(uid) && uid > 0 ? { uid, gid } : undefined;
}

/**
 * Starts a cluster of its own, or says why it can't (`skipped`): PostgreSQL missing, or running
 * as root with no postgres user. Commits are not flushed to disk (fsync off, for speed) unless
 * `durable` (for measuring).
 */
export async function startPostgres(
  options: { durable?: boolean } = {},
): Promise<PostgresCluster | { skipped: string }> {
  const bin = findBin();
  if (bin === undefined) return { skipped: 'initdb not found (install postgresql, or set PG_BIN)' };
  const root = process.getuid?.() === 0;
  const owner = runAs();
  if (root && owner === undefined) return { skipped: 'running as root and there is no postgres user' };

  const dir = mkdtempSync(join(tmpdir(), 'citebot-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  if (owner !== undefined) {
    for (const f of [dir, join(dir, 'pwfile')]) chownSync(f, owner.uid, owner.gid);
  }
  const cmd = (program: string, args: string[]) =>
    owner !== undefined
      ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args])
      : run(join(bin, program), args);

  const port = await freePort();
  let running = false;
  const stopNow = () => {
    if (running) {
      const args = ['-D', data, '-m', 'immediate', 'stop'];
      spawnSync(owner !== undefined ? 'runuser' : join(bin, 'pg_ctl'), [
        ...(owner !== undefined ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []),
        ...args,
      ]);
      running = false;
    }
  };
  const cleanup = () => {
    stopNow();
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('exit', cleanup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const forget = () => {
    process.off('exit', cleanup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  const start = async () => {
    await cmd('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200${options.durable === true ? '' : ' -c fsync=off'}`,
      'start',
    ]);
    running = true;
  };
  try {
    await cmd('initdb', [
      '-D',
      data,
      '-U',
      'citebot',
      `--pwfile=${join(dir, 'pwfile')}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-locale',
      '-E',
      'UTF8',
    ]);
    await start();
  } catch (error) {
    const why = (error as Error).message.split('\n', 1)[0] ?? '';
    cleanup();
    forget();
    return { skipped: `PostgreSQL did not start (${why})` };
  }

  const url = `postgresql://citebot:${password}@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    password,
    port,
    async createDatabase() {
      const name = `t${++databases}_${process.pid}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return `postgresql://citebot:${password}@127.0.0.1:${port}/${name}`;
    },
    stop() {
      cleanup();
      forget();
      return Promise.resolve();
    },
    async restart() {
      stopNow();
      await start();
    },
    down() {
      stopNow();
      return Promise.resolve();
    },
    up: start,
  };
}

/**
 * A cluster for a test file, or undefined (the file's suites then `describe.skip`) with one line
 * saying why. Under CI=1 a missing PostgreSQL fails the file instead.
 */
export async function requirePostgres(file: string): Promise<PostgresCluster | undefined> {
  const started = await startPostgres();
  if (!('skipped' in started)) return started;
  if (process.env.CI === '1') throw new Error(`${file} needs PostgreSQL under CI=1: ${started.skipped}`);
  console.log(`${file}: skipped, ${started.skipped}`);
  return undefined;
}
