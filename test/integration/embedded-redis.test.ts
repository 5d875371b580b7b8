import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { findRedisServer, pingSocket, RedisBinaryMissingError, startEmbeddedRedis } from '../../src/redis/embedded-server.js';

describe('embedded redis-server', () => {
  it('keeps data in the append-only file and is reused by the next start after a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-embedded-'));
    const first = await startEmbeddedRedis({ dataDir: dir, persistence: true, detached: true });
    try {
      expect(first.reused).toBe(false);
      const c = new Redis({ path: first.socketPath });
      await c.set('k', 'v');
      c.disconnect();
      // The gateway "crashed": nobody stopped the server; the next start finds it through the pidfile.
      const second = await startEmbeddedRedis({ dataDir: dir, persistence: true, detached: true });
      expect(second.reused).toBe(true);
      expect(second.pid).toBe(first.pid);
      // A clean stop, then a fresh start, replays the append-only file.
      await second.stop();
      expect(await pingSocket(first.socketPath)).toBe('no');
      const third = await startEmbeddedRedis({ dataDir: dir, persistence: true, detached: true });
      const c2 = new Redis({ path: third.socketPath });
      expect(await c2.get('k')).toBe('v');
      c2.disconnect();
      await third.stop();
    } finally {
      await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how to install redis-server when the binary is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-missing-'));
    try {
      const attempt = startEmbeddedRedis({
        dataDir: dir,
        persistence: false,
        detached: false,
        lookup: { env: { PATH: '/nonexistent' }, usualDirs: [] },
      });
      await expect(attempt).rejects.toBeInstanceOf(RedisBinaryMissingError);
      await expect(attempt).rejects.toThrow(/apt-get install -y redis-server.*REDIS_URL/s);
      expect(findRedisServer({ PATH: '/nonexistent' }, [])).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
