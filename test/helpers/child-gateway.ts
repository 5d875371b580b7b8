import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';

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

/** Runs `switchboard start` from the TypeScript sources in a child process; resolves once it listens. */
export async function startChildGateway(configFile: string, redisSocket: string, httpPort: number, timeoutMs = 20_000): Promise<ChildGateway> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--config', configFile], {
    env: { ...process.env, REDIS_URL: `unix://${redisSocket}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
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
