/**
 * ReportRecords against a real redis-server: what comes together goes in one script call, each operation hears its
 * own reply, and what its callbacks post joins the call that follows.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReportRecords, type ReceiptMatch } from '../../src/dlr/report-records.js';
import { FIELDS as F, STATUS_CODES as S } from '../../src/messages/record-codec.js';
import { RedisKeys } from '../../src/redis/keys.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const keys = new RedisKeys('rr');
let redis: Redis;

beforeEach(async () => {
  await env.redis.flush();
  redis ??= env.redis.client();
});

/** A submitted single-part message m<n> to 4670000000<n> with SMSC id X<n>, as write-outcomes.lua leaves it. */
async function submitted(n: number): Promise<void> {
  const info = JSON.stringify(['acc', '123', `4670000000${n}`, 1, 0, 1, 'http://127.0.0.1/dlr', 0]);
  await redis.hset(keys.message(`m${n}`), F.status, S.submitted, F.info, info, F.outcome, JSON.stringify([2, 'L', 'S', [`X${n}`]]));
  await redis.set(keys.correlation('S', `X${n}`), `m${n} 1 4670000000${n}`);
}

const receipt = (n: number) =>
  ({
    smscId: 'S',
    normalizedId: `X${n}`,
    handset: `4670000000${n}`,
    state: 'delivered',
    final: true,
    detail: 'stat:DELIVRD',
    now: 5,
  }) as const;

describe('ReportRecords', () => {
  it('matches the receipts that come together in one call, and the claims their callbacks post in the next', async () => {
    for (const n of [1, 2, 3]) await submitted(n);
    const records = new ReportRecords(redis, keys);
    const seqs = await Promise.all(
      [1, 2, 3, 4].map(
        (n) =>
          new Promise<number>((resolve, reject) =>
            records.match(receipt(n), (e, m: ReceiptMatch) => {
              if (e) return reject(e);
              if (m.kind !== 'matched') return resolve(-1);
              expect(m.record.parts[0]!.receipt).toBe('delivered');
              records.claim(m.c.id, 'delivered', 'final', (err, seq) => (err ? reject(err) : resolve(seq)));
            }),
          ),
      ),
    );
    expect(seqs).toEqual([1, 1, 1, -1]);
    expect(records.counters).toEqual({ operations: 7, calls: 2 });
    expect(await redis.hget(keys.message('m2'), F.status)).toBe(S.delivered);
    expect(await redis.exists(keys.correlation('S', 'X2'))).toBe(0);
  });

  it('a record with a plan key has its report claimed with the match, in one call', async () => {
    await submitted(1);
    await redis.hset(keys.message('m1'), F.receiptPlan, '1');
    const records = new ReportRecords(redis, keys);
    const m = await new Promise<ReceiptMatch>((resolve, reject) => records.match(receipt(1), (e, r) => (e ? reject(e) : resolve(r))));
    expect(m).toMatchObject({ kind: 'matched', claimed: { onceKey: 'r1:1', seq: 1 }, record: { status: 'submitted' } });
    expect(records.counters.calls).toBe(1);
    expect(await redis.hget(keys.message('m1'), F.status)).toBe(S.delivered);
  });

  it('counts reports queued per message in one call, and raises the count sent', async () => {
    const records = new ReportRecords(redis, keys);
    await Promise.all([records.queued(['a', 'b', 'a']), records.sent('c', 2), records.sent('c', 1)]);
    expect(records.counters.calls).toBe(1);
    expect(await redis.hget(keys.message('a'), F.reportsQueued)).toBe('2');
    expect(await redis.hget(keys.message('b'), F.reportsQueued)).toBe('1');
    expect(await redis.hget(keys.message('c'), F.reportsSent)).toBe('2');
  });

  it('an operation that fails rejects alone; the others of its call go through', async () => {
    await redis.set(keys.message('bad'), 'not a hash');
    const records = new ReportRecords(redis, keys);
    const [bad, good, claimed] = await Promise.allSettled([
      records.sent('bad', 1),
      records.sent('good', 1),
      records.claimed('good', 'delivered', 'final'),
    ]);
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    expect(good.status).toBe('fulfilled');
    expect(claimed).toEqual({ status: 'fulfilled', value: 1 });
    expect(records.counters.calls).toBe(1);
  });
});
