/**
 * `npm run bench:commands`: where a message's Redis commands go. Runs one gateway process (both roles) against the
 * SMSC simulator and a private redis-server, sends N messages (with DLR=1: dlr-mask 3, a receipt for each, a
 * dlr-url to a local receiver) at concurrency C, and watches Redis with MONITOR meanwhile. Prints the commands per
 * message by what sent them: each of our Lua scripts and bullmq's (a script's inner calls are counted under it),
 * and plain commands by name. The counts do not depend on how busy the machine is, only on how much batching the
 * load allows, so this is the figure to watch while cutting commands.
 *   env: N=2000 C=50 DLR=1 RATE=0 (requests/s; 0: as fast as answered)
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RAISE_FIELD } from '../src/dlr/callback-queue.js';
import { MATCH_RECEIPT } from '../src/dlr/receipt-matcher.js';
import { ADMIT_LIMITS } from '../src/accounts/limit-gate.js';
import { RELEASE_LEASE, RENEW_LEASE } from '../src/links/bind-leases.js';
import { RELEASE_BIND_STATE } from '../src/links/cluster-link-state.js';
import { WRITE_OUTCOMES } from '../src/messages/outcome-writer.js';
import { CLAIM_REPORT, MARK_REMOVED, REQUEUE_RECORD } from '../src/messages/record-store.js';
import { CHECK_COMMIT } from '../src/queue/producer.js';
import { App } from '../src/app.js';
import { validateConfig } from '../src/config/validate.js';
import { createLogger } from '../src/observability/logger.js';
import { startEmbeddedRedis } from '../src/redis/embedded-server.js';
import { SmscSimulator } from '../src/simulator/smsc-simulator.js';

const N = Number(process.env.N ?? 2000);
const C = Number(process.env.C ?? 50);
const DLR = process.env.DLR === '1';
const RATE = Number(process.env.RATE ?? 0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Names our scripts and bullmq's by their source's first line of text, from the EVAL that loaded them. */
function scriptName(source: string): string {
  const header = /--\[\[\s*([^\n]*)/.exec(source)?.[1]?.trim() ?? source.slice(0, 60);
  return header.slice(0, 70);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-trace-'));
  const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), persistence: true, detached: false });
  const sim = new SmscSimulator({ port: 0, receipts: DLR ? 'requested' : 'none', record: false });
  await sim.start();
  let callbacks = 0;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      callbacks++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const cbPort = (receiver.address() as { port: number }).port;
  const config = validateConfig(
    {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': 0 },
      callbacks: { 'deny-networks': '' },
      links: ['A', 'B'].map((id) => ({
        'smsc-id': 'SINK',
        'smsc-admin-id': id,
        host: '127.0.0.1',
        port: sim.port,
        'transceiver-mode': true,
        'smsc-username': 'test',
        'smsc-password': 'pw',
        'max-pending-submits': 100,
      })),
      accounts: [{ username: 'bench', password: 'bench', 'max-messages': 1 }],
    },
    { file: 'trace' },
  );
  const monitor = new Redis({ path: redis.socketPath });
  const shaNames = new Map<string, string>();
  for (const s of [
    RAISE_FIELD,
    MATCH_RECEIPT,
    ADMIT_LIMITS,
    RELEASE_LEASE,
    RENEW_LEASE,
    RELEASE_BIND_STATE,
    WRITE_OUTCOMES,
    CLAIM_REPORT,
    MARK_REMOVED,
    REQUEUE_RECORD,
    CHECK_COMMIT,
  ])
    shaNames.set(s.sha, s.name);
  // bullmq's scripts, by their names: it ships each as { name, content } (dist/esm/scripts), run by SHA1 of content.
  const scriptsDir = join(dirname(fileURLToPath(import.meta.resolve('bullmq'))), 'scripts');
  for (const f of readdirSync(scriptsDir).filter((f) => f.endsWith('.js'))) {
    const mod = (await import(join(scriptsDir, f))) as Record<string, { name?: string; content?: string }>;
    for (const v of Object.values(mod))
      if (v?.name && v.content) shaNames.set(createHash('sha1').update(v.content).digest('hex'), `bullmq ${v.name}`);
  }
  const counts = new Map<string, number>();
  let current = '';
  const add = (k: string): void => void counts.set(k, (counts.get(k) ?? 0) + 1);
  const mon = await monitor.monitor();
  mon.on('monitor', (_time: string, args: string[], source: string) => {
    const cmd = (args[0] ?? '').toLowerCase();
    if (source.includes('lua')) return add(`  ${current} → ${cmd}`);
    if (cmd === 'eval') {
      const src = args[1] ?? '';
      const name = scriptName(src);
      shaNames.set(createHash('sha1').update(src).digest('hex'), name);
      current = name;
      return add(`script ${name}`);
    }
    if (cmd === 'evalsha') {
      current = shaNames.get(args[1] ?? '') ?? `sha ${args[1]?.slice(0, 8)}`;
      return add(`script ${current}`);
    }
    add(cmd);
  });
  const app = new App({ config, redis: { path: redis.socketPath }, logger: createLogger('warn') });
  await app.start();
  while (!app.cluster.linkHealthy('A') || !app.cluster.linkHealthy('B')) await sleep(50);

  await sleep(200);
  // Only the messages' commands count; the scripts' names were learnt from their first EVAL during the start.
  counts.clear();

  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  let next = 0;
  const base = 4670000000;
  const send = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const q = new URLSearchParams({ username: 'bench', password: 'bench', to: String(base + next++), text: 'trace' });
      if (DLR) {
        q.set('dlr-mask', '3');
        q.set('dlr-url', `http://127.0.0.1:${cbPort}/dlr?type=%d`);
      }
      http
        .get({ host: '127.0.0.1', port: app.httpPort, path: `/cgi-bin/sendsms?${q}`, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        })
        .on('error', reject);
    });
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: C }, async (_, w) => {
      for (let i = w; i < N; i += C) {
        if (RATE > 0) await sleep(Math.max(0, t0 + (i * 1000) / RATE - Date.now()));
        await send();
      }
    }),
  );
  const deadline = Date.now() + 60_000;
  while ((sim.counters.accepted < N || (DLR && callbacks < N)) && Date.now() < deadline) await sleep(50);
  await sleep(1500);
  mon.disconnect();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `N=${N} C=${C} DLR=${DLR ? 1 : 0} RATE=${RATE}: ${(total / N).toFixed(1)} Redis commands per message (scripts' calls included)`,
  );
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  for (const [k, v] of rows) if (v / N >= 0.05) console.log(`${(v / N).toFixed(2).padStart(7)}  ${k}`);
  await app.stop();
  await sim.kill();
  receiver.close();
  monitor.disconnect();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
