/**
 * A Redis Sentinel deployment on one machine, for tests and bounded scripts: a primary and its replicas as real
 * `redis-server` processes on loopback TCP ports, and `redis-server --sentinel` processes watching them (Debian's
 * one binary runs both roles). Everything is started by this helper, in a temporary directory, and ends with the
 * process that started it (the kernel's parent-death signal), so an interrupted test leaves nothing running.
 *
 * Sentinels learn a primary's replicas from its INFO, which they read every 10 s, and each other from hello
 * messages every 2 s: start() waits until every Sentinel lists every replica and every other Sentinel, so that a
 * test's kill is followed by a failover at once rather than after the next discovery round.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer } from '../../src/redis/embedded-server.js';
import { withParentDeathSignal } from '../../src/redis/parent-death-signal.js';
import { freePort } from './child-gateway.js';

export interface RedisNode {
  readonly port: number;
  readonly proc: ChildProcess;
}

export interface SentinelOptions {
  readonly replicas?: number;
  readonly sentinels?: number;
  /** Sentinel's down-after-milliseconds: how long a primary may not answer before it is down. */
  readonly downAfterMs?: number;
  readonly name?: string;
  /** Extra redis-server arguments for the primary and replicas (`--appendonly yes`…). */
  readonly redisArgs?: readonly string[];
}

export interface SentinelDeployment {
  readonly name: string;
  readonly dir: string;
  /** Primary first, then the replicas, as started (the roles change with failovers). */
  readonly nodes: readonly RedisNode[];
  readonly sentinels: readonly RedisNode[];
  /** For redis.sentinels: `127.0.0.1:port` of each Sentinel. */
  readonly sentinelAddresses: string[];
  /** The port the Sentinels name as primary now (asks the first Sentinel that answers). */
  primaryPort(): Promise<number>;
  /** The node with this port. */
  node(port: number): RedisNode;
  /** Waits until the Sentinels name a primary other than `oldPort`; resolves with the time (epoch ms) they did. */
  promotedFrom(oldPort: number, timeoutMs?: number): Promise<{ port: number; at: number }>;
  /** Waits until every Sentinel sees `replicas` replicas that are up, and every other Sentinel. */
  settled(replicas: number, timeoutMs?: number): Promise<void>;
  /** Starts a node that was killed again, on its port, as a replica of the primary the Sentinels name now. */
  restart(port: number): Promise<void>;
  /** A client on one node (closed by stop()). */
  client(port: number): Redis;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function startProcess(args: readonly string[]): ChildProcess {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const cmd = withParentDeathSignal(binary, args, 'KILL');
  const proc = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.resume();
  return proc;
}

async function answers(port: number): Promise<boolean> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Sentinel harness: ${what} not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export async function startSentinels(opts: SentinelOptions = {}): Promise<SentinelDeployment> {
  const name = opts.name ?? 'mymaster';
  const replicaCount = opts.replicas ?? 2;
  const sentinelCount = opts.sentinels ?? 3;
  const downAfterMs = opts.downAfterMs ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'sb-sentinel-'));
  const clients: Redis[] = [];
  const nodes: RedisNode[] = [];
  const nodeArgs = new Map<number, string[]>();
  const sentinels: RedisNode[] = [];
  const redisArgs = (port: number, i: number): string[] => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--dbfilename',
    `node-${i}.rdb`,
    '--appendfilename',
    `node-${i}.aof`,
    '--save',
    '',
    '--appendonly',
    'no',
    // A replica that joins (a node started again) gets its full copy at once, not after the 5 s Redis 7 waits by
    // default for more replicas to share one diskless transfer.
    '--repl-diskless-sync-delay',
    '0',
    '--loglevel',
    'warning',
    ...(opts.redisArgs ?? []),
  ];
  const stop = async (): Promise<void> => {
    for (const c of clients) c.disconnect();
    for (const n of [...sentinels, ...nodes]) {
      if (n.proc.exitCode !== null || n.proc.signalCode !== null) continue;
      try {
        n.proc.kill('SIGCONT');
      } catch {
        // gone
      }
      n.proc.kill('SIGKILL');
      await new Promise((r) => n.proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primaryPort = await freePort();
    nodeArgs.set(primaryPort, redisArgs(primaryPort, 0));
    nodes.push({ port: primaryPort, proc: startProcess(redisArgs(primaryPort, 0)) });
    await until('the primary answers', 10_000, () => answers(primaryPort));
    for (let i = 1; i <= replicaCount; i++) {
      const port = await freePort();
      nodeArgs.set(port, redisArgs(port, i));
      nodes.push({ port, proc: startProcess([...redisArgs(port, i), '--replicaof', '127.0.0.1', String(primaryPort)]) });
    }
    const primaryClient = new Redis({ port: primaryPort, host: '127.0.0.1' });
    primaryClient.on('error', () => undefined);
    clients.push(primaryClient);
    await until('the replicas are in sync', 15_000, async () => {
      const info = await primaryClient.info('replication');
      return (info.match(/^slave\d+:.*state=online/gm) ?? []).length === replicaCount;
    });
    for (let i = 0; i < sentinelCount; i++) {
      const port = await freePort();
      const file = join(dir, `sentinel-${i}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primaryPort} ${Math.floor(sentinelCount / 2) + 1}`,
          `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
          `sentinel failover-timeout ${name} ${Math.max(3000, 3 * downAfterMs)}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push({ port, proc: startProcess([file, '--sentinel', '--loglevel', 'warning']) });
    }
    for (const s of sentinels) await until(`Sentinel ${s.port} answers`, 10_000, () => answers(s.port));
  } catch (e) {
    await stop();
    throw e;
  }

  const sentinelClient = (port: number): Redis => {
    const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const sentinelClients = sentinels.map((s) => sentinelClient(s.port));

  const deployment: SentinelDeployment = {
    name,
    dir,
    nodes,
    sentinels,
    sentinelAddresses: sentinels.map((s) => `127.0.0.1:${s.port}`),
    async primaryPort() {
      for (const c of sentinelClients) {
        try {
          const addr = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string] | null;
          if (addr) return Number(addr[1]);
        } catch {
          // try the next one
        }
      }
      throw new Error('no Sentinel names a primary');
    },
    node(port) {
      const n = nodes.find((x) => x.port === port);
      if (!n) throw new Error(`no Redis node on port ${port}`);
      return n;
    },
    async promotedFrom(oldPort, timeoutMs = 30_000) {
      let port = oldPort;
      await until(`a failover away from port ${oldPort}`, timeoutMs, async () => {
        port = await deployment.primaryPort();
        return port !== oldPort;
      });
      return { port, at: Date.now() };
    },
    async settled(replicas, timeoutMs = 30_000) {
      await until(`every Sentinel sees ${replicas} replicas and the other Sentinels`, timeoutMs, async () => {
        for (const c of sentinelClients) {
          const seen = (await c.call('SENTINEL', 'REPLICAS', name)) as string[][];
          const up = seen.filter((r) => {
            const flags = r[r.indexOf('flags') + 1] ?? '';
            return !flags.includes('down') && !flags.includes('disconnected');
          });
          if (up.length < replicas) return false;
          const others = (await c.call('SENTINEL', 'SENTINELS', name)) as unknown[];
          if (others.length < sentinels.length - 1) return false;
        }
        return true;
      });
    },
    async restart(port) {
      const i = nodes.findIndex((n) => n.port === port);
      const args = nodeArgs.get(port);
      if (i < 0 || !args) throw new Error(`no Redis node on port ${port}`);
      const primary = await deployment.primaryPort();
      nodes[i] = { port, proc: startProcess([...args, '--replicaof', '127.0.0.1', String(primary)]) };
      await until(`node ${port} answers`, 10_000, () => answers(port));
    },
    client(port) {
      const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    stop,
  };
  await deployment.settled(replicaCount);
  return deployment;
}
