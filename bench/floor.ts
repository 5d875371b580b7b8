/**
 * `npm run bench:floor`: what the stack costs before Switchboard does anything, on this machine: the floor under
 * the gateway's figures. Each row is one part alone, its CPU per operation read from this process (drivers run in
 * processes of their own), and redis-server's from /proc:
 *
 *   1. node:http answering every GET with Kannel's "0: Accepted for delivery" (202, its three headers).
 *   2. fastify answering the same, through reply.code().header()…send(), as the sendsms route does.
 *      Both closed loop (C at once, as fast as answered) and offered at RATE a second, where every request is its
 *      own wake-up of the process.
 *   3. One Redis round trip (ioredis PING, one at a time): what waiting for Redis costs a process here.
 *   4. bullmq Queue.add of a route job of K messages, one at a time, with the options the gateway gives it.
 *   5. A bullmq Worker taking and completing such jobs one at a time (concurrency 1, nothing done with them).
 *
 * At an ordinary rate a commit gathers few messages (about RATE × the linger), so rows 4 and 5 are paid per few
 * messages, and row 2 per message. Everything on 127.0.0.1 or a Unix socket, a private redis-server (append-only
 * file on, as the gateway runs it), every loop bounded.
 *   env: N=20000 (requests) C=50 RATE=2000 OPS=3000 (rows 3–5) K=5 (messages per job) TIMEOUT=120 (s, per row)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { routeJobOptions } from '../src/queue/producer.js';
import { startEmbeddedRedis } from '../src/redis/embedded-server.js';
import { cpuSeconds } from './lib/proc.js';
import { driveSendsms } from './lib/sendsms-driver.js';

const N = Number(process.env.N ?? 20000);
const C = Number(process.env.C ?? 50);
const RATE = Number(process.env.RATE ?? 2000);
const OPS = Number(process.env.OPS ?? 3000);
const K = Number(process.env.K ?? 5);
const TIMEOUT_MS = Number(process.env.TIMEOUT ?? 120) * 1000;
if (!(N > 0 && N <= 200_000 && C > 0 && C <= 1000 && OPS > 0 && OPS <= 100_000 && K > 0 && K <= 500))
  throw new Error('N, C, OPS or K out of bounds');

const BODY = '0: Accepted for delivery';
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

interface Row {
  readonly part: string;
  readonly how: string;
  readonly us: number;
  readonly redisUs?: number;
}

/** This process's CPU per request while the driver sends N requests to `server`. */
async function perRequest(server: http.Server, rate: number): Promise<number> {
  const port = (server.address() as AddressInfo).port;
  // A warm-up, so that the JIT and the connections are ready before the measured run.
  await driveSendsms({ port, n: Math.min(2000, N), c: C, timeoutMs: TIMEOUT_MS });
  const cpu0 = cpuUs();
  const ok = await driveSendsms({ port, n: N, c: C, rate, timeoutMs: TIMEOUT_MS });
  const us = (cpuUs() - cpu0) / N;
  if (ok !== N) throw new Error(`only ${ok} of ${N} requests were answered 202`);
  return us;
}

async function httpRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const bare = http.createServer((_req, res) => {
    res.writeHead(202, { 'content-type': 'text/html', pragma: 'no-cache', 'cache-control': 'no-cache', 'content-length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  rows.push({ part: 'node:http, fixed reply', how: `closed loop, C=${C}`, us: await perRequest(bare, 0) });
  rows.push({ part: 'node:http, fixed reply', how: `${RATE} requests/s`, us: await perRequest(bare, RATE) });
  await new Promise((r) => bare.close(r));

  const app = Fastify({ logger: false });
  app.get('/cgi-bin/sendsms', (_req, reply) =>
    reply.code(202).header('content-type', 'text/html').header('pragma', 'no-cache').header('cache-control', 'no-cache').send(BODY),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  rows.push({ part: 'fastify, fixed reply', how: `closed loop, C=${C}`, us: await perRequest(app.server, 0) });
  rows.push({ part: 'fastify, fixed reply', how: `${RATE} requests/s`, us: await perRequest(app.server, RATE) });
  await app.close();
  return rows;
}

/** CPU of this process and of redis-server per operation, over OPS operations one at a time. */
async function perOp(redisPid: number, op: (i: number) => Promise<unknown>): Promise<{ us: number; redisUs: number }> {
  for (let i = 0; i < Math.min(500, OPS); i++) await op(-1 - i);
  const cpu0 = cpuUs();
  const r0 = cpuSeconds(redisPid);
  for (let i = 0; i < OPS; i++) await op(i);
  return { us: (cpuUs() - cpu0) / OPS, redisUs: ((cpuSeconds(redisPid) - r0) * 1e6) / OPS };
}

/** A route job's data as the producer writes it: K messages in the positional form of queue/batch-codec.ts. */
function jobData(i: number): { m: unknown[] } {
  const m: unknown[] = [];
  for (let k = 0; k < K; k++)
    m.push([`${i}-${k}`, 'bench', '12345', String(4670000000 + i * K + k), 0, 0, 'bench msg 12345', Date.now(), 0, 0]);
  return { m };
}

async function redisRows(socketPath: string, redisPid: number): Promise<Row[]> {
  const rows: Row[] = [];
  const conn = new Redis({ path: socketPath, maxRetriesPerRequest: null });
  try {
    const ping = await perOp(redisPid, () => conn.ping());
    rows.push({ part: 'Redis round trip (ioredis PING)', how: 'one at a time', ...ping });

    const queue = new Queue('floor', { connection: conn, prefix: 'floor', streams: { events: { maxLen: 100 } } });
    const add = await perOp(redisPid, (i) => queue.add('batch', jobData(i), routeJobOptions(`job-${i}`, 0)));
    rows.push({ part: `bullmq Queue.add, a job of ${K} messages`, how: 'one at a time', ...add });

    // The jobs just added (warm-up and measured), taken and completed one at a time.
    let taken = 0;
    let cpu0 = 0;
    let r0 = 0;
    const warm = Math.min(500, OPS);
    const total = warm + OPS;
    const workerConn = conn.duplicate({ maxRetriesPerRequest: null });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          const worker = new Worker(
            'floor',
            () => {
              if (++taken === warm + 1) {
                cpu0 = cpuUs();
                r0 = cpuSeconds(redisPid);
              }
              return Promise.resolve();
            },
            { connection: workerConn, prefix: 'floor', concurrency: 1 },
          );
          worker.on('completed', () => {
            if (taken === total) void worker.close().then(resolve);
          });
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the worker did not take ${total} jobs within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      workerConn.disconnect();
    }
    rows.push({
      part: 'bullmq Worker, take and complete a job',
      how: 'concurrency 1',
      us: (cpuUs() - cpu0) / (OPS - 1),
      redisUs: ((cpuSeconds(redisPid) - r0) * 1e6) / (OPS - 1),
    });
    await queue.obliterate({ force: true });
    await queue.close();
  } finally {
    await conn.quit();
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-floor-'));
  const redis = await startEmbeddedRedis({ dataDir: join(dir, 'redis'), persistence: true, detached: false });
  try {
    const rows = [...(await httpRows()), ...(await redisRows(redis.socketPath, redis.pid))];
    const f = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(1));
    console.log(`\nThe stack's floor on this machine (N=${N} requests, OPS=${OPS} operations per row, K=${K})\n`);
    console.log('| part | how | CPU of the process, µs each | redis-server CPU, µs each |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.part} | ${r.how} | **${f(r.us)}** | ${f(r.redisUs)} |`);
  } finally {
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
