/** The guard around logins: refusals counted for /metrics and logged once per burst, with the count at its end. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LoginGuard, type LoginFailureReason } from '../../../src/accounts/login-guard.js';

function logSink(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LoginGuard', () => {
  it('refuses an address after its failures, counts every refusal, and logs one line per burst', async () => {
    const { logger, lines } = logSink();
    let now = 0;
    const counted: LoginFailureReason[] = [];
    const guard = new LoginGuard({
      interface: 'admin',
      logger,
      limit: { burst: 3, intervalMs: 1000 },
      onFailure: (r) => counted.push(r),
      now: () => now,
    });
    for (const reason of ['bad_password', 'busy', 'unknown_user'] as const) {
      expect(guard.admit('192.0.2.7').ok).toBe(true);
      guard.failed('192.0.2.7', reason);
    }
    // busy checked nothing: its unit was given back, so one more may be tried
    expect(guard.admit('192.0.2.7').ok).toBe(true);
    guard.failed('192.0.2.7', 'bad_password');
    // a success gives its unit back too
    expect(guard.admit('192.0.2.9').ok).toBe(true);
    guard.succeeded('192.0.2.9');
    expect(guard.admit('192.0.2.9').ok).toBe(true);
    for (let i = 0; i < 100; i++) expect(guard.admit('192.0.2.7').ok).toBe(false);
    expect(guard.admit('192.0.2.8').ok).toBe(true);
    guard.succeeded('192.0.2.8');
    expect(counted.filter((r) => r === 'limited')).toHaveLength(100);
    expect(counted.slice(0, 4)).toEqual(['bad_password', 'busy', 'unknown_user', 'bad_password']);
    await flush();
    expect(lines.map((l) => [l.interface, l.client, l.retryAfterS])).toEqual([['admin', '192.0.2.7', 1]]);
    now = 61_000;
    guard.admit('192.0.2.8');
    guard.succeeded('192.0.2.8');
    await flush();
    expect(lines[1]).toMatchObject({ interface: 'admin', client: '192.0.2.7', refused: 99 });
    // the burst is over: the address may try again
    expect(guard.admit('192.0.2.7').ok).toBe(true);
  });
});
