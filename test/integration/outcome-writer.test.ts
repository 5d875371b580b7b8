/**
 * The outcome writer against a real redis-server: what a receipt that overtakes its submit's record waits for.
 */
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { QueuedMessage } from '../../src/domain/message.js';
import { OutcomeWriter } from '../../src/messages/outcome-writer.js';
import { RedisKeys } from '../../src/redis/keys.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const keys = new RedisKeys('ow');
let redis: Redis;

beforeEach(async () => {
  await env.redis.flush();
  redis ??= env.redis.client();
});

function message(id: string): QueuedMessage {
  return {
    id,
    account: 'acc',
    service: 'acc',
    from: '123',
    to: `4670000000${id.length}`,
    dataCoding: 0,
    alphabet: 'gsm7',
    body: 'hi',
    priority: 0,
    dlrMask: 1,
    dlrUrl: 'http://127.0.0.1/dlr',
    route: 'r1',
    acceptedAt: 1,
  };
}

const submitted = (id: string, smscMessageId: string) =>
  ({
    kind: 'submitted',
    msg: message(id),
    link: { id: 'L', smscId: 'S' },
    parts: [{ seq: 1, smscMessageId }],
    correlate: [smscMessageId],
    reports: 0,
    now: 2,
  }) as const;

describe('OutcomeWriter.whenRecorded', () => {
  it('a submit recorded while another write is in flight is waited for from the moment it is recorded', async () => {
    const writer = new OutcomeWriter(redis, keys, { lifetimeMs: 60_000, logger: pino({ level: 'silent' }) });
    const recorded: string[] = [];
    writer.record(submitted('a', 'X1'), () => recorded.push('a'));
    // Let the first write start, then record a second outcome: it waits behind the first for a write of its own.
    await Promise.resolve();
    await Promise.resolve();
    writer.record(submitted('b', 'X2'), () => recorded.push('b'));
    const waitA = writer.whenRecorded('S', 'X1');
    const waitB = writer.whenRecorded('S', 'X2');
    expect(waitA).toBeDefined();
    expect(waitB).toBeDefined();
    await waitB;
    expect(recorded).toEqual(['a', 'b']);
    expect(await redis.get(keys.correlation('S', 'X2'))).toMatch(/^b 1 /);
    // Once written, nothing is waited for any more.
    expect(writer.whenRecorded('S', 'X1')).toBeUndefined();
    expect(writer.whenRecorded('S', 'X2')).toBeUndefined();
    expect(writer.counters.flushes).toBe(2);
  });
});
