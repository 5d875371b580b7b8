/**
 * Kannel's smscconn_usable (smscconn.c), reference/kannel.md §4.1: -1 never, 0 may carry it, 1 preferred.
 */
import { describe, it, expect } from 'vitest';
import type { LinkRouting } from '../../../src/domain/link.js';
import { linkEligibility, linkUsability, matchesPrefix, type Usability } from '../../../src/routing/link-usability.js';
import { routing } from '../domain-builders.js';

type Case = readonly [what: string, rules: Partial<LinkRouting>, smscId: string | undefined, receiver: string, expected: Usability];

const RX = '46700000001';

describe('linkUsability: smsc-id rules (§4.1 step 2)', () => {
  it.each<Case>([
    ['no rules: any message may use the link', {}, undefined, RX, 0],
    ['no rules, with an smsc-id', {}, 'A', RX, 0],
    // allowed-smsc-id: only listed smsc-ids; a message without one never uses the link
    ['allowed, listed', { allowedSmscId: ['A'] }, 'A', RX, 0],
    ['allowed, second of the list', { allowedSmscId: ['A', 'B'] }, 'B', RX, 0],
    ['allowed, not listed', { allowedSmscId: ['A'] }, 'B', RX, -1],
    ['allowed, message without smsc-id', { allowedSmscId: ['A'] }, undefined, RX, -1],
    ['allowed, comparison is exact (case)', { allowedSmscId: ['A'] }, 'a', RX, -1],
    ['allowed, comparison is exact (no prefix match)', { allowedSmscId: ['A'] }, 'AB', RX, -1],
    // denied-smsc-id: listed smsc-ids excluded; a message without one is not denied
    ['denied, listed', { deniedSmscId: ['A'] }, 'A', RX, -1],
    ['denied, not listed', { deniedSmscId: ['A'] }, 'B', RX, 0],
    ['denied, message without smsc-id', { deniedSmscId: ['A'] }, undefined, RX, 0],
    // both set: denied is ignored (allowed wins)
    ['allowed and denied both list it: allowed wins', { allowedSmscId: ['A'], deniedSmscId: ['A'] }, 'A', RX, 0],
    ['allowed and denied: not in allowed is refused even if not denied', { allowedSmscId: ['A'], deniedSmscId: ['B'] }, 'C', RX, -1],
    ['allowed and denied: in denied only', { allowedSmscId: ['A'], deniedSmscId: ['B'] }, 'B', RX, -1],
    // preferred-smsc-id
    ['preferred, listed', { preferredSmscId: ['A'] }, 'A', RX, 1],
    ['preferred, not listed: ok', { preferredSmscId: ['A'] }, 'B', RX, 0],
    ['preferred, message without smsc-id: ok', { preferredSmscId: ['A'] }, undefined, RX, 0],
    ['allowed and preferred (the active-passive primary)', { allowedSmscId: ['R'], preferredSmscId: ['R'] }, 'R', RX, 1],
    ['allowed but preferring another id (the active-passive backup)', { allowedSmscId: ['U', 'R'], preferredSmscId: ['U'] }, 'R', RX, 0],
    ['preferred does not override allowed', { allowedSmscId: ['A'], preferredSmscId: ['B'] }, 'B', RX, -1],
    ['preferred does not override denied', { deniedSmscId: ['A'], preferredSmscId: ['A'] }, 'A', RX, -1],
  ])('%s', (_what, rules, smscId, receiver, expected) => {
    expect(linkUsability(routing(rules), smscId, receiver)).toBe(expected);
  });
});

describe('linkUsability: receiver prefix rules (§4.1 step 3, 4)', () => {
  it.each<Case>([
    // only allowed-prefix: must match
    ['allowed-prefix, match', { allowedPrefix: ['4670'] }, undefined, '46701234', 0],
    ['allowed-prefix, second of the list', { allowedPrefix: ['4670', '4673'] }, undefined, '46731234', 0],
    ['allowed-prefix, no match', { allowedPrefix: ['4670'] }, undefined, '46731234', -1],
    ['allowed-prefix is a prefix, not a substring', { allowedPrefix: ['4670'] }, undefined, '14670', -1],
    ['allowed-prefix with +', { allowedPrefix: ['+46'] }, undefined, '+46701', 0],
    ['allowed-prefix +46 does not match 0046', { allowedPrefix: ['+46'] }, undefined, '0046701', -1],
    // only denied-prefix: must not match
    ['denied-prefix, match', { deniedPrefix: ['4670'] }, undefined, '46701234', -1],
    ['denied-prefix, no match', { deniedPrefix: ['4670'] }, undefined, '46731234', 0],
    // both: refused only when not allowed AND denied (allowed wins)
    ['both, allowed and denied: allowed wins', { allowedPrefix: ['46'], deniedPrefix: ['4670'] }, undefined, '46701234', 0],
    ['both, denied and not allowed', { allowedPrefix: ['46'], deniedPrefix: ['47'] }, undefined, '4712', -1],
    ['both, neither allowed nor denied: may use it', { allowedPrefix: ['46'], deniedPrefix: ['47'] }, undefined, '4812', 0],
    ['both, allowed only', { allowedPrefix: ['46'], deniedPrefix: ['47'] }, undefined, '4612', 0],
    // preferred-prefix
    ['preferred-prefix, match', { preferredPrefix: ['4673'] }, undefined, '46731234', 1],
    ['preferred-prefix, no match', { preferredPrefix: ['4673'] }, undefined, '46701234', 0],
    ['preferred-prefix, but not allowed', { allowedPrefix: ['4670'], preferredPrefix: ['4673'] }, undefined, '46731234', -1],
    ['preferred-prefix, but denied', { deniedPrefix: ['4673'], preferredPrefix: ['4673'] }, undefined, '46731234', -1],
    ['preferred-prefix, but smsc-id denied', { deniedSmscId: ['A'], preferredPrefix: ['4673'] }, 'A', '46731234', -1],
    [
      'preferred-prefix, but no smsc-id for an allowed-smsc-id link',
      { allowedSmscId: ['A'], preferredPrefix: ['4673'] },
      undefined,
      '46731234',
      -1,
    ],
    ['preferred by smsc-id, receiver denied', { preferredSmscId: ['A'], deniedPrefix: ['4670'] }, 'A', '46701234', -1],
    ['preferred by smsc-id, any receiver otherwise', { preferredSmscId: ['A'], preferredPrefix: ['4673'] }, 'A', '46701234', 1],
    ['preferred by prefix, smsc-id not preferred', { preferredSmscId: ['A'], preferredPrefix: ['4673'] }, 'B', '46731234', 1],
  ])('%s', (_what, rules, smscId, receiver, expected) => {
    expect(linkUsability(routing(rules), smscId, receiver)).toBe(expected);
  });
});

describe('matchesPrefix (does_prefix_match)', () => {
  it.each([
    ['46701', ['467'], true],
    ['46701', ['1', '46'], true],
    ['46701', ['47', '1'], false],
    ['46701', [], false],
    ['467', ['4670'], false],
    ['+46701', ['+46'], true],
    ['+46701', ['46'], false],
  ] as const)('%s with %j → %s', (receiver, prefixes, expected) => {
    expect(matchesPrefix(receiver, prefixes)).toBe(expected);
  });
});

describe('linkEligibility: the key that decided, for explain and check-config', () => {
  it.each<
    readonly [
      what: string,
      rules: Partial<LinkRouting>,
      smscId: string | undefined,
      receiver: string,
      usability: Usability,
      rule: string | undefined,
    ]
  >([
    ['no rules', {}, 'A', RX, 0, undefined],
    ['allowed-smsc-id, message without smsc-id', { allowedSmscId: ['A'] }, undefined, RX, -1, 'allowed-smsc-id'],
    ['allowed-smsc-id, not listed', { allowedSmscId: ['A'] }, 'B', RX, -1, 'allowed-smsc-id'],
    ['allowed-smsc-id wins over denied-smsc-id', { allowedSmscId: ['A'], deniedSmscId: ['B'] }, 'B', RX, -1, 'allowed-smsc-id'],
    ['denied-smsc-id', { deniedSmscId: ['A'] }, 'A', RX, -1, 'denied-smsc-id'],
    ['allowed-prefix', { allowedPrefix: ['47'] }, undefined, RX, -1, 'allowed-prefix'],
    ['denied-prefix', { deniedPrefix: ['46'] }, undefined, RX, -1, 'denied-prefix'],
    ['denied-prefix, allowed-prefix does not match', { allowedPrefix: ['47'], deniedPrefix: ['46'] }, undefined, RX, -1, 'denied-prefix'],
    ['smsc-id rules are checked before prefixes', { deniedSmscId: ['A'], allowedPrefix: ['47'] }, 'A', RX, -1, 'denied-smsc-id'],
    ['preferred-smsc-id', { preferredSmscId: ['A'] }, 'A', RX, 1, 'preferred-smsc-id'],
    [
      'preferred-smsc-id is named before preferred-prefix',
      { preferredSmscId: ['A'], preferredPrefix: ['46'] },
      'A',
      RX,
      1,
      'preferred-smsc-id',
    ],
    ['preferred-prefix', { preferredPrefix: ['46'] }, 'B', RX, 1, 'preferred-prefix'],
  ])('%s', (_what, rules, smscId, receiver, usability, rule) => {
    expect(linkEligibility(routing(rules), smscId, receiver)).toEqual({ usability, rule });
    expect(linkUsability(routing(rules), smscId, receiver)).toBe(usability);
  });
});
