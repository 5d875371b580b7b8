/**
 * How the gateway's processes end, as `switchboard start` runs them (an HTTP process and its links process), with a
 * real redis-server and the simulator: within process.shutdown-timeout whatever Redis does, at once on a second
 * signal, and never leaving a links process (with its binds) or a redis-server behind, even after kill -9.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import {
  descendantPids,
  freePort,
  linksPidOf,
  processAlive,
  startChildGateway,
  writeConfig,
  type ChildGateway,
} from '../helpers/child-gateway.js';
import { sleep, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const BOUND_S = 3;

let dir: string;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-lifecycle-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly gw: ChildGateway;
  readonly sim: SmscSimulator;
  readonly pid: number;
  readonly linksPid: number;
  /** The parent and every process below it, as they were once the links process had bound. */
  readonly all: number[];
}

/** A gateway of two processes (`--processes 2`) with one bind to a simulator; `redis` undefined: its own redis-server. */
async function startTwoProcessGateway(name: string, redis: TestRedis | undefined, over: Record<string, unknown> = {}): Promise<Running> {
  const sim = new SmscSimulator({ port: 0 });
  await sim.start();
  cleanups.push(() => sim.kill());
  const httpPort = await freePort();
  const config = writeConfig(dir, `${name}.yaml`, {
    http: { 'sendsms-port': httpPort, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
    admin: { 'admin-port': 0 },
    log: { level: 'warn' },
    redis: { 'key-prefix': name, 'command-timeout': 0.3, 'data-dir': join(dir, `${name}-redis`) },
    process: { 'shutdown-timeout': BOUND_S },
    links: [
      {
        'smsc-id': 'sim',
        host: '127.0.0.1',
        port: sim.port,
        'transceiver-mode': true,
        'smsc-username': 'u',
        'smsc-password': 'p',
        'reconnect-delay': 0.1,
      },
    ],
    accounts: [{ username: 'u', password: 'p' }],
    ...over,
  });
  const gw = await startChildGateway(config, redis?.server.socketPath ?? '', httpPort, 20_000, ['--processes', '2']);
  const pid = gw.proc.pid!;
  cleanups.push(() => gw.crash());
  await waitFor(() => sim.boundSessions().length === 1, 10_000, 'the links process bound');
  const linksPid = linksPidOf(pid);
  expect(linksPid).toBeDefined();
  return { gw, sim, pid, linksPid: linksPid!, all: [pid, ...descendantPids(pid)] };
}

async function exitedWithin(gw: ChildGateway, ms: number): Promise<number> {
  const t0 = Date.now();
  const exited = await Promise.race([gw.exited.then(() => true), sleep(ms).then(() => false)]);
  if (!exited) throw new Error(`the gateway did not exit within ${ms} ms:\n${gw.output()}`);
  return Date.now() - t0;
}

const left = (pids: readonly number[]): number[] => pids.filter((p) => processAlive(p));

describe('SIGTERM', () => {
  it(
    'with Redis killed: every gateway process has exited within the bound, none is left, the binds are closed',
    { timeout: 30_000 },
    async () => {
      const redis = await startTestRedis();
      cleanups.push(() => redis.stop());
      const r = await startTwoProcessGateway('term-killed', redis);
      process.kill(redis.server.pid, 'SIGKILL');
      await sleep(200);
      const t0 = Date.now();
      r.gw.proc.kill('SIGTERM');
      const ms = await exitedWithin(r.gw, BOUND_S * 1000 + 1000);
      await waitFor(() => left(r.all).length === 0, 1000, `no process left of ${JSON.stringify(r.all)}`);
      console.log(
        `Redis killed, then SIGTERM: the gateway exited after ${ms} ms, every process gone after ${Date.now() - t0} ms (bound ${BOUND_S} s)`,
      );
      expect(ms).toBeLessThanOrEqual(BOUND_S * 1000 + 500);
      expect(r.sim.boundSessions()).toHaveLength(0);
    },
  );

  it('with Redis frozen: exits within the bound; a second signal exits at once', { timeout: 40_000 }, async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    cleanups.push(async () => void process.kill(redis.server.pid, 'SIGCONT'));

    const r = await startTwoProcessGateway('term-frozen', redis);
    process.kill(redis.server.pid, 'SIGSTOP');
    const t0 = Date.now();
    r.gw.proc.kill('SIGTERM');
    const ms = await exitedWithin(r.gw, BOUND_S * 1000 + 1000);
    await waitFor(() => left(r.all).length === 0, 1000, 'no process left');
    console.log(
      `Redis frozen, then SIGTERM: the gateway exited after ${ms} ms, every process gone after ${Date.now() - t0} ms (bound ${BOUND_S} s)`,
    );
    expect(ms).toBeLessThanOrEqual(BOUND_S * 1000 + 500);
    process.kill(redis.server.pid, 'SIGCONT');

    // A bound long enough that only the second signal can end it while Redis is frozen.
    const slow = await startTwoProcessGateway('term-twice', redis, { process: { 'shutdown-timeout': 60 } });
    process.kill(redis.server.pid, 'SIGSTOP');
    slow.gw.proc.kill('SIGTERM');
    await sleep(1200);
    expect(processAlive(slow.pid)).toBe(true);
    slow.gw.proc.kill('SIGTERM');
    const forced = await exitedWithin(slow.gw, 1000);
    await waitFor(() => left(slow.all).length === 0, 1000, 'no process left after the second signal');
    console.log(`second SIGTERM: exited after ${forced} ms`);
  });
});

describe('kill -9 of the HTTP process', () => {
  it('the links process is gone within 2 s and the simulator sees its bind close', { timeout: 30_000 }, async () => {
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const r = await startTwoProcessGateway('kill9', redis);
    const t0 = Date.now();
    process.kill(r.pid, 'SIGKILL');
    await waitFor(() => !processAlive(r.linksPid), 2000, 'the links process gone');
    const linksGone = Date.now() - t0;
    await waitFor(() => r.sim.boundSessions().length === 0, 2000 - linksGone, 'the simulator sees the bind close');
    await waitFor(() => left(r.all).length === 0, 2000, 'no process left');
    console.log(`kill -9 of the HTTP process: links process gone after ${linksGone} ms, bind closed after ${Date.now() - t0} ms`);
  });

  it('an embedded redis-server ends with the gateway', { timeout: 30_000 }, async () => {
    const r = await startTwoProcessGateway('embedded', undefined);
    const redisPid = Number(readFileSync(join(dir, 'embedded-redis', 'redis.pid'), 'utf8').trim());
    expect(processAlive(redisPid)).toBe(true);
    process.kill(r.pid, 'SIGKILL');
    await waitFor(() => !processAlive(redisPid) && !processAlive(r.linksPid), 3000, 'redis-server and the links process gone');
  });
});

describe("a test's redis-server", () => {
  it('ends with the test process, even after kill -9 (no stray redis-server after a test run)', { timeout: 20_000 }, async () => {
    // What test/helpers/redis.ts does in every integration test file.
    const script = `
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { startEmbeddedRedis } from './src/redis/embedded-server.ts';
      const r = await startEmbeddedRedis({ dataDir: mkdtempSync(join(tmpdir(), 'sb-redis-')), persistence: false, detached: false });
      console.log(r.pid);
      setInterval(() => undefined, 1000);`;
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => void proc.kill('SIGKILL'));
    const pid = await new Promise<number>((resolve, reject) => {
      proc.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      proc.once('exit', () => reject(new Error('the test process exited early')));
    });
    expect(processAlive(pid)).toBe(true);
    proc.kill('SIGKILL');
    await waitFor(() => !processAlive(pid), 3000, 'its redis-server gone');
  });
});
