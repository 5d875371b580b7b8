/**
 * Kannel's status page from a GatewayStatus: the mapping (states, queued, failed, names) and the four forms. The
 * XML is read the way status exporters read it (kannel_exporter parses it with xmltodict and indexes these paths).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  kannelBindStatus,
  kannelStatus,
  kannelUptime,
  queuedByLink,
  smscName,
  statusHtml,
  statusJson,
  statusText,
  statusXml,
} from '../../../src/admin/kannel-status.js';
import { makeLink } from '../domain-builders.js';
import { makeBind, makeLinkView, makeRoute, makeStatus, NOW } from './admin-fixtures.js';

const counters = {
  submitted: 20,
  accepted: 15,
  refused: 2,
  throttled: 4,
  unanswered: 1,
  receipts: { delivered: 25, undeliverable: 5 },
  mo: 7,
};

/** Two links: `a` with a transmitter and a receiver bind, `b` down; one route drained by both, one by `a`. */
function sample() {
  return makeStatus({
    links: [
      makeLinkView('a', {
        binds: [
          makeBind('a/tx1', { counters, throughput: { limit: 0, actual: 1.5 } }),
          makeBind('a/rx1', { counters: { ...counters, accepted: 0, mo: 3 } }),
        ],
      }),
      makeLinkView('b', {
        smscId: 'bee',
        host: 'b.example',
        binds: [makeBind('b/trx1', { smscId: 'bee', state: 'down', reason: 'connection refused' })],
      }),
    ],
    routes: [
      makeRoute('r1', { queued: 5, preferred: ['a', 'b'], drainingLinks: ['a', 'b'] }),
      makeRoute('r2', { queued: 2, preferred: ['a'], drainingLinks: ['a'] }),
    ],
  });
}

const identities = [
  makeLink('a', { systemId: 'user1', systemType: 'VMA', port: 2775, receivePort: 2776 }),
  makeLink('b', { systemId: 'user2', systemType: '', port: 2775, transceiver: true }),
];

describe('kannelBindStatus', () => {
  it.each([
    ['bound', 'running', 'online 178s'],
    ['unhealthy', 'running', 'online 178s'],
    ['connecting', 'running', 'connecting'],
    ['binding', 'running', 'connecting'],
    ['down', 'running', 're-connecting'],
    ['stopped', 'running', 'dead'],
    ['unbinding', 'running', 'disconnected'],
    ['idle', 'running', 'disconnected'],
    ['unowned', 'running', 'disconnected'],
    ['bound', 'stopped', 'dead'],
    ['down', 'draining', 're-connecting'],
    ['something-new', 'running', 'unknown'],
  ] as const)('%s (link %s) → %s', (state, admin, expected) => {
    expect(kannelBindStatus(state, admin, NOW - 178_400, NOW)).toBe(expected);
  });

  it('never prints a negative online time (clocks of two nodes)', () => {
    expect(kannelBindStatus('bound', 'running', NOW + 5000, NOW)).toBe('online 0s');
  });
});

describe('kannelUptime', () => {
  it.each([
    [0, '0d 0h 0m 0s'],
    [3782, '0d 1h 3m 2s'],
    [2 * 86400 + 23 * 3600 + 59 * 60 + 59, '2d 23h 59m 59s'],
  ])('%i s → %s', (s, expected) => {
    expect(kannelUptime(s)).toBe(expected);
  });
});

describe('queuedByLink', () => {
  it('shares a route among the links draining it, the remainder to the first ones, so that the sum is the total', () => {
    const q = queuedByLink([
      makeRoute('r1', { queued: 7, drainingLinks: ['c', 'a', 'b'] }),
      makeRoute('r2', { queued: 4, drainingLinks: ['a'] }),
    ]);
    expect(Object.fromEntries(q)).toEqual({ a: 3 + 4, b: 2, c: 2 });
  });

  it('counts nothing for a route no link may drain, or an empty one', () => {
    expect(queuedByLink([makeRoute('r', { queued: 9 }), makeRoute('s', { queued: 0, drainingLinks: ['a'] })]).size).toBe(0);
  });
});

describe('smscName', () => {
  const view = makeLinkView('a', { host: 'smsc.example' });
  it.each([
    ['a/tx1', makeLink('a', { port: 2775, receivePort: 2776, systemId: 'u', systemType: 'VMA' }), 'SMPP:smsc.example:2775/0:u:VMA'],
    ['a/rx1', makeLink('a', { port: 2775, receivePort: 2776, systemId: 'u', systemType: 'VMA' }), 'SMPP:smsc.example:0/2776:u:VMA'],
    ['a/trx1', makeLink('a', { port: 2775, transceiver: true, systemId: 'u', systemType: '' }), 'SMPP:smsc.example:2775/2775:u:'],
    ['', makeLink('a', { port: 2775, transceiver: true, systemId: 'u', systemType: '' }), 'SMPP:smsc.example:2775/2775:u:'],
    ['', makeLink('a', { port: 2775, receivePort: 2776, systemId: 'u', systemType: '' }), 'SMPP:smsc.example:2775/2776:u:'],
  ])('%s → %s', (bind, identity, expected) => {
    expect(smscName(view, bind, identity)).toBe(expected);
  });

  it('falls back to host and port for a link missing from the configuration', () => {
    expect(smscName(view, 'a/tx1', undefined)).toBe('SMPP:smsc.example:2775');
  });
});

describe('kannelStatus', () => {
  const s = kannelStatus(sample(), NOW, identities);

  it("maps the gateway's figures to Kannel's", () => {
    expect(s).toMatchObject({
      version: '0.1.0',
      status: 'running',
      uptimeSeconds: 3782,
      sms: {
        received: { total: 10, queued: 0 },
        sent: { total: 30, queued: 3 },
        storeSize: 3,
        outboundPerSecond: 1.5,
        accepted: 40,
        forwarded: 9,
        failed: 2,
      },
      dlr: { received: 60, sent: 0, queued: 14, storage: 'redis', callbacksFailed: 1 },
    });
  });

  it('gives one line per bind: failed = refused + unanswered, the link’s queued share on its first transmitting bind', () => {
    expect(s.smscs.map((c) => [c.bind, c.id, c.adminId, c.status, c.failed, c.queued, c.sms.received, c.sms.sent, c.dlr.received])).toEqual(
      [
        ['a/tx1', 'a', 'a', 'online 178s', 3, 3 + 2, 7, 15, 30],
        ['a/rx1', 'a', 'a', 'online 178s', 3, 0, 3, 0, 30],
        ['b/trx1', 'bee', 'b', 're-connecting', 0, 2, 0, 0, 0],
      ],
    );
    expect(s.smscs.reduce((a, c) => a + c.queued, 0)).toBe(7);
    expect(s.smscs[2]!.reason).toBe('connection refused');
  });

  it('shows a link with no bind in view as one line: dead when stopped, disconnected otherwise', () => {
    const st = makeStatus({ links: [makeLinkView('x', { binds: [], admin: 'stopped' }), makeLinkView('y', { binds: [] })] });
    expect(kannelStatus(st, NOW).smscs.map((c) => [c.adminId, c.status, c.bind, c.state])).toEqual([
      ['x', 'dead', '', 'none'],
      ['y', 'disconnected', '', 'none'],
    ]);
  });

  it('says "going down" while shutting down, and names this node among the nodes', () => {
    const k = kannelStatus(makeStatus({ state: 'shutting-down', node: 'n2', nodes: ['n1'] }), NOW);
    expect(k.status).toBe('going down');
    expect(k.nodes).toEqual(['n2', 'n1']);
  });
});

describe('statusText', () => {
  it("writes Kannel's plain-text layout", () => {
    const text = statusText(kannelStatus(sample(), NOW, identities));
    expect(text).toBe(
      [
        "Kannel bearerbox version `0.1.0'.",
        'Switchboard 0.1.0, node node-a; gateway nodes sharing this Redis: node-a.',
        '',
        'Status: running, uptime 0d 1h 3m 2s',
        '',
        'WDP: received 0 (0 queued), sent 0 (0 queued)',
        '',
        'SMS: received 10 (0 queued), sent 30 (3 queued), store size 3',
        'SMS: inbound (0.00,0.00,0.00) msg/sec, outbound (1.50,0.00,0.00) msg/sec',
        '',
        'DLR: received 60, sent 0',
        'DLR: inbound (0.00,0.00,0.00) msg/sec, outbound (0.00,0.00,0.00) msg/sec',
        'DLR: 14 queued, using redis storage',
        '',
        'Box connections:',
        '    switchboard:node-a, (on-line 0d 1h 3m 2s)',
        '',
        '',
        'SMSC connections:',
        '    a[a]    SMPP:smsc.example:2775/0:user1:VMA (online 178s, rcvd: sms 7 (0.00,0.00,0.00) / dlr 30 (0.00,0.00,0.00), sent: sms 15 (1.50,0.00,0.00) / dlr 0 (0.00,0.00,0.00), failed 3, queued 5 msgs)',
        '    a[a]    SMPP:smsc.example:0/2776:user1:VMA (online 178s, rcvd: sms 3 (0.00,0.00,0.00) / dlr 30 (0.00,0.00,0.00), sent: sms 0 (0.00,0.00,0.00) / dlr 0 (0.00,0.00,0.00), failed 3, queued 0 msgs)',
        '    bee[b]    SMPP:b.example:2775/2775:user2: (re-connecting, rcvd: sms 0 (0.00,0.00,0.00) / dlr 0 (0.00,0.00,0.00), sent: sms 0 (0.00,0.00,0.00) / dlr 0 (0.00,0.00,0.00), failed 0, queued 2 msgs)',
        '',
        '',
        '',
      ].join('\n'),
    );
  });

  it('reads with the regular expression a Kannel status parser uses for SMPP lines', () => {
    const line = statusText(kannelStatus(sample(), NOW, identities))
      .split('\n')
      .find((l) => l.includes('bee['))!;
    const m =
      /^\s*(\S+)\s+SMPP:([^\s:]+):(\d+)\/(\d+):.*?(online|re-connecting).*?rcvd: sms (\d+).+sent: sms (\d+).+failed (\d+), queued (\d+) msgs/.exec(
        line,
      );
    expect(m?.slice(1)).toEqual(['bee[b]', 'b.example', '2775', '2775', 're-connecting', '0', '0', '0', '2']);
  });
});

describe('statusHtml', () => {
  const hostile = makeStatus({
    node: 'n<1>',
    links: [
      makeLinkView('<script>alert(1)</script>', {
        host: 'h"&',
        binds: [
          makeBind('<script>alert(1)</script>/tx1', { smscId: "<img src=x onerror='x'>", state: 'down', reason: '<b>refused</b> & gone' }),
        ],
      }),
    ],
  });

  it('escapes every piece of text that comes from the configuration or an SMSC', () => {
    const html = statusHtml(kannelStatus(hostile, NOW));
    expect(html).not.toMatch(/<script|<img|<b>refused/);
    expect(html).toContain('<b>&lt;img src=x onerror=&#39;x&#39;&gt;</b>[&lt;script&gt;alert(1)&lt;/script&gt;]');
    expect(html).toContain('SMPP:h&quot;&amp;:2775 (re-connecting,');
    expect(html).toContain('<i>&lt;b&gt;refused&lt;/b&gt; &amp; gone</i>');
    expect(html).toContain('switchboard:n&lt;1&gt;, (on-line 0d 1h 3m 2s)');
  });

  it("keeps Kannel's sections as paragraphs of one HTML page", () => {
    const html = statusHtml(kannelStatus(sample(), NOW, identities));
    expect(html.startsWith('<!DOCTYPE html>\n<html>\n')).toBe(true);
    expect(html).toContain('<p>Status: running, uptime 0d 1h 3m 2s</p>');
    expect(html).toContain(
      '<p>SMS: received 10 (0 queued), sent 30 (3 queued), store size 3<br>\nSMS: inbound (0.00,0.00,0.00) msg/sec, outbound (1.50,0.00,0.00) msg/sec</p>',
    );
    expect(html).toContain(
      '<p>SMSC connections:<br>\n&nbsp;&nbsp;&nbsp;&nbsp;<b>a</b>[a]&nbsp;&nbsp;&nbsp;&nbsp;SMPP:smsc.example:2775/0:user1:VMA (online 178s,',
    );
    expect(html).toContain('<i>connection refused</i><br>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });
});

/**
 * As kannel_exporter reads status.xml (xmltodict over expat): elements as keys, text as strings, repeated elements
 * as arrays, character references decoded (fast-xml-parser decodes `&#39;` only with htmlEntities).
 */
const parser = new XMLParser({ parseTagValue: false, htmlEntities: true, isArray: (name) => name === 'smsc' || name === 'box' });

describe('statusXml', () => {
  it('carries the paths status exporters read, with link states and queue counts', () => {
    const xml = statusXml(kannelStatus(sample(), NOW, identities));
    expect(XMLValidator.validate(xml)).toBe(true);
    const g = parser.parse(xml).gateway;
    expect(g.version.split('\n')[0]).toBe("Kannel bearerbox version `0.1.0'.");
    expect(g.status).toBe('running, uptime 0d 1h 3m 2s');
    expect(g.sms.received).toEqual({ total: '10', queued: '0' });
    expect(g.sms.sent).toEqual({ total: '30', queued: '3' });
    expect(g.sms.storesize).toBe('3');
    expect(g.sms.inbound).toBe('0.00,0.00,0.00');
    expect(g.sms.outbound).toBe('1.50,0.00,0.00');
    expect(g.dlr).toMatchObject({ received: { total: '60' }, sent: { total: '0' }, queued: '14', storage: 'redis' });
    expect(g.wdp.received).toEqual({ total: '0', queued: '0' });
    expect(g.boxes.box[0]).toMatchObject({ type: 'switchboard', id: 'node-a', queue: '0', status: 'on-line 0d 1h 3m 2s', ssl: 'no' });
    expect(g.smscs.count).toBe('3');
    expect(
      g.smscs.smsc.map((c: Record<string, unknown>) => [c['name'], c['admin-id'], c['id'], c['status'], c['failed'], c['queued']]),
    ).toEqual([
      ['SMPP:smsc.example:2775/0:user1:VMA', 'a', 'a', 'online 178s', '3', '5'],
      ['SMPP:smsc.example:0/2776:user1:VMA', 'a', 'a', 'online 178s', '3', '0'],
      ['SMPP:b.example:2775/2775:user2:', 'b', 'bee', 're-connecting', '0', '2'],
    ]);
    expect(g.smscs.smsc[0].sms).toEqual({ received: '7', sent: '15', inbound: '0.00,0.00,0.00', outbound: '1.50,0.00,0.00' });
    expect(g.smscs.smsc[0].dlr).toEqual({ received: '30', sent: '0', inbound: '0.00,0.00,0.00', outbound: '0.00,0.00,0.00' });
  });

  it("keeps Kannel 1.4.5's element order and layout", () => {
    const xml = statusXml(kannelStatus(sample(), NOW, identities));
    expect(xml.startsWith('<?xml version="1.0"?>\n<gateway>\n<version>')).toBe(true);
    expect(xml).toContain(
      '<smscs><count>3</count>\n\t<smsc>\n\t\t<name>SMPP:smsc.example:2775/0:user1:VMA</name>\n\t\t<admin-id>a</admin-id>\n\t\t<id>a</id>\n\t\t<status>online 178s</status>\n\t\t<failed>3</failed>\n\t\t<queued>5</queued>\n\t\t<sms>\n',
    );
    expect(xml.endsWith('</smscs>\n</gateway>\n')).toBe(true);
  });

  it('stays well-formed, and gives the names back, with hostile link ids and control characters', () => {
    const st = makeStatus({
      links: [makeLinkView('<x>&"\'', { binds: [makeBind('<x>/tx1', { smscId: 'id\u0001</id>', reason: 'r\u0000' })] })],
    });
    const xml = statusXml(kannelStatus(st, NOW));
    expect(XMLValidator.validate(xml)).toBe(true);
    const c = parser.parse(xml).gateway.smscs.smsc[0];
    expect(c['admin-id']).toBe('<x>&"\'');
    expect(c.id).toBe('id\uFFFD</id>');
    expect(xml).not.toContain('\u0001');
  });

  it('writes an empty list of SMSCs with a count of 0', () => {
    const g = parser.parse(statusXml(kannelStatus(makeStatus(), NOW))).gateway;
    expect(g.smscs.count).toBe('0');
    expect(g.smscs.smsc).toBeUndefined();
  });
});

describe('statusJson', () => {
  it('is the same figures as plain JSON, with the bind states and reasons, without made-up load figures', () => {
    const j = JSON.parse(statusJson(kannelStatus(sample(), NOW, identities)));
    expect(j.status).toBe('running');
    expect(j.uptimeSeconds).toBe(3782);
    expect(j.sms.sent).toEqual({ total: 30, queued: 3 });
    expect(j.smscs[2]).toEqual({
      name: 'SMPP:b.example:2775/2775:user2:',
      adminId: 'b',
      id: 'bee',
      bind: 'b/trx1',
      status: 're-connecting',
      state: 'down',
      reason: 'connection refused',
      failed: 0,
      queued: 2,
      sms: { received: 0, sent: 0, outboundPerSecond: 0 },
      dlr: { received: 0, sent: 0 },
    });
    expect(JSON.stringify(j)).not.toContain('inbound');
  });
});
