/**
 * The five scripts that write message records, each run alone against a real redis-server: the script object its
 * module loads (with the record codec's field letters and status codes declared), called with the KEYS and ARGV its
 * header names, and the reply and what it leaves in Redis checked.
 */
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { MATCH_RECEIPT } from '../../src/dlr/receipt-matcher.js';
import { WRITE_OUTCOMES } from '../../src/messages/outcome-writer.js';
import { FIELDS as F, STATUS_CODES as S } from '../../src/messages/record-codec.js';
import { CLAIM_REPORT, MARK_REMOVED, REQUEUE_RECORD } from '../../src/messages/record-store.js';
import { RedisKeys, ROUTE_QUEUED_COUNT } from '../../src/redis/keys.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const keys = new RedisKeys('rs');
const LIFETIME = 60_000;
let redis: Redis;

beforeEach(async () => {
  await env.redis.flush();
  redis ??= env.redis.client();
});

const history = async (key: string): Promise<unknown[]> =>
  ((await redis.hget(key, F.history)) ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

const expectLifetime = async (key: string): Promise<void> => {
  const ttl = await redis.pttl(key);
  expect(ttl).toBeGreaterThan(LIFETIME - 5000);
  expect(ttl).toBeLessThanOrEqual(LIFETIME);
};

describe('write-outcomes.lua', () => {
  it('sets each record’s fields and lifetime, and replies per record with the sequence numbers reserved', async () => {
    const a = keys.message('a');
    const b = keys.message('b');
    await redis.hset(b, F.reportsReserved, 4);
    const reply = await WRITE_OUTCOMES.run(
      redis,
      [a, b],
      [LIFETIME, 'R', 0, 2, F.status, S.submitted, F.outcome, '[1]', 'R', 2, 1, F.status, S.failed],
    );
    expect(reply).toEqual([0, 6]);
    expect(await redis.hgetall(a)).toEqual({ [F.status]: S.submitted, [F.outcome]: '[1]' });
    expect(await redis.hgetall(b)).toEqual({ [F.status]: S.failed, [F.reportsReserved]: '6' });
    await expectLifetime(a);
    await expectLifetime(b);
  });

  it('adds correlation lines, a failed message to its route’s set, and the route’s queued count', async () => {
    const c = keys.correlation('smsc', 'id1');
    await redis.hset(keys.routeStats('r1'), ROUTE_QUEUED_COUNT, 5);
    const reply = await WRITE_OUTCOMES.run(
      redis,
      [c, c, keys.routeFailed('r1'), keys.routeStats('r1')],
      [LIFETIME, 'C', 'm1 1 4670', 'C', 'm2 1 4671', 'F', 1234, 'm3', 'S', -2],
    );
    expect(reply).toEqual([]);
    expect(await redis.get(c)).toBe('m1 1 4670\nm2 1 4671');
    await expectLifetime(c);
    expect(await redis.zrange(keys.routeFailed('r1'), '0', '-1', 'WITHSCORES')).toEqual(['m3', '1234']);
    expect(await redis.hget(keys.routeStats('r1'), ROUTE_QUEUED_COUNT)).toBe('3');
  });

  it('refuses an operation it does not know', async () => {
    await expect(WRITE_OUTCOMES.run(redis, ['k'], [LIFETIME, 'X'])).rejects.toThrow(/unknown operation X/);
  });
});

describe('claim-report.lua', () => {
  it('sets the status only, with no once-key', async () => {
    const k = keys.message('m');
    expect(await CLAIM_REPORT.run(redis, [k], [S.delivered, ''])).toBe(0);
    expect(await redis.hgetall(k)).toEqual({ [F.status]: S.delivered });
  });

  it('reserves a sequence number the first time a report is claimed, never again', async () => {
    const k = keys.message('m');
    await redis.hset(k, F.reportsReserved, 1);
    expect(await CLAIM_REPORT.run(redis, [k], [S.buffered, 'buffered'])).toBe(2);
    expect(await CLAIM_REPORT.run(redis, [k], [S.delivered, 'buffered'])).toBe(0);
    expect(await CLAIM_REPORT.run(redis, [k], [S.delivered, 'final'])).toBe(3);
    expect(await redis.hgetall(k)).toEqual({
      [F.status]: S.delivered,
      [F.reportsReserved]: '3',
      [`${F.reportClaimed}buffered`]: '1',
      [`${F.reportClaimed}final`]: '1',
    });
  });
});

describe('requeue-record.lua', () => {
  it('a failed message queued again: its failure goes into the history, then why it waits again', async () => {
    const k = keys.message('m');
    const earlier = JSON.stringify({ at: 5, event: 'delivered' });
    await redis.hset(k, F.status, S.failed, F.outcome, JSON.stringify([10, 'refused', 11, 'l1']), F.wire, '[]', F.history, `${earlier}\n`);
    expect(await REQUEUE_RECORD.run(redis, [k], ['[info]', 'r2', 'j9', 20, LIFETIME, 'by ops'])).toBe(1);
    const h = await redis.hgetall(k);
    expect(h).toMatchObject({ [F.status]: S.queued, [F.info]: '[info]', [F.route]: 'r2', [F.job]: 'j9', [F.updatedAt]: '20' });
    expect(h[F.outcome]).toBeUndefined();
    expect(h[F.wire]).toBeUndefined();
    expect(await history(k)).toEqual([
      { at: 5, event: 'delivered' },
      { at: 10, event: 'failed', detail: 'refused' },
      { at: 20, event: 'queued again', detail: 'by ops' },
    ]);
    await expectLifetime(k);
  });

  it('a submitted message moved: no failure line', async () => {
    const k = keys.message('m');
    await redis.hset(k, F.status, S.submitted, F.outcome, JSON.stringify([10, 'l1', 'smsc', ['id1']]));
    await REQUEUE_RECORD.run(redis, [k], ['[info]', 'r2', 'j9', 20, LIFETIME, 'moved']);
    expect(await history(k)).toEqual([{ at: 20, event: 'queued again', detail: 'moved' }]);
    expect(await redis.hget(k, F.outcome)).toBeNull();
  });

  it('a message with no record yet gets one', async () => {
    const k = keys.message('m');
    await REQUEUE_RECORD.run(redis, [k], ['[info]', 'r2', 'j9', 20, LIFETIME, 'routed again']);
    expect(await redis.hget(k, F.status)).toBe(S.queued);
    expect(await history(k)).toEqual([{ at: 20, event: 'queued again', detail: 'routed again' }]);
  });
});

describe('mark-removed.lua', () => {
  it('leaves a message that is not failed alone', async () => {
    const k = keys.message('m');
    await redis.hset(k, F.status, S.submitted);
    expect(await MARK_REMOVED.run(redis, [k], [20, 'line\n'])).toBeNull();
    expect(await redis.hgetall(k)).toEqual({ [F.status]: S.submitted });
    expect(await MARK_REMOVED.run(redis, [keys.message('none')], [20, 'line\n'])).toBeNull();
  });

  it('marks a failed message removed, drops its message form, and replies with the record as it was', async () => {
    const k = keys.message('m');
    await redis.hset(k, F.status, S.failed, F.wire, '[]', F.history, 'a\n');
    const before = (await MARK_REMOVED.run(redis, [k], [20, 'b\n'])) as string[];
    expect(Object.fromEntries(Array.from({ length: before.length / 2 }, (_, i) => [before[2 * i], before[2 * i + 1]]))).toEqual({
      [F.status]: S.failed,
      [F.wire]: '[]',
      [F.history]: 'a\n',
    });
    expect(await redis.hgetall(k)).toEqual({ [F.status]: S.removed, [F.updatedAt]: '20', [F.history]: 'a\nb\n' });
  });
});

describe('match-receipt.lua', () => {
  const corr = keys.correlation('smsc', 'id1');
  const match = (handset: string, final: boolean, state = 'delivered'): Promise<unknown> =>
    MATCH_RECEIPT.run(redis, [corr], [handset, state, final ? '1' : '0', 30, keys.recordPrefix, 'stat:DELIVRD']);

  it('finds nothing without a correlation', async () => {
    expect(await match('46700000001', true)).toBeNull();
  });

  it('answers the id and part alone when the record has expired', async () => {
    await redis.set(corr, 'm1 2 46700000001');
    expect(await match('46700000001', false)).toEqual(['m1', '2']);
  });

  it('records the part’s receipt on the record and replies with the record’s fields; the record keeps its lifetime', async () => {
    const k = keys.message('m1');
    await redis.set(corr, 'm1 2 46700000001');
    await redis.hset(k, F.status, S.submitted);
    await redis.pexpire(k, LIFETIME);
    const reply = (await match('46700000001', false)) as string[];
    expect(reply.slice(0, 2)).toEqual(['m1', '2']);
    const fields = Object.fromEntries(Array.from({ length: (reply.length - 2) / 2 }, (_, i) => [reply[2 + 2 * i], reply[3 + 2 * i]]));
    expect(fields).toEqual(await redis.hgetall(k));
    expect(fields).toMatchObject({ [F.status]: S.submitted, [`${F.partReceipt}2`]: 'delivered', [F.updatedAt]: '30' });
    expect(await history(k)).toEqual([{ at: 30, event: 'delivered', part: 2, detail: 'stat:DELIVRD' }]);
    await expectLifetime(k);
    expect(await redis.get(corr)).toBe('m1 2 46700000001');
  });

  it('prefers the entry whose receiver is the receipt’s handset (last nine digits), else the oldest', async () => {
    await redis.set(corr, 'm1 1 46700000001\nm2 1 46700000002');
    expect(await match('0046700000002', false)).toEqual(['m2', '1']);
    expect(await match('46799999999', false)).toEqual(['m1', '1']);
    expect(await match('12345', false)).toEqual(['m1', '1']);
  });

  it('a final receipt consumes its entry, keeping the key’s lifetime, and the last one the key', async () => {
    await redis.set(corr, 'm1 1 46700000001\nm2 1 46700000002', 'PX', LIFETIME);
    expect(await match('46700000002', true)).toEqual(['m2', '1']);
    expect(await redis.get(corr)).toBe('m1 1 46700000001');
    await expectLifetime(corr);
    expect(await match('46700000001', true)).toEqual(['m1', '1']);
    expect(await redis.exists(corr)).toBe(0);
  });
});
