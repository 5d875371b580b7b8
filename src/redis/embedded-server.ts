/**
 * The embedded default: when no Redis is configured, switchboard runs its own redis-server (Debian's binary) on a
 * unix socket under the data directory, with the append-only file on, so queued messages survive a restart.
 * No npm package does this without downloading Redis at install time (reference/stack.md §5).
 *
 * It ends with the process that started it, however that one ends: a clean stop sends SIGTERM, and a crash (kill -9
 * included) makes the kernel send it (parent-death-signal.ts), so Redis writes its append-only file and exits; none
 * is left behind holding the data directory, and tests leave no redis-server running. A redis-server found alive
 * through the pidfile (left by an older version, or started by hand) is reused; one that is still shutting down is
 * waited for, so two never share the files.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { withParentDeathSignal } from './parent-death-signal.js';

export class RedisBinaryMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found in PATH. Switchboard needs Redis: install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`) ' +
        'or point redis.url (or the REDIS_URL environment variable) at a running Redis.',
    );
    this.name = 'RedisBinaryMissingError';
  }
}

export interface EmbeddedRedis {
  readonly socketPath: string;
  readonly pid: number;
  /** True when an instance left by an earlier run was found alive and reused. */
  readonly reused: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  readonly dataDir: string;
  /** Append-only file with fsync every second (the gateway); off for tests. */
  readonly persistence: boolean;
  /**
   * Its own process group, so that a Ctrl-C in the terminal reaches the gateway only, which still needs Redis to
   * stop in order (and then stops it). It ends with this process either way.
   */
  readonly detached: boolean;
  readonly logger?: Logger;
  readonly startTimeoutMs?: number;
  /** Where to look for the binary (tests); defaults to PATH and the usual directories. */
  readonly lookup?: { readonly env: NodeJS.ProcessEnv; readonly usualDirs: readonly string[] };
}

/** Where Debian puts it, for when PATH is minimal (services, cron). */
const USUAL_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];

export function findRedisServer(env: NodeJS.ProcessEnv = process.env, usualDirs: readonly string[] = USUAL_DIRS): string | undefined {
  const explicit = env.REDIS_SERVER_BIN;
  if (explicit) return explicit;
  const dirs = [...(env.PATH ?? '').split(delimiter), ...usualDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Sends PING over the unix socket; true when Redis answers PONG (or LOADING, which means it is coming up). */
export function pingSocket(socketPath: string, timeoutMs = 500): Promise<'pong' | 'loading' | 'no'> {
  return new Promise((resolvePing) => {
    const sock = createConnection({ path: socketPath });
    let buf = '';
    const done = (r: 'pong' | 'loading' | 'no'): void => {
      clearTimeout(timer);
      sock.destroy();
      resolvePing(r);
    };
    const timer = setTimeout(() => done('no'), timeoutMs);
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG') ? 'pong' : buf.startsWith('-LOADING') ? 'loading' : 'no');
    });
    sock.on('error', () => done('no'));
  });
}

/** Whether the process runs; a zombie (exited, not reaped yet) does not. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) state ..."; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (e) {
    // Gone in between; or no /proc (not Linux), where kill(0) is all there is.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self/stat');
  }
}

async function waitReady(socketPath: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await pingSocket(socketPath)) === 'pong') return;
    if (!isAlive()) throw new Error('redis-server exited during start');
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server did not answer on ${socketPath} within ${timeoutMs} ms`);
}

export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socketPath = join(dir, 'redis.sock');
  const pidFile = join(dir, 'redis.pid');
  const timeoutMs = opts.startTimeoutMs ?? 15_000;

  const stopPid = async (pid: number): Promise<void> => {
    if (!processAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
      const answer = await pingSocket(socketPath);
      if (answer !== 'no') {
        await waitReady(socketPath, timeoutMs, () => processAlive(pid));
        opts.logger?.info({ redisPid: pid, socket: socketPath }, 'reusing the embedded redis-server left running by an earlier start');
        return { socketPath, pid, reused: true, stop: () => stopPid(pid) };
      }
      // Alive and not answering: most likely the redis-server of a gateway that just died, writing its
      // append-only file on the way out. A second one must not start on the same files meanwhile.
      const deadline = Date.now() + timeoutMs;
      while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (processAlive(pid))
        throw new Error(
          `process ${pid} named in ${pidFile} is alive and does not answer on ${socketPath}; stop it, or remove the pidfile if it is not a redis-server`,
        );
    }
    rmSync(pidFile, { force: true });
  }
  rmSync(socketPath, { force: true });

  const binary = opts.lookup ? findRedisServer(opts.lookup.env, opts.lookup.usualDirs) : findRedisServer();
  if (!binary) throw new RedisBinaryMissingError();
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socketPath,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--pidfile',
    pidFile,
    '--daemonize',
    'no',
    '--save',
    '',
    '--appendonly',
    opts.persistence ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--loglevel',
    'warning',
    '--logfile',
    opts.persistence ? join(dir, 'redis.log') : '',
  ];
  const tied = withParentDeathSignal(binary, args, 'TERM');
  const child = spawn(tied.command, tied.args, { detached: opts.detached, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const spawnError = await new Promise<Error | undefined>((r) => {
    child.once('error', (e) => r(e));
    child.once('spawn', () => r(undefined));
  });
  if (spawnError) throw spawnError;
  try {
    await waitReady(socketPath, timeoutMs, () => !exited);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`, { cause: e });
  }
  if (opts.detached) {
    child.stderr?.destroy();
    child.unref();
  }
  const pid = child.pid ?? 0;
  opts.logger?.info({ redisPid: pid, socket: socketPath, persistence: opts.persistence }, 'started an embedded redis-server');
  return {
    socketPath,
    pid,
    reused: false,
    stop: async () => {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
