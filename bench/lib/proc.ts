/**
 * Processes the bench starts, and the CPU they use. Every process is started by us, its PID recorded, and stopped
 * by that PID only (TERM, wait, KILL), newest first, on success, on error and on Ctrl-C. CPU comes from /proc, as
 * /work/shared/bench/lib.sh measures it for Kannel, so the figures of both gateways are read the same way.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/PID/stat after "pid (comm) ", so index 0 is field 3 (state). */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s
      .slice(s.lastIndexOf(')') + 2)
      .trim()
      .split(/\s+/);
  } catch {
    return undefined;
  }
}

/** user + system CPU seconds a process has used so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 (utime) and 15 (stime)
}

/** Every process whose parent chain leads to `pid` (from /proc; a snapshot). */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f) parentOf.set(Number(name), Number(f[1]));
  }
  const out: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [child, parent] of parentOf) if (frontier.includes(parent)) next.push(child);
    out.push(...next);
    frontier = next;
  }
  return out;
}

/**
 * CPU seconds of a process and its descendants (the gateway runs its links in a child process), leaving out the
 * ones measured on their own (the gateway's redis-server).
 */
export function treeCpuSeconds(pid: number, exclude: readonly number[] = []): number {
  return [pid, ...descendants(pid).filter((d) => !exclude.includes(d))].reduce((sum, p) => sum + cpuSeconds(p), 0);
}

/** Resident memory of a process now and its peak so far (VmRSS and VmHWM of /proc/PID/status), in bytes; 0 when gone. */
export function residentBytes(pid: number): { now: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { now: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { now: 0, peak: 0 };
  }
}

/** Bytes a process has written to storage so far (write_bytes of /proc/PID/io; 0 when unknown). */
export function writtenBytes(pid: number): number {
  try {
    return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU seconds of this process's children that have exited and been waited for (cutime + cstime). */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self');
  if (!f) return 0;
  return (Number(f[13]) + Number(f[14])) / CLK_TCK; // fields 16 (cutime) and 17 (cstime)
}

/** CPU seconds of this process (user + system). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU-seconds the whole machine has been busy since boot (user+nice+system+irq+softirq+steal), as lib.sh. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  return ((v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0)) / CLK_TCK;
}

/** CPU-seconds the machine has spent in interrupts and softirqs since boot (irq + softirq of /proc/stat). */
export function machineIrqSeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  return ((v[5] ?? 0) + (v[6] ?? 0)) / CLK_TCK;
}

/** CPU-seconds of every live process now, by PID, with its name (a snapshot of /proc). */
export function allProcesses(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = s
        .slice(s.lastIndexOf(')') + 2)
        .trim()
        .split(/\s+/);
      out.set(Number(name), { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * The processes outside `ours` that used the most CPU between two snapshots ("name PID cpu-s"), to tell what made a
 * run noisy; processes that came and went in between are not in either snapshot.
 */
export function topOthers(
  before: Map<number, { comm: string; cpu: number }>,
  after: Map<number, { comm: string; cpu: number }>,
  ours: ReadonlySet<number>,
  top = 4,
): string[] {
  const used: Array<[string, number]> = [];
  for (const [pid, a] of after) {
    if (ours.has(pid)) continue;
    const d = a.cpu - (before.get(pid)?.cpu ?? 0);
    if (d >= 0.01) used.push([`${a.comm} ${pid}`, d]);
  }
  return used
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([k, d]) => `${k} ${d.toFixed(2)}`);
}

/** Alive and not a zombie (an orphan reparented to an init that does not reap stays as a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const f = statFields(pid);
  return f !== undefined && f[0] !== 'Z';
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (bound and released; the bench starts its listeners right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Started {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set for the processes we spawned; undefined for one we adopted (the gateway's redis-server). */
  readonly child: ChildProcess | undefined;
  /** For an adopted process: a string its command line must contain before we signal that PID. */
  readonly guard: string | undefined;
  exited: boolean;
  exitCode: number | null;
  readonly exit: Promise<void>;
}

/** Registry of everything the bench started. */
export class Procs {
  private readonly list: Started[] = [];
  private closed = false;

  /** From now on nothing new starts (after Ctrl-C, while everything is being stopped). */
  close(): void {
    this.closed = true;
  }

  /**
   * Spawns a process in its own process group (so a Ctrl-C reaches only the bench, which then stops everything
   * in order), stdout and stderr to logFile.
   */
  start(name: string, cmd: string, args: readonly string[], opts: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv }): Started {
    if (this.closed) throw new Error(`not starting ${name}: the bench is stopping`);
    const fd = openSync(opts.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new Error(`cannot start ${name}: ${cmd}`);
    let resolveExit!: () => void;
    const exit = new Promise<void>((r) => (resolveExit = r));
    const p: Started = { name, pid: child.pid, logFile: opts.logFile, child, guard: undefined, exited: false, exitCode: null, exit };
    child.once('error', () => {
      p.exited = true;
      resolveExit();
    });
    child.once('exit', (code, signal) => {
      p.exited = true;
      p.exitCode = code ?? (signal ? 128 : null);
      resolveExit();
    });
    this.list.push(p);
    return p;
  }

  /** Records a process another one of ours started (stopped by PID, after checking it is still that process). */
  adopt(name: string, pid: number, mustContain: string, logFile: string): Started {
    // Adopted even while stopping: it exists already and must be stopped too.
    let resolveExit!: () => void;
    const exit = new Promise<void>((r) => (resolveExit = r));
    const p: Started = { name, pid, logFile, child: undefined, guard: mustContain, exited: false, exitCode: null, exit };
    const watch = setInterval(() => {
      if (!alive(pid) || !cmdline(pid).includes(mustContain)) {
        clearInterval(watch);
        p.exited = true;
        resolveExit();
      }
    }, 50);
    watch.unref();
    this.list.push(p);
    return p;
  }

  running(): Started[] {
    return this.list.filter((p) => !p.exited);
  }

  /** TERM, wait up to graceMs, TERM again (Kannel's boxes need it), wait, KILL. */
  async stop(p: Started, graceMs = 10_000): Promise<void> {
    const signal = (s: NodeJS.Signals): void => {
      if (p.exited) return;
      if (p.guard !== undefined && !cmdline(p.pid).includes(p.guard)) return;
      try {
        process.kill(p.pid, s);
      } catch {
        // already gone
      }
    };
    const wait = (ms: number): Promise<boolean> => Promise.race([p.exit.then(() => true), sleep(ms).then(() => p.exited)]);
    if (!p.exited) {
      signal('SIGTERM');
      if (!(await wait(graceMs))) {
        signal('SIGTERM');
        if (!(await wait(3000))) {
          process.stderr.write(`[bench] ${p.name} (PID ${p.pid}) did not stop; sending KILL\n`);
          signal('SIGKILL');
          await wait(3000);
        }
      }
    }
    // A process we spawned leads its own process group: whatever it started and left behind (run.sh's boxes and
    // sinks, if it was killed) is in that group, and nothing else can be.
    if (p.child) await stopGroup(p.pid, p.name);
    const i = this.list.indexOf(p);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** Stops everything still registered: the spawned processes newest first, then the adopted ones. */
  async stopAll(graceMs = 10_000): Promise<void> {
    const spawned = this.list.filter((p) => p.child).reverse();
    const adopted = this.list.filter((p) => !p.child);
    for (const p of [...spawned, ...adopted]) await this.stop(p, graceMs);
  }

  /** Last resort on process exit (synchronous): KILL whatever is left, with the process groups we spawned. */
  killAllNow(): void {
    for (const p of this.list) {
      if (p.guard !== undefined && (p.exited || !cmdline(p.pid).includes(p.guard))) continue;
      try {
        process.kill(p.child ? -p.pid : p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** PIDs of live processes in process group `pgid` (field 5 of /proc/PID/stat). */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = statFields(Number(e));
    if (f && Number(f[2]) === pgid && f[0] !== 'Z') pids.push(Number(e));
  }
  return pids;
}

async function stopGroup(pgid: number, name: string): Promise<void> {
  if (groupMembers(pgid).length === 0) return;
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, s);
    } catch {
      // the group is gone
    }
  };
  process.stderr.write(`[bench] processes left behind by ${name} (group ${pgid}): ${groupMembers(pgid).join(' ')}; stopping them\n`);
  signal('SIGTERM');
  for (let i = 0; i < 100 && groupMembers(pgid).length > 0; i++) await sleep(100);
  if (groupMembers(pgid).length > 0) signal('SIGKILL');
}

export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
