/**
 * A Lua script run with EVALSHA (Redis keeps it compiled; only its hash crosses the wire), loaded on first use or
 * after a Redis restart (NOSCRIPT).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!/NOSCRIPT/.test((e as Error).message)) throw e;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
