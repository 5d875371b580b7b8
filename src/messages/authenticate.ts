/**
 * Account lookup with Kannel's rules (smsbox.c authorise_user, gwlib is_allowed_ip): the username must exist, the
 * password match, and the client address pass the account's lists. Pure.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Account } from '../domain/account.js';

export type AuthResult = { readonly ok: true; readonly account: Account } | { readonly ok: false; readonly reason: 'unknown-user' | 'bad-password' | 'ip-denied' };

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is compared as the IPv4 address it is. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** Kannel's pattern: `*` stands for any one number of the address; patterns are exact otherwise. */
export function ipMatches(pattern: string, ip: string): boolean {
  const p = pattern.split('.');
  const a = ip.split('.');
  if (p.length !== a.length) return pattern === ip;
  return p.every((seg, i) => seg === '*' || seg === a[i]);
}

/**
 * Kannel's is_allowed_ip: with no deny list every address is allowed (an allow list alone restricts nothing, which
 * surprises people: the loaders warn about it); an address on the allow list is allowed; one on the deny list is not.
 */
export function ipAllowed(allow: readonly string[], deny: readonly string[], ip: string): boolean {
  if (deny.length === 0) return true;
  const addr = normalizeIp(ip);
  if (allow.some((p) => ipMatches(p, addr))) return true;
  return !deny.some((p) => ipMatches(p, addr));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(accounts: ReadonlyMap<string, Account>, username: string | undefined, password: string | undefined, ip: string): AuthResult {
  const account = username === undefined ? undefined : accounts.get(username);
  if (!account) return { ok: false, reason: 'unknown-user' };
  if (password === undefined || !sameSecret(account.password, password)) return { ok: false, reason: 'bad-password' };
  if (!ipAllowed(account.allowIp, account.denyIp, ip)) return { ok: false, reason: 'ip-denied' };
  return { ok: true, account };
}
