/**
 * `npm run bench:memory`: what a message costs in Redis memory once it is done. N messages (default 100 000) go
 * through the whole gateway (the accept path without HTTP, the links, the SMSC simulator), and Redis's
 * used_memory is read before and after, once every message is submitted and the queues are empty: what is left
 * is the records (and, with receipts, the receipt correlations), which live for queue.message-lifetime.
 *
 * Two runs: messages without receipts, and messages asking for receipts with a dlr-url (whose receipts never
 * come here, so their correlations stay, as they would until the receipt). Prints the bytes per message and what
 * a sustained rate costs over the lifetime.
 *   env: N=100000 LIFETIME_H=72
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { App } from '../src/app.js';
import { validateConfig } from '../src/config/validate.js';
import { createLogger } from '../src/observability/logger.js';
import { startEmbeddedRedis } from '../src/redis/embedded-server.js';
import { SmscSimulator } from '../src/simulator/smsc-simulator.js';

const N = Number(process.env.N ?? 100_000);
const LIFETIME_H = Number(process.env.LIFETIME_H ?? 72);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function usedMemory(c: Redis): Promise<number> {
  const info = await c.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function run(withReceipts: boolean): Promise<{ perMessage: number; keys: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-mem-'));
  const redis = await startEmbeddedRedis({ dataDir: dir, persistence: false, detached: false });
  const sim = new SmscSimulator({ port: 0, record: false, receipts: 'none' });
  await sim.start();
  const config = validateConfig(
    {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': 0 },
      log: { level: 'warn' },
      redis: { 'key-prefix': 'sb' },
      links: [
        {
          'smsc-id': 'SINK',
          host: '127.0.0.1',
          port: sim.port,
          'transceiver-mode': true,
          'smsc-username': 'u',
          'smsc-password': 'x',
          'max-pending-submits': 100,
        },
      ],
      accounts: [{ username: 'bench', password: 'bench' }],
    },
    { file: 'memory' },
  );
  const app = new App({ config, redis: { path: redis.socketPath }, logger: createLogger('warn') });
  const c = new Redis({ path: redis.socketPath });
  try {
    await app.start();
    while (!app.runtimes.get('SINK')?.healthy()) await sleep(20);
    // One message first, so that the route, its queue and its counters exist before the baseline.
    const account = config.accounts[0]!;
    const submission = (to: string) => ({
      account,
      from: undefined,
      receivers: [to],
      text: { text: Buffer.from('bench msg 12345') },
      smsc: undefined,
      validityMinutes: undefined,
      deferredMinutes: undefined,
      dlrMask: withReceipts ? 3 : undefined,
      dlrUrl: withReceipts ? `http://127.0.0.1:9/dlr?type=%d&id=%F&to=%p` : undefined,
      protocolId: undefined,
      replyPath: undefined,
      priority: undefined,
      billing: undefined,
      binfo: undefined,
      metaData: undefined,
    });
    await app.accept.accept(submission('4670000000'));
    while (sim.counters.accepted < 1) await sleep(20);
    await sleep(500);
    const before = await usedMemory(c);
    const keysBefore = await c.dbsize();
    for (let i = 1; i <= N; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, N + 1 - i) }, (_, k) => app.accept.accept(submission(String(4670000000 + i + k)))),
      );
    }
    while (sim.counters.accepted < N + 1) await sleep(50);
    while (app.outcomes.counters.writes < N + 1) await sleep(50);
    await sleep(1000);
    const after = await usedMemory(c);
    const keys = (await c.dbsize()) - keysBefore;
    return { perMessage: (after - before) / N, keys: keys / N };
  } finally {
    c.disconnect();
    await app.stop();
    await sim.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const plain = await run(false);
  const dlr = await run(true);
  const perRate = (bytes: number): string => `${((bytes * LIFETIME_H * 3600) / 1e6).toFixed(0)} MB`;
  console.log(`\nN=${N} messages, Redis used_memory after ÷ N, once all are submitted and the queues are empty\n`);
  console.log(`| messages | bytes per message | Redis keys per message | memory for 1 msg/s sustained over ${LIFETIME_H} h |`);
  console.log('|---|---|---|---|');
  console.log(
    `| without receipts (the record) | **${plain.perMessage.toFixed(0)}** | ${plain.keys.toFixed(2)} | ${perRate(plain.perMessage)} |`,
  );
  console.log(
    `| asking for receipts with a dlr-url (record + receipt correlation, until the receipt) | **${dlr.perMessage.toFixed(0)}** | ${dlr.keys.toFixed(2)} | ${perRate(dlr.perMessage)} |`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
