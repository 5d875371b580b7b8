import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { processAlive } from '../../src/redis/embedded-server.js';
import { withParentDeathSignal } from '../../src/redis/parent-death-signal.js';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface ChildGateway {
  readonly proc: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** kill -9 of the whole gateway: the HTTP process and its links process (its own process group). */
  crash(): Promise<void>;
}

/** Writes a YAML config into `dir` and returns its path. */
export function writeConfig(dir: string, name: string, config: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

/**
 * Runs `switchboard start` from the TypeScript sources in a child process; resolves once it listens. Without a
 * Redis socket ('') the gateway runs its own redis-server (the config's redis.data-dir). The gateway gets SIGKILL
 * when the test process ends, however it ends, so a failed or interrupted test leaves no gateway running (its links
 * process and its redis-server follow it).
 */
export async function startChildGateway(
  configFile: string,
  redisSocket: string,
  httpPort: number,
  timeoutMs = 20_000,
  args: readonly string[] = [],
): Promise<ChildGateway> {
  const cmd = withParentDeathSignal(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', configFile, ...args],
    'KILL',
  );
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redisSocket ? `unix://${redisSocket}` : '' };
  const proc = spawn(cmd.command, cmd.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`gateway exited during start:\n${out}`);
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`gateway did not listen within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const crash = async (): Promise<void> => {
    try {
      process.kill(-(proc.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    // Give the kernel a moment to reap the links process too.
    await new Promise((r) => setTimeout(r, 100));
  };
  return { proc, output: () => out, exited, crash };
}

/** The processes whose parent is `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && processAlive(Number(name))) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export { processAlive };

/** Every live process below `pid`: children, their children, … */
export function descendantPids(pid: number): number[] {
  const direct = childPids(pid);
  return [...direct, ...direct.flatMap((c) => descendantPids(c))];
}

/** The links process a gateway forked (`start --role links`; tsx runs an esbuild service beside it). */
export function linksPidOf(parent: number): number | undefined {
  return childPids(parent).find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').includes('--role links');
    } catch {
      return false;
    }
  });
}

/** The links process the gateway forked (`start --role links`; tsx runs an esbuild child beside it). */
export function linksPid(parent: number): number {
  const out = execFileSync('pgrep', ['-P', String(parent), '-f', 'role links'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
  if (out.length !== 1) throw new Error(`expected one links process under ${parent}, found ${JSON.stringify(out)}`);
  return Number(out[0]);
}
