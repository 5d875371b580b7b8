/** Kannel's store-status from the routes' first pages of queued messages: Kannel's columns and a summary per route. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  kannelCoding,
  storeStatusHtml,
  storeStatusJson,
  storeStatusText,
  storeStatusXml,
  storeTime,
  type StoreRoute,
} from '../../../src/admin/kannel-store-status.js';
import { makeMessage, makeRoute, NOW } from './admin-fixtures.js';

function sample(): StoreRoute[] {
  return [
    {
      route: makeRoute('r1', { queued: 3, failed: 1, preferred: ['a', 'b'], fallback: ['c'] }),
      page: {
        messages: [
          makeMessage('m1', { dlrMask: 31 }),
          makeMessage('m2', { account: 'shop', from: '4670', to: '4671', text: 'Hej & hå', dataCoding: 8, acceptedAt: NOW }),
        ],
        next: 'cursor-2',
      },
    },
    { route: makeRoute('r2', { preferred: ['c'] }), page: undefined },
  ];
}

describe('kannelCoding', () => {
  it.each([
    [0, 0],
    [1, 0],
    [3, 0],
    [8, 2],
    [4, 1],
    [2, 1],
    [0xf0, 0],
    [0xf4, 1],
    [0x18, 2],
    [0x14, 1],
  ])('data_coding %i → %i', (dc, expected) => {
    expect(kannelCoding(dc)).toBe(expected);
  });
});

describe('storeTime', () => {
  it('prints UTC as Kannel does', () => {
    expect(storeTime(NOW)).toBe('2026-01-02 03:04:05');
  });
});

describe('storeStatusText', () => {
  it("lists the messages in Kannel's columns, then the counts of every route", () => {
    expect(storeStatusText(sample())).toBe(
      [
        '[SMS ID] [Type] [Time] [Sender] [Receiver] [SMSC ID] [BOX ID] [Flags] [UDH] [Message]',
        '[m1] [MT-PUSH] [2026-01-02 03:03:05] [Shop] [46700000001] [a;b] [demo] [-1:0:-1:-1:31] [] [Hello%20world]',
        '[m2] [MT-PUSH] [2026-01-02 03:04:05] [4670] [4671] [a;b] [shop] [-1:2:-1:-1:-1] [] [Hej%20%26%20h%C3%A5]',
        '',
        'Store: 3 queued and 1 failed messages in 2 routes',
        '    route r1 (preferred a, b; fallback c): 3 queued (3 waiting, 0 active, 0 delayed), 1 failed, 2 listed, more not listed',
        '    route r2 (preferred c): 0 queued (0 waiting, 0 active, 0 delayed), 0 failed, 0 listed',
        '',
      ].join('\n'),
    );
  });

  it("keeps a client's line breaks from forging a line", () => {
    const text = storeStatusText([
      { route: makeRoute('r', { queued: 1 }), page: { messages: [makeMessage('m', { from: 'a\nb', account: 'x\r\n[evil]' })] } },
    ]);
    expect(text.split('\n')[1]).toBe(
      '[m] [MT-PUSH] [2026-01-02 03:03:05] [a?b] [46700000001] [] [x??[evil]] [-1:0:-1:-1:-1] [] [Hello%20world]',
    );
  });
});

describe('storeStatusHtml', () => {
  it('is an escaped table with the summary', () => {
    const routes: StoreRoute[] = [
      {
        route: makeRoute('r<1>', { queued: 1, preferred: ['<script>'] }),
        page: { messages: [makeMessage('m', { from: '<b>', account: '"q"' })] },
      },
    ];
    const html = storeStatusHtml(routes);
    expect(html).not.toMatch(/<script|<b>/);
    expect(html).toContain('<table border=1>\n<tr><td>SMS ID</td><td>Type</td>');
    expect(html).toContain(
      '<tr><td>m</td><td>MT-PUSH</td><td>2026-01-02 03:03:05</td><td>&lt;b&gt;</td><td>46700000001</td><td>&lt;script&gt;</td><td>&quot;q&quot;</td>',
    );
    expect(html).toContain('route r&lt;1&gt; (preferred &lt;script&gt;)');
  });
});

describe('storeStatusXml', () => {
  it("holds Kannel's <message> elements and a summary per route, well-formed", () => {
    const xml = storeStatusXml(sample());
    expect(XMLValidator.validate(xml)).toBe(true);
    const g = new XMLParser({ parseTagValue: false, htmlEntities: true, isArray: (n) => n === 'message' || n === 'route' }).parse(
      xml,
    ).gateway;
    expect(g.message).toHaveLength(2);
    expect(g.message[1]).toMatchObject({
      id: 'm2',
      type: 'MT-PUSH',
      time: '2026-01-02 03:04:05',
      sender: '4670',
      receiver: '4671',
      'smsc-id': 'a;b',
      'box-id': 'shop',
      flags: '-1:2:-1:-1:-1',
      'msg-data': 'Hej%20%26%20h%C3%A5',
    });
    expect(g.routes.route.map((r: Record<string, string>) => [r['key'], r['queued'], r['failed'], r['listed']])).toEqual([
      ['r1', '3', '1', '2'],
      ['r2', '0', '0', '0'],
    ]);
  });
});

describe('storeStatusJson', () => {
  it('gives the counts and the messages as peek returns them, per route', () => {
    const j = JSON.parse(storeStatusJson(sample()));
    expect(j.queued).toBe(3);
    expect(j.failed).toBe(1);
    expect(j.routes[0]).toMatchObject({
      key: 'r1',
      preferred: ['a', 'b'],
      fallback: ['c'],
      next: 'cursor-2',
      counts: { queued: 3, failed: 1 },
    });
    expect(j.routes[0].messages[1]).toMatchObject({ id: 'm2', text: 'Hej & hå', dataCoding: 8, state: 'waiting' });
    expect(j.routes[1].messages).toEqual([]);
    expect(j.routes[1].next).toBeUndefined();
  });
});
