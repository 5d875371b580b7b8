/**
 * The verifier: constant-time comparisons of digests, scrypt only on a miss, a verified password remembered per
 * credential, a wrong one never, and a bound on scrypt work in flight. Real scrypt with a tiny cost (ln=4).
 */
import { describe, expect, it } from 'vitest';
import { hashPassword, parseStoredSecret, type StoredSecret } from '../../../src/security/password-hash.js';
import { PasswordVerifier } from '../../../src/security/password-verifier.js';

function secret(text: string): StoredSecret {
  const p = parseStoredSecret(text);
  if (!p.ok) throw new Error(p.problem);
  return p.secret;
}

const hashed = secret(hashPassword('right', Buffer.from('salt-salt-salt-1'), { ln: 4, r: 8, p: 1 }));

describe('PasswordVerifier', () => {
  it('compares plain-text passwords exactly, whatever their lengths, without scrypt', () => {
    const v = new PasswordVerifier();
    const plain = secret('pw');
    expect(v.verify('a', plain, 'pw')).toBe('ok');
    expect(v.verify('a', plain, 'px')).toBe('wrong');
    expect(v.verify('a', plain, 'pw2')).toBe('wrong');
    expect(v.verify('a', plain, '')).toBe('wrong');
    expect(v.verify('a', plain, 'PW')).toBe('wrong');
    expect(v.verify('e', secret(''), '')).toBe('ok');
    expect(v.inFlight).toBe(0);
  });

  it('verifies an scrypt hash, then answers the same password from the cache without scrypt', async () => {
    const v = new PasswordVerifier();
    const first = v.verify('account:u', hashed, 'right');
    expect(first).toBeInstanceOf(Promise);
    expect(v.inFlight).toBe(1);
    expect(await first).toBe('ok');
    expect(v.inFlight).toBe(0);
    // answered synchronously: no scrypt
    expect(v.verify('account:u', hashed, 'right')).toBe('ok');
  });

  it('never remembers a wrong password as right, and a wrong one after a right one still goes to scrypt', async () => {
    const v = new PasswordVerifier();
    expect(await v.verify('account:u', hashed, 'wrong')).toBe('wrong');
    expect(await v.verify('account:u', hashed, 'wrong')).toBe('wrong');
    expect(await v.verify('account:u', hashed, 'right')).toBe('ok');
    const again = v.verify('account:u', hashed, 'wrong');
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toBe('wrong');
    // the right one is still remembered
    expect(v.verify('account:u', hashed, 'right')).toBe('ok');
  });

  it('keeps verified passwords per credential: another id, or another stored hash, is verified afresh', async () => {
    const v = new PasswordVerifier();
    expect(await v.verify('account:u', hashed, 'right')).toBe('ok');
    expect(v.verify('account:other', hashed, 'right')).toBeInstanceOf(Promise);
    const changed = secret(hashPassword('right', Buffer.from('salt-salt-salt-2'), { ln: 4, r: 8, p: 1 }));
    const r = v.verify('account:u', changed, 'right');
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toBe('ok');
  });

  it('answers busy beyond maxPending scrypt verifications in flight, and takes more once they finish', async () => {
    const v = new PasswordVerifier({ maxPending: 2 });
    const a = v.verify('x', hashed, 'w1');
    const b = v.verify('x', hashed, 'w2');
    expect(v.verify('x', hashed, 'w3')).toBe('busy');
    expect(await a).toBe('wrong');
    expect(await b).toBe('wrong');
    expect(await v.verify('x', hashed, 'right')).toBe('ok');
  });
});

describe('PasswordVerifier budgets', () => {
  it('keeps the budget per credential: one id at its limit leaves another id unaffected', async () => {
    const v = new PasswordVerifier({ maxPending: 2, concurrency: 1 });
    const flood = [v.verify('account:victim', hashed, 'g1'), v.verify('account:victim', hashed, 'g2')];
    expect(v.verify('account:victim', hashed, 'g3')).toBe('busy');
    const other = v.verify('account:other', hashed, 'right');
    expect(other).toBeInstanceOf(Promise);
    expect(await other).toBe('ok');
    expect(await Promise.all(flood)).toEqual(['wrong', 'wrong']);
  });

  it('takes the waiting ids in turn: a flood of one name holds at most one turn in front of another', async () => {
    const v = new PasswordVerifier({ maxPending: 50, concurrency: 1 });
    const order: string[] = [];
    const track = (name: string, r: ReturnType<PasswordVerifier['verify']>): Promise<unknown> =>
      Promise.resolve(r).then(() => order.push(name));
    const all = Array.from({ length: 6 }, (_, i) => track(`flood${i}`, v.verify('account:victim', hashed, `guess${i}`)));
    all.push(track('other', v.verify('account:other', hashed, 'right')));
    await Promise.all(all);
    // flood0 was running already; the other name's one verification comes next, before the rest of the flood
    expect(order.indexOf('other')).toBeLessThanOrEqual(2);
  });

  it('shares one verification between identical requests in flight, without using up the budget', async () => {
    const v = new PasswordVerifier({ maxPending: 1 });
    const a = v.verify('account:u', hashed, 'right');
    const b = v.verify('account:u', hashed, 'right');
    expect(b).toBe(a);
    expect(v.inFlight).toBe(1);
    expect(await b).toBe('ok');
  });

  it('answers busy past maxWaiting in all, whichever ids wait', () => {
    const v = new PasswordVerifier({ maxPending: 10, maxWaiting: 3, concurrency: 1 });
    for (const id of ['a', 'b', 'c']) expect(v.verify(id, hashed, 'x')).toBeInstanceOf(Promise);
    expect(v.verify('d', hashed, 'x')).toBe('busy');
  });
});
