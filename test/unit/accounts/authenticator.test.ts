/**
 * The Authenticator: the address before the password, hashed and plain passwords, and failed logins logged once
 * per account and address per minute (the clock is passed in).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../../src/accounts/authenticator.js';
import { LoginGuard } from '../../../src/accounts/login-guard.js';
import { hashPassword } from '../../../src/security/password-hash.js';
import { PasswordVerifier } from '../../../src/security/password-verifier.js';
import { makeAccount } from '../domain-builders.js';

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

const HASH = hashPassword('right', Buffer.from('0123456789abcdef'), { ln: 4, r: 8, p: 1 });
const accounts = [
  makeAccount({ username: 'plain', password: 'pw' }),
  makeAccount({ username: 'hashed', password: HASH, allowIp: ['10.0.0.0/8'], denyIp: ['*.*.*.*'] }),
];

const FAILED =
  'authorization failed (more failures of this user, or of unknown users, from this address within a minute are counted, not logged)';

async function flush(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

describe('Authenticator', () => {
  it('checks the address before the password: an off-list client is refused whatever the password', async () => {
    const { logger } = logSink();
    const auth = new Authenticator(accounts, new PasswordVerifier(), logger);
    expect(await auth.authenticate('hashed', 'right', '192.0.2.1')).toEqual({ ok: false, reason: 'ip-denied' });
    expect(await auth.authenticate('hashed', 'wrong', '192.0.2.1')).toEqual({ ok: false, reason: 'ip-denied' });
    expect(await auth.authenticate('hashed', 'right', '10.1.2.3')).toMatchObject({ ok: true, account: { username: 'hashed' } });
    expect(await auth.authenticate('hashed', 'wrong', '10.1.2.3')).toEqual({ ok: false, reason: 'bad-password' });
    expect(await auth.authenticate('plain', 'pw', '192.0.2.1')).toMatchObject({ ok: true });
    expect(await auth.authenticate('plain', undefined, '192.0.2.1')).toEqual({ ok: false, reason: 'bad-password' });
    expect(await auth.authenticate('nobody', 'pw', '192.0.2.1')).toEqual({ ok: false, reason: 'unknown-user' });
  });

  it('answers busy when too many scrypt verifications are in flight', async () => {
    const { logger } = logSink();
    const auth = new Authenticator(accounts, new PasswordVerifier({ maxPending: 1 }), logger);
    const first = auth.authenticate('hashed', 'wrong1', '10.0.0.1');
    expect(await auth.authenticate('hashed', 'wrong2', '10.0.0.1')).toEqual({ ok: false, reason: 'busy' });
    expect(await first).toEqual({ ok: false, reason: 'bad-password' });
  });

  it('logs a failed login once per user and address per minute, then how many more there were', async () => {
    const { logger, lines } = logSink();
    let now = 0;
    const auth = new Authenticator(accounts, new PasswordVerifier(), logger, () => now);
    for (let i = 0; i < 20; i++) await auth.authenticate('plain', `guess${i}`, '192.0.2.1');
    await auth.authenticate('plain', 'guess', '192.0.2.2');
    await auth.authenticate('x'.repeat(500), 'guess', '192.0.2.1');
    // made-up user names from one address count as one
    for (let i = 0; i < 20; i++) await auth.authenticate(`user${i}`, 'guess', '192.0.2.1');
    await flush();
    expect(lines.map((l) => [l.msg, l.username, l.ip, l.reason, l.more])).toEqual([
      [FAILED, 'plain', '192.0.2.1', 'bad-password', undefined],
      [FAILED, 'plain', '192.0.2.2', 'bad-password', undefined],
      [FAILED, `${'x'.repeat(64)}…`, '192.0.2.1', 'unknown-user', undefined],
    ]);
    lines.length = 0;
    now = 61_000;
    await auth.authenticate('plain', 'again', '192.0.2.2');
    await flush();
    expect(lines.map((l) => [l.msg, l.username, l.ip, l.more])).toEqual([
      ['authorization failures not logged one by one in the last minute', 'plain', '192.0.2.1', 19],
      ['authorization failures not logged one by one in the last minute', undefined, '192.0.2.1', 20],
      [FAILED, 'plain', '192.0.2.2', undefined],
    ]);
  });

  it("checks an unknown name's password against a dummy of the accounts' cost, with a budget per name like a known one", async () => {
    const { logger } = logSink();
    const auth = new Authenticator(accounts, new PasswordVerifier({ maxPending: 1 }), logger);
    const unknown = auth.authenticate('nobody', 'guess', '10.0.0.1');
    // an scrypt verification, as for the hashed account: not answered at once
    expect(unknown).toBeInstanceOf(Promise);
    // and busy past the budget of that name, exactly as a known name would be
    expect(await auth.authenticate('nobody', 'guess2', '10.0.0.1')).toEqual({ ok: false, reason: 'busy' });
    expect(await unknown).toEqual({ ok: false, reason: 'unknown-user' });
    const plainOnly = new Authenticator([makeAccount({ username: 'plain', password: 'pw' })], new PasswordVerifier(), logger);
    // with no hashed account, no name costs a hash: answered at once either way
    expect(plainOnly.authenticate('nobody', 'guess', '10.0.0.1')).toEqual({ ok: false, reason: 'unknown-user' });
  });

  it('with a guard, refuses an address that failed too often before anything is checked, the right password too', async () => {
    const { logger } = logSink();
    const guard = new LoginGuard({ interface: 'sendsms', logger, limit: { burst: 2, intervalMs: 60_000 }, refusalPauseMs: 0 });
    const auth = new Authenticator(accounts, new PasswordVerifier(), logger, Date.now, guard);
    expect(await auth.authenticate('plain', 'pw', '192.0.2.5')).toMatchObject({ ok: true });
    await auth.authenticate('plain', 'x', '192.0.2.5');
    await auth.authenticate('nobody', 'x', '192.0.2.5');
    const refused = await auth.authenticate('plain', 'pw', '192.0.2.5');
    expect(refused).toMatchObject({ ok: false, reason: 'limited' });
    expect(refused.ok === false && refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(await auth.authenticate('plain', 'pw', '192.0.2.6')).toMatchObject({ ok: true });
  });
});
