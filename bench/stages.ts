/**
 * `npm run bench:stages`: the budget per message of each gateway process, measured alone, so that the figures do
 * not depend on what else shares the two cores. In `npm run bench` every process competes with the driver and the
 * SMSC for the same cores, which both slows them and makes their CPU per message noisy from run to run.
 *
 *   1. accept: the HTTP role alone (no links), N sendsms requests at concurrency C from a driver in another
 *      process; CPU of this process per request, and Redis commands and CPU per message.
 *   2. drain: the links role alone, taking the N messages stage 1 queued, over two binds (window 100) to the SMSC
 *      simulator in another process; CPU of this process per message until the simulator has them all.
 *
 * Everything on 127.0.0.1, a private redis-server (append-only file on, as the gateway runs it), bounded in time.
 *   env: N=20000 C=50 STAGE_TIMEOUT=120 (s) PROFILE=1 (print where each stage's CPU goes, from a V8 profile of it)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../src/app.js';
import { validateConfig } from '../src/config/validate.js';
import { createLogger } from '../src/observability/logger.js';
import { startEmbeddedRedis } from '../src/redis/embedded-server.js';
import { formatProfile, summarizeProfile } from './lib/profile.js';
import { cpuSeconds, freePort } from './lib/proc.js';
import { driveSendsms } from './lib/sendsms-driver.js';
import { redisCommandCalls } from './lib/systems.js';

const N = Number(process.env.N ?? 20000);
const C = Number(process.env.C ?? 50);
const TIMEOUT_MS = Number(process.env.STAGE_TIMEOUT ?? 120) * 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const totalCalls = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);

/** With PROFILE=1, a V8 CPU profile of this process around one stage, summarised on stdout at the end. */
class StageProfiler {
  private readonly session = process.env.PROFILE === '1' ? new Session() : undefined;
  readonly reports: string[] = [];

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    if (!this.session) return;
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
  }

  async stop(stage: string): Promise<void> {
    if (!this.session) return;
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    const file = join(this.dir, `${stage}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    this.reports.push(`\n${stage}:\n${formatProfile(summarizeProfile(file, 30))}`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-stages-'));
  const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), persistence: true, detached: false });
  const simPort = await freePort();
  const control = await freePort();
  const sim = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'simulator',
      '--port',
      String(simPort),
      '--control-port',
      String(control),
      '--quiet',
      '--receipts',
      'none',
    ],
    { stdio: 'ignore' },
  );
  const config = validateConfig(
    {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': 0 },
      log: { level: 'warn' },
      redis: { 'key-prefix': 'stages' },
      links: ['A', 'B'].map((id) => ({
        'smsc-id': 'SINK',
        'smsc-admin-id': id,
        host: '127.0.0.1',
        port: simPort,
        'transceiver-mode': true,
        'smsc-username': id,
        'smsc-password': 'x',
        'max-pending-submits': 100,
        'reconnect-delay': 0.1,
      })),
      accounts: [{ username: 'bench', password: 'bench', 'user-allow-ip': '127.0.0.1', 'user-deny-ip': '*.*.*.*' }],
    },
    { file: 'stages' },
  );
  const logger = createLogger('warn');
  const target = { path: redis.socketPath };
  const profiler = new StageProfiler(dir);
  try {
    // 1. accept
    const http = new App({ config, redis: target, logger, roles: { http: true, links: false } });
    await http.start();
    const calls0 = await redisCommandCalls(redis.socketPath);
    const redis0 = cpuSeconds(redis.pid);
    await profiler.start();
    const cpu0 = cpuUs();
    const t0 = Date.now();
    const ok = await driveSendsms({ port: http.httpPort, n: N, c: C, timeoutMs: TIMEOUT_MS });
    const acceptUs = (cpuUs() - cpu0) / N;
    await profiler.stop('accept');
    const acceptS = (Date.now() - t0) / 1000;
    const acceptRedisUs = ((cpuSeconds(redis.pid) - redis0) * 1e6) / N;
    const acceptCalls = (totalCalls(await redisCommandCalls(redis.socketPath)) - totalCalls(calls0)) / N;
    const { commits, jobs, messages } = http.producer.counters;
    await http.stop();
    if (ok !== N) throw new Error(`only ${ok} of ${N} requests were accepted`);

    // 2. drain
    const stats = async (): Promise<number> => {
      const r = await fetch(`http://127.0.0.1:${control}/stats`);
      return Number(((await r.json()) as { accepted?: number }).accepted ?? 0);
    };
    const links = new App({ config, redis: target, logger, roles: { http: false, links: true } });
    const calls1 = await redisCommandCalls(redis.socketPath);
    const redis1 = cpuSeconds(redis.pid);
    await profiler.start();
    const cpu1 = cpuUs();
    const t1 = Date.now();
    await links.start();
    while ((await stats()) < N) {
      if (Date.now() - t1 > TIMEOUT_MS) throw new Error('drain timed out');
      await sleep(5);
    }
    const drainUs = (cpuUs() - cpu1) / N;
    await profiler.stop('drain');
    const drainS = (Date.now() - t1) / 1000;
    const drainRedisUs = ((cpuSeconds(redis.pid) - redis1) * 1e6) / N;
    const drainCalls = (totalCalls(await redisCommandCalls(redis.socketPath)) - totalCalls(calls1)) / N;
    const store = links.outcomes.counters;
    await links.stop();

    const f = (x: number): string => x.toFixed(1);
    console.log(`\nN=${N} C=${C}, each process alone (the other role not running), two binds window 100 to the simulator\n`);
    console.log(
      '| stage | CPU of the process, µs per message | Redis CPU, µs per message | Redis commands per message | wall time, s | batching |',
    );
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| accept (HTTP process) | **${f(acceptUs)}** | ${f(acceptRedisUs)} | ${f(acceptCalls)} | ${acceptS.toFixed(2)} | ${f(messages / commits)} messages per commit, ${f(messages / jobs)} per job |`,
    );
    console.log(
      `| drain (links process) | **${f(drainUs)}** | ${f(drainRedisUs)} | ${f(drainCalls)} | ${drainS.toFixed(2)} (startup included) | ${f(store.writes / Math.max(1, store.flushes))} outcomes per record write |`,
    );
    console.log(`| whole path | ${f(acceptUs + drainUs)} | ${f(acceptRedisUs + drainRedisUs)} | ${f(acceptCalls + drainCalls)} | | |`);
    for (const r of profiler.reports) console.log(r);
  } finally {
    sim.kill('SIGTERM');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
