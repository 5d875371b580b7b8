/**
 * `npm run bench:admin`: the admin port's answers with a large backlog. N messages (default 1 000 000) are accepted
 * for a link whose SMSC is down, so they all wait in their route queue; then each inspection endpoint is asked
 * ROUNDS times over loopback HTTP (as an operator's CLI, a dashboard or Prometheus would) and its latency printed.
 * The target: every one answers in 50 ms or less with a million messages queued (no scan over queued messages).
 *   env: N=1000000 ROUNDS=30
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { App } from '../src/app.js';
import { validateConfig } from '../src/config/validate.js';
import type { Submission } from '../src/messages/prepare-submission.js';
import { createLogger } from '../src/observability/logger.js';
import { startEmbeddedRedis } from '../src/redis/embedded-server.js';

const N = Number(process.env.N ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const PER_REQUEST = 1000;
const IN_FLIGHT = 4;
const AUTH = `Basic ${Buffer.from('admin:bench').toString('base64')}`;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-admin-bench-'));
  const redis = await startEmbeddedRedis({ dataDir: dir, persistence: false, detached: false });
  const [adminPort, deadPort] = await Promise.all([freePort(), freePort()]);
  const config = validateConfig(
    {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': adminPort, 'admin-interface': '127.0.0.1', 'admin-password': 'bench' },
      log: { level: 'warn' },
      redis: { 'key-prefix': 'sb' },
      // Nothing listens there: every message waits in the route queue, as while an operator's SMSC is down.
      links: [
        {
          'smsc-id': 'DOWN',
          host: '127.0.0.1',
          port: deadPort,
          'transceiver-mode': true,
          'smsc-username': 'u',
          'smsc-password': 'x',
          'reconnect-delay': 5,
        },
      ],
      accounts: [{ username: 'bench', password: 'bench' }],
    },
    { file: 'bench-admin' },
  );
  const app = new App({ config, redis: { path: redis.socketPath }, logger: createLogger('warn') });
  const c = new Redis({ path: redis.socketPath });
  try {
    await app.start();
    const account = config.accounts[0]!;
    let next = 0;
    const submission = (): Submission => {
      const receivers = Array.from({ length: Math.min(PER_REQUEST, N - next) }, (_, i) => String(46_700_000_000 + next + i));
      next += receivers.length;
      return {
        account,
        from: undefined,
        receivers,
        text: { text: Buffer.from('queued while the SMSC is down') },
        smsc: undefined,
        validityMinutes: undefined,
        deferredMinutes: undefined,
        dlrMask: undefined,
        dlrUrl: undefined,
        protocolId: undefined,
        replyPath: undefined,
        priority: undefined,
        billing: undefined,
        binfo: undefined,
        metaData: undefined,
      };
    };
    const t0 = performance.now();
    let lastReport = t0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < N) {
          const r = await app.accept.accept(submission());
          if (!r.ok) throw new Error(`accept refused: ${JSON.stringify(r.error)}`);
          if (performance.now() - lastReport > 10_000) {
            lastReport = performance.now();
            process.stdout.write(`  … ${next} accepted\n`);
          }
        }
      }),
    );
    const fillS = (performance.now() - t0) / 1000;
    const mem = Number(/used_memory:(\d+)/.exec(await c.info('memory'))?.[1]);
    console.log(
      `queued ${N} messages in ${fillS.toFixed(1)} s (${Math.round(N / fillS)} msg/s, no SMSC); Redis holds ${(mem / 1e6).toFixed(0)} MB`,
    );

    const base = `http://127.0.0.1:${adminPort}`;
    const routes = (await (await fetch(`${base}/api/v1/routes`, { headers: { authorization: AUTH } })).json()) as {
      routes: { key: string; counts: { waiting: number } }[];
    };
    const route = routes.routes[0]!;
    console.log(`route ${route.key}: ${route.counts.waiting} waiting`);
    const endpoints: [string, string][] = [
      ['status (JSON API)', '/api/v1/status'],
      ['route queue counts', '/api/v1/routes'],
      ['links', '/api/v1/links'],
      ['peek 50 queued', `/api/v1/routes/${route.key}/messages?limit=50`],
      ['/metrics', '/metrics'],
      ['Kannel status.xml', '/status.xml'],
      ['Kannel store-status.json', '/store-status.json'],
    ];
    console.log(
      `\n${'endpoint'.padEnd(26)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}  (${ROUNDS} requests each, loopback HTTP)`,
    );
    let worst = 0;
    for (const [name, path] of endpoints) {
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const s = performance.now();
        const res = await fetch(`${base}${path}`, { headers: { authorization: AUTH } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${path} answered ${res.status}`);
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      worst = Math.max(worst, percentile(times, 0.99));
      console.log(
        `${name.padEnd(26)} ${percentile(times, 0.5).toFixed(1).padStart(8)} ${percentile(times, 0.99).toFixed(1).padStart(8)} ${times[times.length - 1]!.toFixed(1).padStart(8)}`,
      );
    }
    console.log(`\nworst p99 ${worst.toFixed(1)} ms with ${N} queued: ${worst <= 50 ? 'within' : 'OVER'} the 50 ms target`);
  } finally {
    await app.stop();
    c.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
