import { describe, expect, it } from 'vitest';
import { clientPrefix, stripBasePath } from '../../../src/admin/path-prefix.js';
import { normalizePrefix } from '../../../src/config/path-prefix.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { validateConfig } from '../../../src/config/validate.js';

describe('normalizePrefix', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['/sms-gateway', '/sms-gateway'],
    ['/sms-gateway/', '/sms-gateway'],
    [' /a/b ', '/a/b'],
    ['/gw~1/x.y', '/gw~1/x.y'],
  ])('%j is %j', (raw, want) => expect(normalizePrefix(raw)).toBe(want));

  it.each([
    'sms-gateway',
    'http://evil.example/x',
    '//evil.example',
    '/a/../b',
    '/a/./b',
    '/a b',
    '/a?x=1',
    '/a#f',
    '/a,/b',
    '/a\\b',
    '/a"<b>',
  ])('refuses %j', (raw) => {
    expect(normalizePrefix(raw)).toBeUndefined();
  });
});

describe('stripBasePath', () => {
  it('takes the base path off what is under it, and leaves everything else', () => {
    expect(stripBasePath('/sms-gateway/api/v1/status?x=1', '/sms-gateway')).toBe('/api/v1/status?x=1');
    expect(stripBasePath('/sms-gateway/', '/sms-gateway')).toBe('/');
    expect(stripBasePath('/sms-gateway', '/sms-gateway')).toBe('/sms-gateway');
    expect(stripBasePath('/sms-gatewayx/a', '/sms-gateway')).toBe('/sms-gatewayx/a');
    expect(stripBasePath('/status', '/sms-gateway')).toBe('/status');
    expect(stripBasePath('/sms-gateway/a', '')).toBe('/sms-gateway/a');
  });
});

describe('clientPrefix', () => {
  it('is the base path when the request carries it, whatever the header says', () => {
    expect(clientPrefix('/gw', '/gw/openapi.json', '/other')).toBe('/gw');
    expect(clientPrefix('/gw', '/gw', undefined)).toBe('/gw');
  });
  it('is X-Forwarded-Prefix when the proxy stripped the prefix, if it is a path', () => {
    expect(clientPrefix('', '/openapi.json', '/sms-gateway')).toBe('/sms-gateway');
    expect(clientPrefix('/gw', '/openapi.json', '/sms-gateway/')).toBe('/sms-gateway');
    expect(clientPrefix('', '/openapi.json', ['/first', '/second'])).toBe('/first');
    expect(clientPrefix('', '/openapi.json', '//evil.example')).toBe('');
    expect(clientPrefix('', '/openapi.json', 'https://evil.example')).toBe('');
  });
  it('is nothing for a client that talks to the port directly', () => {
    expect(clientPrefix('/gw', '/openapi.json', undefined)).toBe('');
    expect(clientPrefix('', '/', undefined)).toBe('');
  });
});

describe('admin.base-path in the configuration', () => {
  const config = (basePath: string) =>
    validateConfig({ admin: { 'base-path': basePath }, accounts: [{ username: 'u', password: 'p' }] }, { file: 'c.yaml' });

  it('defaults to none, and is kept without its trailing slash', () => {
    expect(validateConfig({ accounts: [{ username: 'u', password: 'p' }] }, { file: 'c.yaml' }).admin.basePath).toBe('');
    expect(config('/sms-gateway/').admin.basePath).toBe('/sms-gateway');
  });

  it('refuses what is not a path, naming the key', () => {
    expect(() => config('sms-gateway')).toThrow(ConfigError);
    expect(() => config('/a/../b')).toThrow(/admin\.base-path: expected a path such as \/sms-gateway/);
  });
});
