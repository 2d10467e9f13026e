/**
 * Scaling out: 1, 2 and 4 `npm run start:http` instances behind nginx on one PostgreSQL (the test
 * harness's fleet, nginx and throw-away cluster; fsync off), a closed-loop load of signed /ask
 * interactions from this process (CLIENTS at once over keep-alive connections, SECONDS per
 * configuration, after a warm-up of 2 s per instance), the eval set's questions in turn. Prints interactions/s and
 * p50/p99 per configuration, the CPU seconds each instance, nginx and the loader used in the timed
 * window (from /proc) against what 2 cores give. Then, open loop (bench/scale-rate.ts), the most
 * interactions/s 1 and 2 instances serve at p99 ≤ P99 ms; one instance's answer latency at a light
 * fixed rate on PostgreSQL and on SQLite; and the store's cost per answer (bench/store.ts).
 *
 *   npm run bench -- --scale [--clients N] [--seconds N] [--instances 1,2,4] [--semantic] [--p99 MS] [--light-rate N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Fleet, processCpuSeconds, sendSigned, startFleet } from '../test/harness/fleet.js';
import { FakeDiscord, keyPair, slashCommand, user } from '../test/harness/index.js';
import { startNginx } from '../test/harness/nginx.js';
import { startPostgres } from '../test/harness/postgres.js';
import { evalQuestions, round, summarize } from './peers.js';
import { atRate, findRate, type RateStep, type RateTarget } from './scale-rate.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One configuration's figures. */
export interface ScaleRow {
  instances: number;
  per_second: number;
  p50_ms: number;
  p99_ms: number;
  answered: number;
  failed: number;
  /** CPU seconds per instance in the timed window. */
  instance_cpu_s: number[];
  /** The instances' CPU per answer, ms. */
  cpu_ms_per_answer: number;
  nginx_cpu_s: number;
  loader_cpu_s: number;
  /** All of that over (wall seconds × cores): 1 = every core busy. */
  cores_busy: number;
  /** The whole machine's cores busy in the window (everyone's work, PostgreSQL's too): 1 = all. */
  machine_busy: number;
  /** The whole machine's CPU per answer (instances, nginx, loader, PostgreSQL, the rest), ms. */
  machine_cpu_ms_per_answer: number;
  /** What the cores allow at that cost, whatever the number of instances: cores × 1000 / that. */
  cores_ceiling_per_second: number;
}

/** The machine's busy and total CPU ticks so far (/proc/stat's first line; zeros when unreadable). */
function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const ticks = line.trim().split(/\s+/u).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th.
    return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** The pids of nginx's workers (children of its master). */
function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

async function measure(
  fleet: Fleet,
  port: number,
  nginxPid: number | undefined,
  keys: ReturnType<typeof keyPair>,
  questions: string[],
  clients: number,
  seconds: number,
): Promise<ScaleRow> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  let next = 0;
  const run = async (ms: number, times: number[] | undefined) => {
    let failed = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          const question = questions[next++ % questions.length] ?? 'What is nanoGPT?';
          const payload = slashCommand({ name: 'ask', options: { question }, user: user() });
          const r = await sendSigned(port, keys.privateKey, payload, agent).catch(() => undefined);
          if (r?.status === 200 && r.body?.type === 4) times?.push(r.ms);
          else failed++;
        }
      }),
    );
    return failed;
  };
  // Every instance warms up (JIT, connections) on as many requests as with one.
  await run(2000 * fleet.instances.length, undefined);
  const nginxWorkers = nginxPid === undefined ? [] : [nginxPid, ...childPids(nginxPid)];
  const cpu = () => ({
    instances: fleet.instances.map((_, i) => fleet.cpuSeconds(i)),
    nginx: nginxWorkers.reduce<number>((sum, p) => sum + processCpuSeconds(p), 0),
    loader: process.cpuUsage(),
    machine: machineTicks(),
  });
  const before = cpu();
  const times: number[] = [];
  const t0 = performance.now();
  const failed = await run(seconds * 1000, times);
  const wall = (performance.now() - t0) / 1000;
  const after = cpu();
  agent.destroy();
  const loaderCpu = process.cpuUsage(before.loader);
  const instanceCpu = after.instances.map((c, i) => round(c - (before.instances[i] ?? 0), 2));
  const nginxCpu = round(after.nginx - before.nginx, 2);
  const loader = round((loaderCpu.user + loaderCpu.system) / 1e6, 2);
  const total = instanceCpu.reduce((s, c) => s + c, 0) + nginxCpu + loader;
  const s = summarize(times);
  const machineBusy = round(
    (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total),
    2,
  );
  const machineCpuMs = (machineBusy * wall * os.cpus().length * 1000) / Math.max(1, times.length);
  return {
    instances: fleet.instances.length,
    per_second: round(times.length / wall, 1),
    p50_ms: round(s.p50_ms, 1),
    p99_ms: round(s.p99_ms, 1),
    answered: times.length,
    failed,
    instance_cpu_s: instanceCpu,
    cpu_ms_per_answer: round((instanceCpu.reduce((a, c) => a + c, 0) * 1000) / Math.max(1, times.length), 2),
    nginx_cpu_s: nginxCpu,
    loader_cpu_s: loader,
    cores_busy: round(total / (wall * os.cpus().length), 2),
    machine_busy: machineBusy,
    machine_cpu_ms_per_answer: round(machineCpuMs, 2),
    cores_ceiling_per_second: round((os.cpus().length * 1000) / Math.max(0.01, machineCpuMs), 0),
  };
}

function formatRow(r: ScaleRow): string {
  return [
    `${r.instances} instance${r.instances === 1 ? ' ' : 's'}`,
    `${r.per_second.toFixed(1).padStart(7)} /s`,
    `p50 ${r.p50_ms.toFixed(1).padStart(6)} ms`,
    `p99 ${r.p99_ms.toFixed(1).padStart(6)} ms`,
    `failed ${r.failed}`,
    `cpu ms/answer ${r.cpu_ms_per_answer}`,
    `cpu s: instances ${r.instance_cpu_s.join('+')}, nginx ${r.nginx_cpu_s}, loader ${r.loader_cpu_s}`,
    `cores busy: citebot ${Math.round(r.cores_busy * 100)}%, machine ${Math.round(r.machine_busy * 100)}%`,
    `machine cpu ms/answer ${r.machine_cpu_ms_per_answer} (the cores allow ≤ ${r.cores_ceiling_per_second} /s)`,
  ].join('  ');
}

function formatStep(r: RateStep): string {
  return `${String(r.rate).padStart(5)} /s offered: answered ${r.answered}, failed ${r.failed}, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms`;
}

/** One instance on SQLite of its own behind nginx, at a fixed light rate. */
async function lightOnSqlite(
  apiBase: string,
  keys: ReturnType<typeof keyPair>,
  questions: string[],
  rate: number,
  seconds: number,
): Promise<RateStep> {
  const fleet = await startFleet({
    count: 1,
    keys,
    databaseUrl: undefined,
    apiBase,
    env: { COOLDOWN_QUESTIONS: '1000', LOG_LEVEL: 'warn' },
  });
  try {
    const nginx = await startNginx(fleet.instances.map((i) => i.address));
    if ('skipped' in nginx) throw new Error(`nginx: ${nginx.skipped}`);
    try {
      const target = { port: nginx.port, keys, questions };
      await atRate(target, rate, 2); // warm-up
      return await atRate(target, rate, seconds);
    } finally {
      await nginx.stop();
    }
  } finally {
    await fleet.stop();
  }
}

/** Runs the scale benchmark; the exit code. */
export async function benchScale(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'boolean', default: false },
      clients: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '10' },
      instances: { type: 'string', default: '1,2,4' },
      semantic: { type: 'boolean', default: false },
      p99: { type: 'string', default: '50' },
      'light-rate': { type: 'string', default: '40' },
    },
    strict: true,
  });
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  const counts = values.instances.split(',').map(Number);
  const p99Ms = Number(values.p99);
  const lightRate = Number(values['light-rate']);
  if (![clients, seconds, p99Ms, lightRate, ...counts].every((n) => Number.isInteger(n) && n > 0)) {
    console.error('--clients, --seconds, --instances, --p99 and --light-rate take positive whole numbers');
    return 2;
  }
  const cores = os.cpus().length;
  console.log(
    `scale: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ` +
      `${clients} clients closed-loop, ${seconds} s per configuration, SEMANTIC=${values.semantic ? 'on' : 'off'}; ` +
      'nginx, PostgreSQL (fsync off), the instances and this loader all share the cores',
  );
  const cluster = await startPostgres();
  if ('skipped' in cluster) {
    console.log(`scale: skipped, ${cluster.skipped}`);
    return process.env.CI === '1' ? 1 : 0;
  }
  const fake = await FakeDiscord.start();
  const keys = keyPair();
  const questions = (await evalQuestions()).map((q) => q.q);
  const rows: ScaleRow[] = [];
  /** The best rate at p99 ≤ p99Ms, by instance count. */
  const rated = new Map<number, number>();
  /** One instance at the light rate, by store. */
  const light = new Map<string, RateStep>();
  try {
    for (const count of counts) {
      const fleet = await startFleet({
        count,
        keys,
        databaseUrl: await cluster.createDatabase(),
        apiBase: fake.apiBase,
        semantic: values.semantic,
        env: { COOLDOWN_QUESTIONS: '1000', LOG_LEVEL: 'warn' },
      });
      try {
        const nginx = await startNginx(fleet.instances.map((i) => i.address));
        if ('skipped' in nginx) {
          console.log(`scale: skipped, ${nginx.skipped}`);
          return process.env.CI === '1' ? 1 : 0;
        }
        try {
          const row = await measure(fleet, nginx.port, nginx.pid, keys, questions, clients, seconds);
          rows.push(row);
          console.log(formatRow(row));
          const target: RateTarget = { port: nginx.port, keys, questions };
          if (count <= 2) {
            const found = await findRate(target, {
              from: 20,
              factor: 1.25,
              seconds: 5,
              p99Ms,
              onStep: (step) => console.log(`  ${formatStep(step)}`),
            });
            rated.set(count, found.best);
            console.log(
              `${count} instance${count === 1 ? '' : 's'}: at most ${found.best} /s at p99 ≤ ${p99Ms} ms`,
            );
          }
          if (count === 1) light.set('PostgreSQL', await atRate(target, lightRate, seconds));
        } finally {
          await nginx.stop();
        }
      } finally {
        await fleet.stop();
      }
    }
    light.set('SQLite', await lightOnSqlite(fake.apiBase, keys, questions, lightRate, seconds));
  } finally {
    await fake.close();
    await cluster.stop();
  }
  const one = rows.find((r) => r.instances === 1);
  for (const r of rows) {
    if (one === undefined || r === one) continue;
    console.log(
      `${r.instances} instances: ${(r.per_second / one.per_second).toFixed(2)}× the interactions/s of 1 ` +
        `(p99 ${r.p99_ms} ms against ${one.p99_ms} ms); cores busy: citebot ${Math.round(r.cores_busy * 100)}%, ` +
        `the machine ${Math.round(r.machine_busy * 100)}%`,
    );
  }
  if (one) {
    console.log(
      `the cores: every answer costs the machine ${one.machine_cpu_ms_per_answer} ms of CPU with 1 instance ` +
        `(citebot ${one.cpu_ms_per_answer} ms, the rest nginx, this loader and PostgreSQL), so ${os.cpus().length} cores ` +
        `serve at most ${one.cores_ceiling_per_second} /s however many instances run; 1 instance already serves ` +
        `${one.per_second} /s, which leaves at most ${(one.cores_ceiling_per_second / one.per_second).toFixed(2)}× for more instances`,
    );
  }
  const [r1, r2] = [rated.get(1), rated.get(2)];
  if (r1 && r2) {
    console.log(
      `open loop at p99 ≤ ${p99Ms} ms: 2 instances ${r2} /s, 1 instance ${r1} /s: ${(r2 / r1).toFixed(2)}×`,
    );
  }
  for (const [store, step] of light)
    console.log(`1 instance on ${store} at ${lightRate} /s: ${formatStep(step)}`);
  const [pg, lite] = [light.get('PostgreSQL'), light.get('SQLite')];
  if (pg && lite) {
    console.log(`answer p99, PostgreSQL − SQLite: ${(pg.p99_ms - lite.p99_ms).toFixed(1)} ms`);
  }
  console.log('store cost per answer (bench/store.ts, recordAnswer + logQuestion):');
  execFileSync(process.execPath, ['--import', 'tsx', 'bench/store.ts', '300'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await benchScale(process.argv.slice(2));
}
