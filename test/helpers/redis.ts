import { afterAll, afterEach, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-server.js';

export interface TestRedis {
  readonly server: EmbeddedRedis;
  readonly dir: string;
  readonly target: { path: string };
  client(): Redis;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server for one test file: its own temp directory and unix socket, no persistence. */
export async function startTestRedis(opts: { persistence?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
  const server = await startEmbeddedRedis({ dataDir: dir, persistence: opts.persistence ?? false, detached: false });
  const clients: Redis[] = [];
  return {
    server,
    dir,
    target: { path: server.socketPath },
    client() {
      const c = new Redis({ path: server.socketPath, maxRetriesPerRequest: null });
      clients.push(c);
      return c;
    },
    async flush() {
      const c = new Redis({ path: server.socketPath });
      await c.flushall();
      c.disconnect();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The common frame of an integration test file: a private redis-server for the whole file, and a list of cleanups
 * run in reverse after each test (simulators, gateways, receivers it started).
 */
export function useTestRedis(): { readonly redis: TestRedis; readonly cleanups: Array<() => Promise<void>> } {
  let redis: TestRedis | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    get redis(): TestRedis {
      if (!redis) throw new Error('the test redis-server is started in beforeAll; use it inside a test');
      return redis;
    },
    cleanups,
  };
}
