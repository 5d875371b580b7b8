/** /api/v1/status: open only on loopback when no password is set, otherwise one of the passwords, or closed. */
import { describe, expect, it } from 'vitest';
import { isLoopbackOnly, statusAccess } from '../../../src/security/status-access.js';

describe('isLoopbackOnly', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['', false],
    ['gateway.example', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackOnly(host)).toBe(expected);
  });
});

describe('statusAccess', () => {
  it.each([
    ['no password, every interface: closed', [undefined, undefined], '0.0.0.0', { kind: 'closed' }],
    ['no password, a LAN address: closed', [undefined, undefined], '10.0.0.5', { kind: 'closed' }],
    ['no password, loopback: open', [undefined, undefined], '127.0.0.1', { kind: 'open' }],
    ['no password, IPv6 loopback: open', [undefined, undefined], '::1', { kind: 'open' }],
    ['empty passwords count as none', ['', ''], '0.0.0.0', { kind: 'closed' }],
    ['admin-password', ['adm', undefined], '0.0.0.0', { kind: 'password', passwords: ['adm'] }],
    ['status-password', [undefined, 'st'], '0.0.0.0', { kind: 'password', passwords: ['st'] }],
    ['both', ['adm', 'st'], '0.0.0.0', { kind: 'password', passwords: ['adm', 'st'] }],
    ['a password on loopback still asks for it', ['adm', undefined], '127.0.0.1', { kind: 'password', passwords: ['adm'] }],
  ] as const)('%s', (_what, passwords, host, expected) => {
    expect(statusAccess(passwords, host)).toEqual(expected);
  });
});
