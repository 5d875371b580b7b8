/**
 * Concatenation references for long messages: one counter per receiver, so that two long messages to the same
 * handset in flight at once never share a reference (the handset would mix their parts). Kept a week in Redis, so a
 * restart does not start them over.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';

const KEPT_MS = 7 * 86_400_000;

export class ConcatRefs {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The next reference (16 bits) for a long message to each receiver, in one round trip. */
  async next(receivers: readonly string[]): Promise<number[]> {
    const pipe = this.redis.pipeline();
    for (const to of receivers) {
      const key = this.keys.concatRef(to);
      pipe.incr(key).pexpire(key, KEPT_MS);
    }
    const res = (await pipe.exec()) ?? [];
    return receivers.map((_, i) => {
      const [err, n] = res[i * 2] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return Number(n) & 0xffff;
    });
  }
}
