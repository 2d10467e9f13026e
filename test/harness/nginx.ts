/**
 * nginx as the load balancer in front of several citebot instances, for tests and benches: a child
 * process (`nginx -p PREFIX -c CONF -g 'daemon off;'`) with a generated config in a temp prefix, one
 * worker, round-robin over the upstreams with keep-alive connections to them, no access log. A POST
 * is never passed to another upstream once it was sent (nginx's default for non-idempotent requests):
 * `proxy_next_upstream error timeout` only moves requests whose connection failed before sending.
 * Every response carries `X-Upstream` (the instance that answered it). Stopped and removed in every
 * exit path; where nginx is not installed, `startNginx` says why instead.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** A running nginx. */
export interface Nginx {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The master process's pid (its worker is a child of it). */
  pid: number | undefined;
  /** nginx's error log so far. */
  errorLog(): string;
  /** Stops nginx (SIGTERM, then SIGKILL after 2 s) and removes its prefix. */
  stop(): Promise<void>;
}

/** Where nginx is: NGINX_BIN, /usr/sbin/nginx, or PATH. */
function findNginx(): string | undefined {
  const fromEnv = process.env.NGINX_BIN;
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/** The config: one worker, the upstreams (host:port), keep-alive to them, POSTs never retried once sent. */
export function nginxConfig(prefix: string, port: number, upstreams: string[]): string {
  const servers = upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=5s;`).join('\n');
  const temp = (name: string) => `${name}_temp_path ${join(prefix, 'tmp', name)};`;
  return `worker_processes 1;
error_log ${join(prefix, 'error.log')} warn;
pid ${join(prefix, 'nginx.pid')};
events { worker_connections 1024; }
http {
  access_log off;
  ${temp('client_body')}
  ${temp('proxy')}
  ${temp('fastcgi')}
  ${temp('uwsgi')}
  ${temp('scgi')}
  upstream citebot {
${servers}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://citebot;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

/** Waits until something accepts connections on 127.0.0.1:port. */
async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${log()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    if (Date.now() - started > 10_000) throw new Error(`nginx never listened on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts nginx in front of `upstreams` (host:port each), or says why it can't (`skipped`). */
export async function startNginx(upstreams: string[]): Promise<Nginx | { skipped: string }> {
  const bin = findNginx();
  if (bin === undefined) return { skipped: 'nginx not found (install nginx, or set NGINX_BIN)' };
  const prefix = mkdtempSync(join(tmpdir(), 'citebot-nginx-'));
  mkdirSync(join(prefix, 'tmp'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(prefix, port, upstreams));
  const child = spawn(bin, ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const cleanup = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(prefix, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  const forget = () => process.off('exit', cleanup);
  try {
    await listening(port, child, errorLog);
  } catch (error) {
    cleanup();
    forget();
    return { skipped: `nginx did not start (${(error as Error).message.split('\n', 1)[0] ?? ''})` };
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    errorLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
      forget();
    },
  };
}

/** nginx for a test file, or undefined with one line saying why; under CI=1 a missing nginx fails instead. */
export async function requireNginx(file: string, upstreams: string[]): Promise<Nginx | undefined> {
  const started = await startNginx(upstreams);
  if (!('skipped' in started)) return started;
  if (process.env.CI === '1') throw new Error(`${file} needs nginx under CI=1: ${started.skipped}`);
  console.log(`${file}: skipped, ${started.skipped}`);
  return undefined;
}
