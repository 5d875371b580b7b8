/**
 * Where callbacks and MO requests may go: the default deny lists (link-local, cloud metadata), an account's
 * callback-allow overriding them, decided on the URL's host before DNS and on each resolved address after it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DENY_HOSTS, DEFAULT_DENY_NETWORKS } from '../../../src/config/schema.js';
import {
  checkAddress,
  checkUrl,
  OutboundPolicies,
  parseHostPatterns,
  parseTargets,
  rulesOf,
} from '../../../src/security/outbound-policy.js';

const policies = new OutboundPolicies({ networks: DEFAULT_DENY_NETWORKS, hosts: DEFAULT_DENY_HOSTS }, [
  { username: 'cloudy', callbackAllow: ['169.254.169.254', 'metadata.google.internal', '*.lab.internal'] },
  { username: 'plain', callbackAllow: [] },
]);
const deny = policies.default;

describe('checkUrl with the default lists (at accept time)', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', false],
    ['http://169.254.0.23/', false],
    // other spellings of the same address, as URL parsing canonicalizes them
    ['http://2852039166/', false],
    ['http://0xa9.0xfe.0xa9.0xfe/', false],
    ['http://[::ffff:169.254.169.254]/', false],
    ['http://[fe80::1]/', false],
    ['http://[fd00:ec2::254]/', false],
    ['http://100.100.100.200/', false],
    ['http://168.63.129.16/', false],
    ['http://0.0.0.0:8080/', false],
    ['http://[::]/', false],
    ['http://metadata.google.internal/computeMetadata/v1/', false],
    ['http://METADATA.google.internal./', false],
    ['http://metadata/', false],
    // loopback, private networks and ordinary names are allowed by default
    ['http://127.0.0.1:8080/dlr?type=%d', true],
    ['http://[::1]/dlr', true],
    ['http://10.0.0.5/dlr', true],
    ['http://192.168.1.10/dlr', true],
    ['https://dlr.example.com/x', true],
    ['http://localhost/dlr', true],
    // a name is decided when it is resolved, at send time
    ['http://metadata.evil.example/', true],
    // a URL that does not parse is left for the send-time check
    ['http://%s/dlr', true],
  ])('%s → %s', (url, ok) => {
    expect(checkUrl(deny, url).ok).toBe(ok);
  });

  it('says why', () => {
    expect(checkUrl(deny, 'http://169.254.169.254/')).toEqual({
      ok: false,
      reason: '169.254.169.254 is in a denied network (callbacks.deny-networks)',
    });
    expect(checkUrl(deny, 'http://metadata.google.internal/')).toEqual({
      ok: false,
      reason: 'the host metadata.google.internal is denied (callbacks.deny-hosts)',
    });
  });
});

describe("an account's callback-allow overrides the deny lists, for that account only", () => {
  it.each([
    ['cloudy', 'http://169.254.169.254/', true],
    ['cloudy', 'http://169.254.0.1/', false],
    ['cloudy', 'http://metadata.google.internal/', true],
    ['plain', 'http://169.254.169.254/', false],
    ['nobody-configured', 'http://169.254.169.254/', false],
  ])('%s: %s → %s', (account, url, ok) => {
    expect(policies.checkCallbackUrl(account, url).ok).toBe(ok);
  });

  it('an allowed host name is allowed whatever it resolves to; other names are held to the networks', () => {
    const cloudy = policies.forAccount('cloudy');
    expect(checkAddress(cloudy, 'box.lab.internal', '169.254.1.1').ok).toBe(true);
    expect(checkAddress(cloudy, 'other.example', '169.254.1.1').ok).toBe(false);
    expect(checkAddress(cloudy, 'other.example', '169.254.169.254').ok).toBe(true);
    expect(checkAddress(deny, 'box.lab.internal', '169.254.1.1').ok).toBe(false);
  });
});

describe('checkAddress (after DNS)', () => {
  it.each([
    ['169.254.169.254', false],
    ['::ffff:169.254.169.254', false],
    ['fe80::abcd', false],
    ['93.184.216.34', true],
    ['127.0.0.1', true],
    ['2001:db8::1', true],
  ])('%s → %s', (address, ok) => {
    expect(checkAddress(deny, 'some.example', address).ok).toBe(ok);
  });

  it('loopback and private networks can be denied too', () => {
    const strict = new OutboundPolicies(
      {
        networks: [...DEFAULT_DENY_NETWORKS, '127.0.0.0/8', '::1', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
        hosts: [],
      },
      [],
    ).default;
    for (const a of ['127.0.0.1', '::1', '10.1.2.3', '172.20.0.1', '192.168.0.1', 'fd12::1'])
      expect(checkAddress(strict, 'x', a).ok).toBe(false);
    expect(checkAddress(strict, 'x', '8.8.8.8').ok).toBe(true);
  });
});

describe('parsing the lists', () => {
  it('host patterns: exact names and *.domain, case and trailing dot ignored', () => {
    const p = parseHostPatterns(['Metadata.Google.Internal.', '*.internal']);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.value.matches('metadata.google.internal')).toBe(true);
    expect(p.value.matches('a.b.internal')).toBe(true);
    expect(p.value.matches('internal')).toBe(false);
    expect(p.value.matches('notinternal')).toBe(false);
  });

  it('refuses what is neither a network nor a host name', () => {
    expect(parseHostPatterns(['http://x/', 'a b'])).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('"http://x/" is not a host name'), expect.stringContaining('"a b"')],
    });
    expect(rulesOf(['10.0.0.0/40'], [])).toMatchObject({ ok: false, problems: [expect.stringContaining('prefix length')] });
    expect(parseTargets(['10.0.0.0/8', 'hooks.example', '2001:db8::/32', '10.1.*.*']).ok).toBe(true);
    expect(parseTargets(['10.0.0.0/99']).ok).toBe(false);
  });

  it('the default lists parse', () => {
    expect(rulesOf(DEFAULT_DENY_NETWORKS, DEFAULT_DENY_HOSTS).ok).toBe(true);
  });
});
