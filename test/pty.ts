/**
 * Runs a command in a pseudo-terminal (Python's pty module), so its stdin, stdout and stderr are
 * a real terminal of a chosen width. Steps wait for output matching a pattern, then type keys.
 */
import { execFile } from 'node:child_process';

const SCRIPT = String.raw`
import fcntl, json, os, pty, re, select, struct, sys, termios, time
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, spec['cols'], 0, 0))
    os.chdir(spec['cwd'])
    os.execvpe(spec['cmd'][0], spec['cmd'], spec['env'])
buf = b''
eof = False
def read(until):
    global buf, eof
    while not eof and time.time() < until:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b''
            if not data:
                eof = True
            buf += data
        return
timed_out = None
pos = 0
for step in spec['steps']:
    until = time.time() + step.get('timeout', 30)
    pattern = re.compile(step['waitFor'].encode())
    while True:
        m = pattern.search(buf, pos)
        if m:
            pos = m.end()
            break
        if eof or time.time() > until:
            timed_out = step['waitFor']
            break
        read(until)
    if timed_out is not None:
        break
    if 'send' in step:
        time.sleep(step.get('delay', 0.2))
        os.write(fd, step['send'].encode())
until = time.time() + spec.get('exitTimeout', 30)
while not eof and time.time() < until:
    read(until)
if not eof:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({'code': code if code >= 0 else 128 - code, 'output': buf.decode('utf-8', 'replace'), 'timedOut': timed_out}))
`;

export interface PtyStep {
  /** A regular expression (Python syntax) to wait for in the output since the previous step's match. */
  waitFor: string;
  /** Keys to type once it appeared. */
  send?: string;
  timeout?: number;
}

export interface PtyResult {
  code: number;
  output: string;
  /** The pattern that never appeared, if one didn't. */
  timedOut: string | null;
}

export function runInPty(
  cmd: string[],
  options: { cwd: string; env: Record<string, string | undefined>; cols?: number; steps?: PtyStep[] },
): Promise<PtyResult> {
  const spec = {
    cmd,
    cwd: options.cwd,
    env: Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)),
    cols: options.cols ?? 80,
    steps: options.steps ?? [],
  };
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', SCRIPT, JSON.stringify(spec)], { maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as PtyResult);
    });
  });
}
