/**
 * Who may read a status endpoint (/api/v1/status on the sendsms port now, the admin port's status later). Pure.
 *
 * With admin-password or status-password set, a client must give one of them. With neither, the status is open
 * only when the interface listens on loopback alone: then only this machine can reach it anyway. Otherwise it is
 * closed: a gateway listening on 0.0.0.0 without a password would show its links, routes and hosts to anyone.
 */
import { isIP } from 'node:net';

export type StatusAccess =
  | { readonly kind: 'open' }
  | { readonly kind: 'closed' }
  /** Any one of these stored passwords (plain or hashed), given with HTTP Basic and any user name. */
  | { readonly kind: 'password'; readonly passwords: readonly string[] };

/** An interface address that only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackOnly(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackOnly(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Empty passwords count as unset (`status-password: ${STATUS_PASSWORD:-}` with no variable). */
export function statusAccess(passwords: readonly (string | undefined)[], interfaceHost: string): StatusAccess {
  const set = passwords.filter((p): p is string => p !== undefined && p !== '');
  if (set.length > 0) return { kind: 'password', passwords: set };
  return isLoopbackOnly(interfaceHost) ? { kind: 'open' } : { kind: 'closed' };
}
