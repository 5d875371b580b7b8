/**
 * Kannel's sendsms parameters (smsbox.c smsbox_req_sendsms / smsbox_req_handle), reference/kannel.md §1.1–1.3:
 * names and aliases, range checks with Kannel's exact replies, receivers split on spaces, udh checks.
 */
import { describe, it, expect } from 'vitest';
import { KannelReplies, type KannelReply } from '../../../src/http/kannel-replies.js';
import {
  KANNEL_HEADER_PARAMS,
  readCredentials,
  readSendsmsParams,
  splitReceivers,
  type ParamLookup,
  type SendsmsParams,
} from '../../../src/http/sendsms-params.js';

type Input = Record<string, string | Buffer>;

function lookup(input: Input): ParamLookup {
  return (name) => {
    const v = input[name];
    return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
  };
}

function ok(input: Input, max = 100): SendsmsParams {
  const r = readSendsmsParams(lookup({ to: '46700000001', ...input }), max);
  if (!r.ok) throw new Error(`expected params, got ${r.reply.status} ${r.reply.body}`);
  return r.params;
}

function reply(input: Input, max = 100): KannelReply {
  const r = readSendsmsParams(lookup(input), max);
  if (r.ok) throw new Error('expected a reply');
  return r.reply;
}

const misformed = (field: string): KannelReply => ({ status: 400, body: `${field} field misformed, rejected` });

describe('readCredentials: username/user, password/pass (default_authorise_user)', () => {
  it.each([
    [{ username: 'a', password: 'b' }, 'a', 'b'],
    [{ user: 'a', pass: 'b' }, 'a', 'b'],
    [{ username: 'a', user: 'x', password: 'b', pass: 'y' }, 'a', 'b'],
    [{ user: 'a', password: 'b' }, 'a', 'b'],
    [{}, undefined, undefined],
    [{ username: '', password: '' }, '', ''],
    [{ username: 'ünï', password: 'pä$$' }, 'ünï', 'pä$$'],
  ] as const)('%j → %j / %j', (input, username, password) => {
    expect(readCredentials(lookup(input))).toEqual({ username, password });
  });
});

describe('receivers', () => {
  it.each([
    // octstr_split_words: any run of blanks separates receivers
    ['46700000001', ['46700000001']],
    ['46700000001 46700000002', ['46700000001', '46700000002']],
    ['  46700000001   46700000002  ', ['46700000001', '46700000002']],
    ['46700000001\t46700000002\n46700000003', ['46700000001', '46700000002', '46700000003']],
    ['+46700000001 +46700000002', ['+46700000001', '+46700000002']],
    ['', []],
    ['   ', []],
  ])('splitReceivers(%j) = %j', (to, expected) => {
    expect(splitReceivers(to)).toEqual(expected);
  });

  it.each([
    ['no to', {}, KannelReplies.missingReceiver],
    ['to=', { to: '' }, KannelReplies.emptyReceiver],
    ['to of blanks only', { to: '   ' }, KannelReplies.emptyReceiver],
    ['more receivers than max-recipients', { to: '1 2 3 4' }, KannelReplies.tooManyReceivers],
  ])('%s', (_what, input, expected) => {
    expect(reply(input, 3)).toEqual(expected);
  });

  it('exactly max-recipients receivers are fine, in order', () => {
    expect(ok({ to: '1 2 3' }, 3).to).toEqual(['1', '2', '3']);
  });

  it("the replies are Kannel's", () => {
    expect(KannelReplies.missingReceiver).toEqual({ status: 400, body: 'Missing receiver number, rejected' });
    expect(KannelReplies.emptyReceiver).toEqual({ status: 400, body: 'Empty receiver number not allowed, rejected' });
  });
});

describe('udh (smsbox_req_handle: first octet = length - 1, at most 140 octets)', () => {
  it.each([
    ['a concatenation header', '050003cc0201', '050003cc0201'],
    ['a port header', '06050415811581', '06050415811581'],
    ['the smallest: UDHL 0', '00', '00'],
    ['the largest: 140 octets', `8b${'00'.repeat(139)}`, `8b${'00'.repeat(139)}`],
  ])('%s is kept as bytes', (_what, udhHex, expected) => {
    expect(ok({ udh: Buffer.from(udhHex, 'hex') }).udh?.toString('hex')).toBe(expected);
  });

  it.each([
    ['first octet too large', '060003cc0201', KannelReplies.udhMisformed],
    ['first octet too small', '040003cc0201', KannelReplies.udhMisformed],
    ['first octet 0 with more octets', '0000', KannelReplies.udhMisformed],
    ['141 octets', `8c${'00'.repeat(140)}`, KannelReplies.udhTooLong],
    ['200 octets', `c7${'00'.repeat(199)}`, KannelReplies.udhTooLong],
  ])('%s', (_what, udhHex, expected) => {
    expect(reply({ to: '1', udh: Buffer.from(udhHex, 'hex') })).toEqual(expected);
  });

  it('an empty udh is no udh', () => {
    expect(ok({ udh: '' }).udh).toBeUndefined();
  });

  it("the replies are Kannel's", () => {
    expect(KannelReplies.udhMisformed).toEqual({ status: 400, body: 'UDH field misformed, rejected' });
    expect(KannelReplies.udhTooLong).toEqual({ status: 400, body: 'UDH field is too long, rejected' });
  });
});

/** [param name, Kannel's field spelling in the reply, min, max, the SendsmsParams field] */
const NUMERIC: ReadonlyArray<readonly [string, string, number, number, keyof SendsmsParams]> = [
  ['coding', 'Coding', 0, 2, 'coding'],
  ['mclass', 'MClass', 0, 3, 'mclass'],
  ['mwi', 'MWI', 0, 7, 'mwi'],
  ['compress', 'Compress', 0, 1, 'compress'],
  ['alt-dcs', 'Alt-DCS', 0, 1, 'altDcs'],
  ['validity', 'Validity', 0, 1_000_000_000, 'validity'],
  ['deferred', 'Deferred', 0, 1_000_000_000, 'deferred'],
  ['dlr-mask', 'DLR-Mask', 0, 66, 'dlrMask'],
  ['pid', 'PID', 0, 255, 'pid'],
  ['rpi', 'RPI', 0, 2, 'rpi'],
  ['priority', 'Priority', 0, 3, 'priority'],
];

const asValue = (field: keyof SendsmsParams, n: number): unknown => (field === 'compress' || field === 'altDcs' ? n === 1 : n);

describe('numeric fields: Kannel\'s ranges and "<Field> field misformed, rejected"', () => {
  describe.each(NUMERIC)('%s (%s, %d..%d)', (name, field, min, max, key) => {
    it.each([
      [String(min), min],
      [String(max), max],
      [`+${max}`, max],
      [` ${min} `, min],
    ])('%j is accepted', (written, n) => {
      expect(ok({ [name]: written })[key]).toBe(asValue(key, n));
    });

    // SMS_PARAM_UNDEFINED: smsbox's checks are `x < -1 || x > max`, so -1 passes and means "not given"
    it('-1 is accepted as "not given" (Kannel SMS_PARAM_UNDEFINED)', () => {
      expect(ok({ [name]: '-1' })[key]).toBeUndefined();
    });

    it('absent or empty is undefined', () => {
      expect(ok({})[key]).toBeUndefined();
      expect(ok({ [name]: '' })[key]).toBeUndefined();
    });

    it.each([[String(max + 1)], ['-2'], [String(min - 2)], ['x'], ['1.5'], ['0x1'], ['1e2'], ['2 3'], ['--1']])(
      '%j is refused',
      (written) => {
        expect(reply({ to: '1', [name]: written })).toEqual(misformed(field));
      },
    );
  });

  it.each([
    // the deprecated spellings (smsbox_req_sendsms: dlrmask, dlrurl; flash for mclass)
    [{ dlrmask: '31' }, 'dlrMask', 31],
    [{ 'dlr-mask': '7', dlrmask: '31' }, 'dlrMask', 7],
    [{ flash: '1' }, 'mclass', 1],
    [{ mclass: '2', flash: '1' }, 'mclass', 2],
    [{ dlrurl: 'http://x/dlr' }, 'dlrUrl', 'http://x/dlr'],
    [{ 'dlr-url': 'http://a/', dlrurl: 'http://b/' }, 'dlrUrl', 'http://a/'],
  ] as const)('alias %j → %s = %j', (input, key, value) => {
    expect(ok(input)[key]).toBe(value);
  });

  it.each([
    [{ dlrmask: '67' }, 'DLR-Mask'],
    [{ flash: '4' }, 'MClass'],
    [{ dlrurl: 'mailto:x' }, 'DLR-URL'],
  ] as const)('aliases are range-checked too: %j', (input, field) => {
    expect(reply({ to: '1', ...input })).toEqual(misformed(field));
  });

  it.each([
    [{ compress: '1' }, 'compress', true],
    [{ compress: '0' }, 'compress', false],
    [{ 'alt-dcs': '1' }, 'altDcs', true],
    [{ 'alt-dcs': '0' }, 'altDcs', false],
  ] as const)('%j → %s %s', (input, key, value) => {
    expect(ok(input)[key]).toBe(value);
  });
});

describe('dlr-url and account', () => {
  it.each([
    ['http://example.com/dlr?type=%d', 'http://example.com/dlr?type=%d'],
    ['https://example.com/dlr', 'https://example.com/dlr'],
    ['HTTP://EXAMPLE.COM/', 'HTTP://EXAMPLE.COM/'],
    ['', undefined],
  ])('dlr-url %j is accepted', (url, expected) => {
    expect(ok({ 'dlr-url': url }).dlrUrl).toBe(expected);
  });

  it.each(['ftp://example.com/', 'example.com/dlr', 'http:/x', ' http://x', 'javascript:alert(1)'])(
    'dlr-url %j is "DLR-URL field misformed"',
    (url) => {
      expect(reply({ to: '1', 'dlr-url': url })).toEqual(misformed('DLR-URL'));
    },
  );

  it.each([
    ['billing-42', 'billing-42'],
    ['a'.repeat(64), 'a'.repeat(64)],
    ['', undefined],
  ])('account %j is accepted', (account, expected) => {
    expect(ok({ account }).account).toBe(expected);
  });

  // ACCOUNT_MAX_LEN is 64 octets, and []\n\r are refused, with smsbox's own wording
  it.each([
    ['65 characters', 'a'.repeat(65)],
    ['33 two-octet characters (66 octets)', 'é'.repeat(33)],
    ['a [', 'acct[1'],
    ['a ]', 'acct]'],
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
  ])('account with %s is "Account field misformed or too long, rejected"', (_what, account) => {
    expect(reply({ to: '1', account })).toEqual({ status: 400, body: 'Account field misformed or too long, rejected' });
  });
});

describe('the other parameters', () => {
  it('carries text as raw bytes, and strings as they came', () => {
    const p = ok({
      from: '4711',
      to: '46700000001 46700000002',
      text: Buffer.from([0xe9, 0x74, 0xe9]),
      charset: 'ISO-8859-1',
      smsc: 'carrier',
      binfo: 'b1',
      'meta-data': '?smpp?a=1',
    });
    expect(p).toMatchObject({
      from: '4711',
      to: ['46700000001', '46700000002'],
      charset: 'ISO-8859-1',
      smsc: 'carrier',
      binfo: 'b1',
      metaData: '?smpp?a=1',
    });
    expect(p.text.toString('hex')).toBe('e974e9');
  });

  it('no text is an empty text (Kannel allows it)', () => {
    expect(ok({}).text.length).toBe(0);
  });

  it('empty strings are "not given"', () => {
    const p = ok({ from: '', charset: '', smsc: '', binfo: '', 'meta-data': '' });
    expect([p.from, p.charset, p.smsc, p.binfo, p.metaData]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('with only "to", every optional field is undefined', () => {
    const p = ok({});
    for (const [k, v] of Object.entries(p)) if (k !== 'to' && k !== 'text') expect(v, k).toBeUndefined();
  });
});

describe('KANNEL_HEADER_PARAMS: the X-Kannel-* headers of smsbox_sendsms_post (§1.2)', () => {
  it('maps every header Kannel reads to its parameter', () => {
    const headers = [
      'Username',
      'Password',
      'From',
      'To',
      'UDH',
      'SMSC',
      'MClass',
      'MWI',
      'Compress',
      'Coding',
      'Validity',
      'Deferred',
      'DLR-Mask',
      'DLR-URL',
      'Account',
      'PID',
      'Alt-DCS',
      'RPI',
      'BInfo',
      'Priority',
      'Meta-Data',
    ];
    expect(Object.keys(KANNEL_HEADER_PARAMS).sort()).toEqual(headers.map((h) => `x-kannel-${h.toLowerCase()}`).sort());
    for (const h of headers) expect(KANNEL_HEADER_PARAMS[`x-kannel-${h.toLowerCase()}`]).toBe(h.toLowerCase());
  });
});

describe('SMPP 3.4 field sizes, and receivers that are no number', () => {
  it('takes source_addr and destination_addr of 20 octets, refuses 21', () => {
    expect(ok({ from: 'A'.repeat(20), to: '1'.repeat(20) })).toMatchObject({ from: 'A'.repeat(20), to: ['1'.repeat(20)] });
    expect(reply({ to: '46700000001', from: 'A'.repeat(21) })).toEqual(misformed('From'));
    // octets, not characters: ten two-octet characters and one more
    expect(reply({ to: '46700000001', from: `${'é'.repeat(10)}x` })).toEqual(misformed('From'));
    expect(reply({ to: '1'.repeat(21) })).toEqual(misformed('To'));
    expect(reply({ to: `46700000001 ${'2'.repeat(50)}` })).toEqual(misformed('To'));
  });

  it('takes a service_type (binfo) of 5 octets, refuses 6', () => {
    expect(ok({ binfo: 'ABCDE' }).binfo).toBe('ABCDE');
    expect(reply({ to: '46700000001', binfo: 'ABCDEF' })).toEqual(misformed('Binfo'));
    expect(reply({ to: '46700000001', binfo: 'x'.repeat(100) })).toEqual(misformed('Binfo'));
  });

  it.each([['+'], ['-----'], ['+ -'], ['46700000001 +']])('a receiver with no digit (%j) is an empty receiver', (to) => {
    expect(reply({ to })).toEqual(KannelReplies.emptyReceiver);
  });

  it('still takes receivers written with + and -', () => {
    expect(ok({ to: '+46-70-0000001' }).to).toEqual(['+46-70-0000001']);
  });
});
