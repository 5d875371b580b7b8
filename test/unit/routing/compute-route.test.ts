/**
 * A message's route at accept time: the links of smscconn_usable 1 (preferred) and 0 (fallback), as smsc2_rout
 * picks among them (reference/kannel.md §4.2, §4.3, §4.4). Live state is not read here.
 */
import { describe, it, expect } from 'vitest';
import type { Link } from '../../../src/domain/link.js';
import { validateConfig } from '../../../src/config/validate.js';
import {
  computeRoute,
  describeRoute,
  makeRoute,
  preferSmscId,
  resolveSmscId,
  resolveSmscIdOrigin,
  routeKey,
  type RouteDecision,
} from '../../../src/routing/compute-route.js';
import { makeAccount, makeLink } from '../domain-builders.js';

const RX = '46700000001';

function send(decision: RouteDecision): { preferred: readonly string[]; fallback: readonly string[]; key: string } {
  if (decision.kind !== 'send') throw new Error(`expected a route, got reject: ${decision.reason}`);
  return decision.route;
}

/** Every order of a small list. */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('resolveSmscId (smsbox_req_handle: forced-smsc, then smsc, then default-smsc)', () => {
  it.each([
    [undefined, undefined, undefined, undefined],
    [undefined, undefined, 'REQ', 'REQ'],
    [undefined, 'DEF', undefined, 'DEF'],
    [undefined, 'DEF', 'REQ', 'REQ'],
    ['FORCED', undefined, undefined, 'FORCED'],
    ['FORCED', 'DEF', 'REQ', 'FORCED'],
    ['FORCED', undefined, 'REQ', 'FORCED'],
    // empty strings count as not set
    ['', 'DEF', '', 'DEF'],
    ['', '', '', undefined],
    [undefined, '', 'REQ', 'REQ'],
  ] as const)('forced %j, default %j, requested %j → %j', (forcedSmsc, defaultSmsc, requested, expected) => {
    expect(resolveSmscId({ forcedSmsc, defaultSmsc }, requested)).toBe(expected);
  });

  it.each([
    ['FORCED', 'DEF', 'REQ', 'forced-smsc'],
    [undefined, 'DEF', 'REQ', 'request'],
    [undefined, 'DEF', undefined, 'default-smsc'],
    ['', '', '', 'none'],
  ] as const)('origin: forced %j, default %j, requested %j → %s', (forcedSmsc, defaultSmsc, requested, origin) => {
    const got = resolveSmscIdOrigin({ forcedSmsc, defaultSmsc }, requested);
    expect(got.origin).toBe(origin);
    expect(got.smscId).toBe(resolveSmscId({ forcedSmsc, defaultSmsc }, requested));
  });
});

describe('computeRoute: tiers', () => {
  it.each([
    // [what, links, smscId, receiver, preferred, fallback]
    ['one plain link', [makeLink('a')], undefined, RX, ['a'], []],
    ['plain links are all "ok": one tier, sorted', [makeLink('b'), makeLink('a'), makeLink('c')], undefined, RX, ['a', 'b', 'c'], []],
    [
      'a preferred link makes the others fallback',
      [makeLink('a'), makeLink('p', { routing: { preferredSmscId: ['X'] } })],
      'X',
      RX,
      ['p'],
      ['a'],
    ],
    [
      'two preferred, one fallback',
      [makeLink('p2', { routing: { preferredSmscId: ['X'] } }), makeLink('ok'), makeLink('p1', { routing: { preferredSmscId: ['X'] } })],
      'X',
      RX,
      ['p1', 'p2'],
      ['ok'],
    ],
    ['an excluded link is in no tier', [makeLink('a'), makeLink('d', { routing: { deniedSmscId: ['X'] } })], 'X', RX, ['a'], []],
    [
      'preferred by receiver prefix',
      [makeLink('se', { routing: { preferredPrefix: ['46'] } }), makeLink('any')],
      undefined,
      RX,
      ['se'],
      ['any'],
    ],
    [
      'preferred prefix does not match: one tier',
      [makeLink('no', { routing: { preferredPrefix: ['47'] } }), makeLink('any')],
      undefined,
      RX,
      ['any', 'no'],
      [],
    ],
    [
      'only allowed-prefix links for this receiver',
      [makeLink('se', { routing: { allowedPrefix: ['46'] } }), makeLink('no', { routing: { allowedPrefix: ['47'] } })],
      undefined,
      RX,
      ['se'],
      [],
    ],
    // §4.1: a link's own smsc-id attracts nothing; smsc=X may use any link that does not exclude it
    ['smsc-id alone attracts nothing', [makeLink('x', { smscId: 'X' }), makeLink('y', { smscId: 'Y' })], 'X', RX, ['x', 'y'], []],
    // §4.1: a message without smsc-id never uses a link with allowed-smsc-id
    [
      'no smsc-id: allowed-smsc-id links are out',
      [makeLink('pinned', { routing: { allowedSmscId: ['X'] } }), makeLink('open')],
      undefined,
      RX,
      ['open'],
      [],
    ],
    [
      'with the smsc-id: the pinned link may carry it',
      [makeLink('pinned', { routing: { allowedSmscId: ['X'] } }), makeLink('open')],
      'X',
      RX,
      ['open', 'pinned'],
      [],
    ],
    // receive-only links (port 0) carry no MT, whatever their routing keys say
    [
      'a receive-only link is never in a route',
      [makeLink('rx', { port: 0, receivePort: 2776, routing: { preferredSmscId: ['X'] } }), makeLink('tx')],
      'X',
      RX,
      ['tx'],
      [],
    ],
    ['a transceiver link carries MT', [makeLink('trx', { transceiver: true })], undefined, RX, ['trx'], []],
    ['a link with port and receive-port carries MT', [makeLink('both', { receivePort: 2776 })], undefined, RX, ['both'], []],
  ] as const)('%s', (_what, links, smscId, receiver, preferred, fallback) => {
    const r = send(computeRoute(links, smscId, receiver));
    expect(r.preferred).toEqual(preferred);
    expect(r.fallback).toEqual(fallback);
    expect(r.key).toBe(routeKey(preferred, fallback));
  });

  it.each([
    ['no links at all', [], undefined, `no link may carry a message to ${RX}`],
    ['only a receive-only link', [makeLink('rx', { port: 0, receivePort: 2776 })], undefined, `no link may carry a message to ${RX}`],
    [
      'every link pinned to another smsc-id',
      [makeLink('a', { routing: { allowedSmscId: ['A'] } })],
      'B',
      `no link may carry smsc-id "B" to ${RX}`,
    ],
    [
      'every link pinned, and no smsc-id',
      [makeLink('a', { routing: { allowedSmscId: ['A'] } })],
      undefined,
      `no link may carry a message to ${RX}`,
    ],
    [
      'every link denies the smsc-id',
      [makeLink('a', { routing: { deniedSmscId: ['B'] } }), makeLink('b', { routing: { deniedSmscId: ['B'] } })],
      'B',
      `no link may carry smsc-id "B" to ${RX}`,
    ],
    [
      'no link allows the receiver prefix',
      [makeLink('a', { routing: { allowedPrefix: ['1'] } })],
      undefined,
      `no link may carry a message to ${RX}`,
    ],
  ] as const)('not routable (Kannel: "Not routable. Do not try again."): %s', (_what, links, smscId, reason) => {
    expect(computeRoute(links, smscId, RX)).toEqual({ kind: 'reject', reason });
  });
});

describe('route keys', () => {
  const links: Link[] = [
    makeLink('a', { routing: { preferredSmscId: ['X'] } }),
    makeLink('b'),
    makeLink('c', { routing: { preferredSmscId: ['X'] } }),
    makeLink('d', { routing: { deniedSmscId: ['X'] } }),
  ];

  it('do not depend on the order of the configured links', () => {
    const keys = new Set(permutations(links).map((order) => send(computeRoute(order, 'X', RX)).key));
    expect(keys.size).toBe(1);
    expect(send(computeRoute(links, 'X', RX))).toEqual({ key: routeKey(['a', 'c'], ['b']), preferred: ['a', 'c'], fallback: ['b'] });
  });

  it('are the same for every message with the same tiers, whatever the receiver', () => {
    expect(send(computeRoute(links, 'X', '1')).key).toBe(send(computeRoute(links, 'X', '46700000002')).key);
  });

  it('are 16 hex digits and differ when a tier differs', () => {
    const k = [routeKey(['a'], ['b']), routeKey(['a', 'b'], []), routeKey(['b'], ['a']), routeKey(['a'], []), routeKey([], ['a'])];
    for (const key of k) expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(k).size).toBe(k.length);
  });

  it('an id containing a comma cannot collide with two ids', () => {
    expect(routeKey(['a,b'], [])).not.toBe(routeKey(['a', 'b'], []));
  });

  it('makeRoute sorts both tiers and does not touch its arguments', () => {
    const p = ['z', 'a'];
    const f = ['y', 'b'];
    expect(makeRoute(p, f)).toEqual({ key: routeKey(['a', 'z'], ['b', 'y']), preferred: ['a', 'z'], fallback: ['b', 'y'] });
    expect(makeRoute(['a', 'z'], ['y', 'b']).key).toBe(makeRoute(p, f).key);
    expect(p).toEqual(['z', 'a']);
    expect(f).toEqual(['y', 'b']);
  });

  it.each([
    [['a'], [], 'a'],
    [['a', 'b'], [], 'a, b'],
    [['a'], ['b', 'c'], 'a (fallback b, c)'],
  ] as const)('describeRoute(%j, %j) = %j', (preferred, fallback, text) => {
    expect(describeRoute({ preferred, fallback })).toBe(text);
  });
});

describe('the setups of the issue, from configuration to route', () => {
  const creds = { host: '127.0.0.1', 'smsc-username': 'u', 'smsc-password': 'p' };

  it('active-active: two links with smsc-id smpp_carrier_gw, account default-smsc and forced-smsc = that id → both preferred, equal', () => {
    const config = validateConfig(
      {
        links: [
          { ...creds, port: 2775, 'smsc-id': 'smpp_carrier_gw' },
          { ...creds, port: 2776, 'smsc-id': 'smpp_carrier_gw' },
        ],
        accounts: [{ username: 'app', password: 'pw', 'default-smsc': 'smpp_carrier_gw', 'forced-smsc': 'smpp_carrier_gw' }],
      },
      { file: 'aa.yaml' },
    );
    const account = config.accounts[0]!;
    expect(config.links.map((l) => [l.id, l.smscId])).toEqual([
      ['smpp_carrier_gw#1', 'smpp_carrier_gw'],
      ['smpp_carrier_gw#2', 'smpp_carrier_gw'],
    ]);
    for (const requested of [undefined, 'smpp_carrier_gw', 'something_else']) {
      const smscId = resolveSmscId(account, requested);
      expect(smscId).toBe('smpp_carrier_gw');
      const r = send(computeRoute(config.links, smscId, RX));
      expect(r.preferred).toEqual(['smpp_carrier_gw#1', 'smpp_carrier_gw#2']);
      expect(r.fallback).toEqual([]);
    }
    // reversing the links in the file does not make another queue
    expect(send(computeRoute([...config.links].reverse(), 'smpp_carrier_gw', RX)).key).toBe(
      send(computeRoute(config.links, 'smpp_carrier_gw', RX)).key,
    );
  });

  it('active-active with allowed-smsc-id on both links: the same single tier', () => {
    const links = [
      makeLink('gw#1', { smscId: 'smpp_carrier_gw', routing: { allowedSmscId: ['smpp_carrier_gw'] } }),
      makeLink('gw#2', { smscId: 'smpp_carrier_gw', routing: { allowedSmscId: ['smpp_carrier_gw'] } }),
    ];
    expect(send(computeRoute(links, 'smpp_carrier_gw', RX))).toMatchObject({ preferred: ['gw#1', 'gw#2'], fallback: [] });
    expect(computeRoute(links, undefined, RX).kind).toBe('reject');
  });

  describe('active-passive: reliable preferred, backup fallback', () => {
    const reliable = makeLink('reliable_smpp_gw', {
      smscId: 'reliable_smpp_gw',
      routing: { allowedSmscId: ['reliable_smpp_gw'], preferredSmscId: ['reliable_smpp_gw'] },
    });
    const backup = makeLink('unreliable_smpp_gw', {
      smscId: 'unreliable_smpp_gw',
      routing: { allowedSmscId: ['unreliable_smpp_gw', 'reliable_smpp_gw'], preferredSmscId: ['unreliable_smpp_gw'] },
    });
    const account = makeAccount({ defaultSmsc: 'reliable_smpp_gw', forcedSmsc: 'reliable_smpp_gw' });

    it.each([[undefined], ['reliable_smpp_gw'], ['unreliable_smpp_gw'], ['nonsense']])(
      'requested smsc %j: forced-smsc makes it route preferred [reliable], fallback [backup]',
      (requested) => {
        const smscId = resolveSmscId(account, requested);
        for (const links of [
          [reliable, backup],
          [backup, reliable],
        ]) {
          expect(send(computeRoute(links, smscId, RX))).toMatchObject({
            preferred: ['reliable_smpp_gw'],
            fallback: ['unreliable_smpp_gw'],
          });
        }
      },
    );

    it('without forced-smsc, smsc=unreliable_smpp_gw goes to the backup alone (the reliable link does not allow it)', () => {
      const open = makeAccount({ defaultSmsc: 'reliable_smpp_gw' });
      expect(send(computeRoute([reliable, backup], resolveSmscId(open, 'unreliable_smpp_gw'), RX))).toMatchObject({
        preferred: ['unreliable_smpp_gw'],
        fallback: [],
      });
      expect(send(computeRoute([reliable, backup], resolveSmscId(open, undefined), RX))).toMatchObject({
        preferred: ['reliable_smpp_gw'],
        fallback: ['unreliable_smpp_gw'],
      });
      expect(computeRoute([reliable, backup], resolveSmscId(open, 'other'), RX).kind).toBe('reject');
    });

    it('the same setup loaded from configuration gives the same route', () => {
      const config = validateConfig(
        {
          links: [
            {
              ...creds,
              port: 2775,
              'smsc-id': 'reliable_smpp_gw',
              'allowed-smsc-id': 'reliable_smpp_gw',
              'preferred-smsc-id': 'reliable_smpp_gw',
            },
            {
              ...creds,
              port: 2776,
              'smsc-id': 'unreliable_smpp_gw',
              'allowed-smsc-id': 'unreliable_smpp_gw;reliable_smpp_gw',
              'preferred-smsc-id': 'unreliable_smpp_gw',
            },
          ],
          accounts: [{ username: 'app', password: 'pw', 'default-smsc': 'reliable_smpp_gw', 'forced-smsc': 'reliable_smpp_gw' }],
        },
        { file: 'ap.yaml' },
      );
      const smscId = resolveSmscId(config.accounts[0]!, undefined);
      expect(send(computeRoute(config.links, smscId, RX))).toMatchObject({
        preferred: ['reliable_smpp_gw'],
        fallback: ['unreliable_smpp_gw'],
      });
    });
  });
});

describe('preferSmscId (an answer goes back through the SMSC its MO came from)', () => {
  const links = new Map([
    ['A1', { smscId: 'opA' }],
    ['A2', { smscId: 'opA' }],
    ['B', { smscId: 'opB' }],
    ['C', { smscId: 'opC' }],
  ]);

  it('puts the links of that smsc-id first and every other link of the route behind them', () => {
    expect(preferSmscId(makeRoute(['B', 'A1'], ['C']), links, 'opA')).toMatchObject({ preferred: ['A1'], fallback: ['B', 'C'] });
    expect(preferSmscId(makeRoute(['A2', 'B', 'A1'], []), links, 'opA')).toMatchObject({ preferred: ['A1', 'A2'], fallback: ['B'] });
  });

  it('leaves a route without such a link as it is', () => {
    const route = makeRoute(['B'], ['C']);
    expect(preferSmscId(route, links, 'opA')).toBe(route);
  });
});
