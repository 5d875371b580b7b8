/**
 * explainRoute: every link with its tier and the key that decided it, and the route, for one account, receiver and
 * requested smsc-id. It must agree with computeRoute (the accept path) on every case.
 */
import { describe, expect, it } from 'vitest';
import type { Link } from '../../../src/domain/link.js';
import { computeRoute, resolveSmscId } from '../../../src/routing/compute-route.js';
import { explainRoute, type LinkExplanation } from '../../../src/routing/explain-route.js';
import { makeAccount, makeLink } from '../domain-builders.js';

const RX = '46700000001';

// The active-passive recipe (reference/kannel.md §4.4), with a prefix-limited third link and a receive-only one.
const reliable = makeLink('reliable_smpp_gw', { routing: { allowedSmscId: ['reliable_smpp_gw'], preferredSmscId: ['reliable_smpp_gw'] } });
const backup = makeLink('unreliable_smpp_gw', {
  routing: { allowedSmscId: ['unreliable_smpp_gw', 'reliable_smpp_gw'], preferredSmscId: ['unreliable_smpp_gw'] },
});
const norway = makeLink('no', { routing: { allowedPrefix: ['47'] } });
const inbound = makeLink('mo', { port: 0, receivePort: 2776 });
const LINKS: Link[] = [reliable, backup, norway, inbound];

const row = (l: LinkExplanation): [string, string, number, string | undefined, string] => [l.link, l.tier, l.usability, l.rule, l.reason];

describe('explainRoute', () => {
  it('active-passive: the reliable link preferred, the backup fallback, each excluded link with its key', () => {
    const e = explainRoute({ links: LINKS, account: makeAccount({ username: 'app', defaultSmsc: 'reliable_smpp_gw' }), receiver: RX });
    expect(e).toMatchObject({
      account: 'app',
      receiver: RX,
      requestedSmsc: undefined,
      smscId: 'reliable_smpp_gw',
      smscIdOrigin: 'default-smsc',
      receiverRefused: undefined,
      routable: true,
      reason: undefined,
    });
    expect(e.route).toMatchObject({ preferred: ['reliable_smpp_gw'], fallback: ['unreliable_smpp_gw'] });
    expect(e.links.map(row)).toEqual([
      ['reliable_smpp_gw', 'preferred', 1, 'preferred-smsc-id', 'preferred-smsc-id (reliable_smpp_gw) lists "reliable_smpp_gw"'],
      ['unreliable_smpp_gw', 'fallback', 0, undefined, 'may carry it (smsc-id "reliable_smpp_gw"); no rule prefers it'],
      ['no', 'not-eligible', -1, 'allowed-prefix', `allowed-prefix (47) does not match ${RX}`],
      ['mo', 'not-eligible', -1, 'receive-only', 'port is 0: the link only receives'],
    ]);
  });

  it('forced-smsc overrides the request, and says so', () => {
    const e = explainRoute({
      links: LINKS,
      account: makeAccount({ forcedSmsc: 'reliable_smpp_gw' }),
      receiver: RX,
      requestedSmsc: 'unreliable_smpp_gw',
    });
    expect([e.requestedSmsc, e.smscId, e.smscIdOrigin]).toEqual(['unreliable_smpp_gw', 'reliable_smpp_gw', 'forced-smsc']);
    expect(e.route).toMatchObject({ preferred: ['reliable_smpp_gw'], fallback: ['unreliable_smpp_gw'] });
  });

  it('a requested smsc-id: the reliable link does not allow it', () => {
    const e = explainRoute({ links: LINKS, account: makeAccount(), receiver: RX, requestedSmsc: 'unreliable_smpp_gw' });
    expect(e.smscIdOrigin).toBe('request');
    expect(e.links.map((l) => [l.link, l.tier, l.reason])).toEqual([
      ['reliable_smpp_gw', 'not-eligible', 'allowed-smsc-id (reliable_smpp_gw) does not list "unreliable_smpp_gw"'],
      ['unreliable_smpp_gw', 'preferred', 'preferred-smsc-id (unreliable_smpp_gw) lists "unreliable_smpp_gw"'],
      ['no', 'not-eligible', `allowed-prefix (47) does not match ${RX}`],
      ['mo', 'not-eligible', 'port is 0: the link only receives'],
    ]);
  });

  it('with no smsc-id, links with allowed-smsc-id are out; with only "may carry" links, they form the preferred tier', () => {
    const e = explainRoute({ links: LINKS, account: makeAccount(), receiver: '4790000000' });
    expect(e.smscIdOrigin).toBe('none');
    expect(e.links.map((l) => [l.link, l.tier, l.reason])).toEqual([
      ['reliable_smpp_gw', 'not-eligible', 'allowed-smsc-id (reliable_smpp_gw) is set and the message has no smsc-id'],
      ['unreliable_smpp_gw', 'not-eligible', 'allowed-smsc-id (unreliable_smpp_gw;reliable_smpp_gw) is set and the message has no smsc-id'],
      ['no', 'preferred', 'may carry it (no smsc-id); no rule prefers it'],
      ['mo', 'not-eligible', 'port is 0: the link only receives'],
    ]);
    expect(e.route).toMatchObject({ preferred: ['no'], fallback: [] });
  });

  it("not routable: the reason is computeRoute's, every link not eligible", () => {
    const e = explainRoute({ links: LINKS, account: makeAccount(), receiver: RX });
    expect(e.routable).toBe(false);
    expect(e.route).toBeUndefined();
    expect(e.reason).toBe(`no link may carry a message to ${RX}`);
    expect(e.links.every((l) => l.tier === 'not-eligible')).toBe(true);
  });

  it.each([
    [{ allowedPrefix: ['47'] }, 'allowed-prefix', `account "u" allowed-prefix (47) does not match ${RX}`],
    [{ deniedPrefix: ['4670'] }, 'denied-prefix', `account "u" denied-prefix (4670) matches ${RX}`],
  ] as const)("the account's own prefix rules refuse the receiver before any link: %j", (rules, rule, reason) => {
    const e = explainRoute({
      links: LINKS,
      account: makeAccount({ username: 'u', defaultSmsc: 'reliable_smpp_gw', ...rules }),
      receiver: RX,
    });
    expect(e).toMatchObject({ routable: false, receiverRefused: { rule, reason }, reason });
    // what the links would do is still shown
    expect(e.route).toMatchObject({ preferred: ['reliable_smpp_gw'] });
  });

  it.each([
    ['4670000000x', 'the receiver "4670000000x" has characters outside sendsms-chars'],
    ['', 'the receiver "" has characters outside sendsms-chars'],
  ])('with sendsms-chars, a receiver of other characters is refused before any link: %j', (receiver, reason) => {
    const e = explainRoute({
      links: LINKS,
      account: makeAccount({ defaultSmsc: 'reliable_smpp_gw' }),
      receiver,
      sendsmsChars: '0123456789 +-',
    });
    expect(e).toMatchObject({ routable: false, receiverRefused: { rule: 'sendsms-chars', reason }, reason });
    expect(
      explainRoute({ links: LINKS, account: makeAccount({ defaultSmsc: 'reliable_smpp_gw' }), receiver: RX, sendsmsChars: '0123456789 +-' })
        .routable,
    ).toBe(true);
  });

  it.each([
    [{ deniedSmscId: ['X'] }, 'X', RX, `denied-smsc-id (X) lists "X"`],
    [{ deniedPrefix: ['4670'] }, undefined, RX, `denied-prefix (4670) matches ${RX}`],
    [{ allowedPrefix: ['47'], deniedPrefix: ['46'] }, undefined, RX, `denied-prefix (46) matches ${RX} and allowed-prefix (47) does not`],
    [{ preferredPrefix: ['4670'] }, undefined, RX, `preferred-prefix (4670) matches ${RX}`],
  ] as const)('reasons name the key and its values: %j', (rules, smsc, receiver, reason) => {
    const e = explainRoute({ links: [makeLink('x', { routing: rules })], account: makeAccount(), receiver, requestedSmsc: smsc });
    expect(e.links[0]?.reason).toBe(reason);
  });

  it('agrees with computeRoute for every account, requested smsc-id and receiver', () => {
    const accounts = [makeAccount(), makeAccount({ defaultSmsc: 'reliable_smpp_gw' }), makeAccount({ forcedSmsc: 'unreliable_smpp_gw' })];
    for (const account of accounts) {
      for (const requested of [undefined, 'reliable_smpp_gw', 'unreliable_smpp_gw', 'other']) {
        for (const receiver of [RX, '4790000000', '1']) {
          const e = explainRoute({ links: LINKS, account, receiver, requestedSmsc: requested });
          const d = computeRoute(LINKS, resolveSmscId(account, requested), receiver);
          expect(e.routable).toBe(d.kind === 'send');
          expect(e.route).toEqual(d.kind === 'send' ? d.route : undefined);
          const tier = (t: string): string[] =>
            e.links
              .filter((l) => l.tier === t)
              .map((l) => l.link)
              .sort();
          if (d.kind === 'send') expect([tier('preferred'), tier('fallback')]).toEqual([d.route.preferred, d.route.fallback]);
        }
      }
    }
  });
});
