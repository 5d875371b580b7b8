/** redis.sentinels and the keys beside it, redis.wait-replicas and wait-timeout: parsed, and refused when they cannot work. */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../../src/config/config-error.js';
import { parseHostPort, validateConfig } from '../../../src/config/validate.js';

const SRC = { file: 'c.yaml' };

function messages(redis: Record<string, unknown>): string[] {
  try {
    validateConfig({ redis }, SRC);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

describe('parseHostPort', () => {
  it.each([
    ['10.0.0.1:26379', { host: '10.0.0.1', port: 26379 }],
    ['sentinel-a', { host: 'sentinel-a', port: 26379 }],
    ['[::1]:5000', { host: '::1', port: 5000 }],
    [' s1:1 ', { host: 's1', port: 1 }],
  ])('%s', (text, want) => expect(parseHostPort(text, 26379)).toEqual(want));
  it.each(['', 'a:b', 'h:0', 'h:70000', '::1:5', '[::1'])('refuses %j', (text) => expect(parseHostPort(text, 26379)).toBeUndefined());
});

describe('redis.sentinels', () => {
  it('by default: no Sentinel, no acknowledged replication', () => {
    const c = validateConfig({}, SRC);
    expect(c.redis.sentinel).toBeUndefined();
    expect(c.redis.replication).toBeUndefined();
  });

  it('a list or a ;-string of addresses, with the name, credentials and TLS beside it', () => {
    const c = validateConfig(
      {
        redis: {
          sentinels: 's1:26379;s2:26380;s3',
          name: 'sms',
          password: 'pw',
          'sentinel-password': 'spw',
          tls: true,
          'sentinel-tls': true,
          'wait-replicas': 1,
          'wait-timeout': 0.2,
        },
      },
      SRC,
    );
    expect(c.redis.sentinel).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: 's3', port: 26379 },
      ],
      name: 'sms',
      username: undefined,
      password: 'pw',
      sentinelPassword: 'spw',
      tls: true,
      sentinelTls: true,
      caFile: undefined,
    });
    expect(c.redis.replication).toEqual({ replicas: 1, timeoutMs: 200 });
    expect(validateConfig({ redis: { sentinels: ['a:1', 'b:2'] } }, SRC).redis.sentinel?.name).toBe('mymaster');
  });

  it('refuses an address that is not host:port, and redis.url beside sentinels', () => {
    expect(messages({ sentinels: ['a:1', 'b:x'] })).toEqual(['c.yaml: redis.sentinels: expected host:port, got "b:x"']);
    expect(messages({ sentinels: ['a:1'], url: 'redis://h:6379' })).toEqual([
      'c.yaml: redis.url: cannot be used with redis.sentinels: the Sentinels say where the primary is; remove one of them',
    ]);
  });

  it('refuses Sentinel-only keys without sentinels', () => {
    expect(messages({ password: 'x' })).toEqual([
      'c.yaml: redis.password: is set but redis.sentinels is not (with redis.url, credentials and TLS go in the URL)',
    ]);
    expect(messages({ 'sentinel-tls': true })).toEqual(['c.yaml: redis.sentinel-tls: is true but redis.sentinels is not set (with redis.url, use rediss://)']);
  });

  it('refuses a wait-timeout that would outlast the request deadline', () => {
    expect(messages({ 'wait-replicas': 1, 'wait-timeout': 0.5, 'command-timeout': 0.5 })).toEqual([
      'c.yaml: redis.wait-timeout: expected less than redis.command-timeout (0.5 s): a WAIT must end before the request\'s deadline',
    ]);
    expect(messages({ 'wait-replicas': 0, 'wait-timeout': 5 })).toEqual([]);
  });
});
