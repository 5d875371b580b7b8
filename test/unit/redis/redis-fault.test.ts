/** The errors ioredis and Redis give, each read as the fault it stands for; anything else is not Redis's fault. */
import { describe, expect, it } from 'vitest';
import { classifyRedisError, isConnectionFault, RedisUnavailableError } from '../../../src/redis/redis-fault.js';

const err = (message: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), extra);

describe('classifyRedisError', () => {
  it.each([
    [err('Command timed out'), 'timeout'],
    [err("Stream isn't writeable and enableOfflineQueue options is false"), 'unreachable'],
    [err('Connection is closed.'), 'unreachable'],
    [err('connect ECONNREFUSED 127.0.0.1:6379', { code: 'ECONNREFUSED' }), 'unreachable'],
    [err('connect ENOENT /run/redis.sock', { code: 'ENOENT' }), 'unreachable'],
    [Object.assign(err('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' }), 'unreachable'],
    [err("OOM command not allowed when used memory > 'maxmemory'."), 'out-of-memory'],
    [err("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'."), 'out-of-memory'],
    [err("READONLY You can't write against a read only replica."), 'read-only'],
    [err('MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.'), 'persistence-failed'],
    [err('LOADING Redis is loading the dataset in memory'), 'loading'],
    [err('BUSY Redis is busy running a script.'), 'busy'],
    [err("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), 'busy'],
    [new RedisUnavailableError('read-only', 'x'), 'read-only'],
  ])('%s → %s', (e, fault) => {
    expect(classifyRedisError(e)).toBe(fault);
  });

  it('leaves other errors alone', () => {
    expect(classifyRedisError(err('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBeUndefined();
    expect(classifyRedisError(new TypeError('x is undefined'))).toBeUndefined();
    expect(classifyRedisError('OOM')).toBeUndefined();
    // "ROOM" and "BOOMER" are not OOM.
    expect(classifyRedisError(err('no ROOM for BOOMERs'))).toBeUndefined();
  });

  it('tells connection faults from refusals', () => {
    expect(isConnectionFault('timeout')).toBe(true);
    expect(isConnectionFault('unreachable')).toBe(true);
    expect(isConnectionFault('read-only')).toBe(false);
  });

  it('gives the HTTP side its status', () => {
    expect(new RedisUnavailableError('timeout', 'x').statusCode).toBe(503);
  });
});
