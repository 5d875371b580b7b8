import { describe, expect, it } from 'vitest';
import { listRefusal, numberKey, parseNumberList } from '../../../src/routing/number-list.js';
import { linkEligibility } from '../../../src/routing/link-usability.js';
import { receiverRefusal } from '../../../src/routing/receiver-refusal.js';
import { routing } from '../domain-builders.js';

describe("Kannel's numhash lists", () => {
  it('keys a number by the value of its last 19 digits: +46..., 0046... and 46... are one entry', () => {
    expect(numberKey('+46701234567')).toBe('46701234567');
    expect(numberKey('0046701234567')).toBe('46701234567');
    expect(numberKey('46701234567')).toBe('46701234567');
    expect(numberKey('12345678901234567890123')).toBe('5678901234567890123');
    expect(numberKey('abc')).toBe('0');
  });

  it('reads a list: comments, spaces, + and - ignored, a number ends at any other character', () => {
    const { numbers, skipped } = parseNumberList('# header\n+46 70-123 45 67\n  0046701111111 # note\nfoo\n\n4670222');
    expect([...numbers].sort()).toEqual(['46701111111', '46701234567', '4670222']);
    expect(skipped).toBe(1);
  });

  it('refuses in Kannel order: white list, white regex, black list, black regex', () => {
    const white = new Set(['46701111111']);
    expect(listRefusal({ white }, '+46701111111')).toBeUndefined();
    expect(listRefusal({ white }, '46709999999')).toBe('white-list');
    expect(listRefusal({ whiteRegex: /^467/ }, '4680')).toBe('white-list-regex');
    expect(listRefusal({ black: white }, '0046701111111')).toBe('black-list');
    expect(listRefusal({ blackRegex: /999$/ }, '46709999999')).toBe('black-list-regex');
    expect(listRefusal({}, '1')).toBeUndefined();
  });
});

describe('-regex routing keys and lists in link eligibility (smscconn_usable)', () => {
  it('smsc-id regex forms: allowed needs an smsc-id that matches; denied only without allowed', () => {
    const r = routing({ allowedSmscIdRegex: '^op' });
    expect(linkEligibility(r, undefined, '1').rule).toBe('allowed-smsc-id-regex');
    expect(linkEligibility(r, 'xop', '1').rule).toBe('allowed-smsc-id-regex');
    expect(linkEligibility(r, 'opA', '1').usability).toBe(0);
    expect(linkEligibility(routing({ deniedSmscIdRegex: 'B$' }), 'opB', '1').rule).toBe('denied-smsc-id-regex');
    expect(linkEligibility(routing({ allowedSmscIdRegex: '^op', deniedSmscIdRegex: 'B$' }), 'opB', '1').usability).toBe(0);
  });

  it('prefix regex forms: with both, denied counts only where allowed does not match', () => {
    expect(linkEligibility(routing({ allowedPrefixRegex: '^46' }), undefined, '47').rule).toBe('allowed-prefix-regex');
    expect(linkEligibility(routing({ deniedPrefixRegex: '^46' }), undefined, '46').rule).toBe('denied-prefix-regex');
    const both = routing({ allowedPrefixRegex: '^4670', deniedPrefixRegex: '^46' });
    expect(linkEligibility(both, undefined, '4670').usability).toBe(0);
    expect(linkEligibility(both, undefined, '4680').rule).toBe('denied-prefix-regex');
  });

  it('preferred regex forms make the link preferred; its lists exclude it', () => {
    expect(linkEligibility(routing({ preferredPrefixRegex: '^46' }), undefined, '46').rule).toBe('preferred-prefix-regex');
    expect(linkEligibility(routing({ preferredSmscIdRegex: '^g' }), 'gw', '1').rule).toBe('preferred-smsc-id-regex');
    expect(linkEligibility(routing(), undefined, '46701111111', { black: new Set(['46701111111']) }).rule).toBe('black-list');
  });

  it("an account's regex prefixes and lists refuse receivers before routing", () => {
    const account = { allowedPrefix: [], deniedPrefix: [], allowedPrefixRegex: '^46' };
    expect(receiverRefusal(account, '47')).toBe('allowed-prefix-regex');
    expect(receiverRefusal({ allowedPrefix: [], deniedPrefix: [], deniedPrefixRegex: '^46' }, '46')).toBe('denied-prefix-regex');
    expect(receiverRefusal({ allowedPrefix: [], deniedPrefix: [] }, '46', undefined, { account: { black: new Set(['46']) } })).toBe(
      'black-list',
    );
    expect(receiverRefusal({ allowedPrefix: [], deniedPrefix: [] }, '46', undefined, { sendsms: { white: new Set(['47']) } })).toBe(
      'global white-list',
    );
  });
});
