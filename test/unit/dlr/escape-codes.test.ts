import { describe, it, expect } from 'vitest';
import { fillEscapeCodes, kannelUrlEncode, packMetaData, type EscapeContext } from '../../../src/dlr/escape-codes.js';
import { parseReceipt } from '../../../src/dlr/parse-receipt.js';
import { dlrTypeForState } from '../../../src/dlr/dlr-mask.js';

/**
 * The dlr-url of the bench run (/work/shared/bench/functional.sh) and the two request lines the real Kannel
 * 1.4.5 smsbox sent for it (/work/shared/bench/results/functional-dlr-callbacks.txt).
 */
const BENCH_DLR_URL = 'http://127.0.0.1:23099/dlr?d=%d&p=%p&P=%P&F=%F&i=%i&n=%n&t=%t&T=%T&I=%I&A=%A&o=%o&B=%B';
const KANNEL_DELIVERED =
  'http://127.0.0.1:23099/dlr?d=1&p=4670000110&P=4711&F=1795237954000008&i=SINK&n=bench&t=2026-11-21+05:12:36&T=1795237956&I=b0f36fec-5874-4ddf-964f-945ece37bc6c&A=id%3A1795237954000008+sub%3A001+dlvrd%3A001+submit+date%3A2611210512+done+date%3A2611210512+stat%3ADELIVRD+err%3A000+text%3Adlrtest&o=benchA&B=';
const KANNEL_ACK =
  'http://127.0.0.1:23099/dlr?d=8&p=4670000110&P=4711&F=1795237954000008&i=SINK&n=bench&t=2026-11-21+05:12:36&T=1795237956&I=7ff5f9ea-657c-4e92-9050-6a7eb9e45489&A=ACK%2F&o=&B=';

const RECEIPT_TEXT = 'id:1795237954000008 sub:001 dlvrd:001 submit date:2611210512 done date:2611210512 stat:DELIVRD err:000 text:dlrtest';

const common = {
  handsetAddress: '4670000110',
  serviceAddress: '4711',
  foreignId: '1795237954000008',
  smscId: 'SINK',
  service: 'bench',
  timeMs: 1_795_237_956_000,
} as const satisfies EscapeContext;

describe('fillEscapeCodes against real Kannel 1.4.5 callbacks', () => {
  it('reproduces the delivered DLR (type 1) built from the parsed receipt', () => {
    const parsed = parseReceipt({ esmClass: 0x04, shortMessageText: RECEIPT_TEXT });
    if (!parsed.ok) throw new Error(parsed.reason);
    const ctx: EscapeContext = {
      ...common,
      dlrType: dlrTypeForState(parsed.receipt.state),
      foreignId: parsed.receipt.smscMessageId,
      text: RECEIPT_TEXT,
      internalId: 'b0f36fec-5874-4ddf-964f-945ece37bc6c',
      account: 'benchA',
      ...(parsed.receipt.err !== undefined && { receiptErr: parsed.receipt.err }),
    };
    expect(fillEscapeCodes(BENCH_DLR_URL, ctx, { compat: 'kannel-1.4.5' })).toBe(KANNEL_DELIVERED);
    // As documented, %B of an SMPP DLR is the receipt's err; Kannel 1.4.5 leaves it empty.
    expect(fillEscapeCodes(BENCH_DLR_URL, ctx)).toBe(`${KANNEL_DELIVERED}000`);
  });

  it('reproduces the SMSC ACK DLR (type 8)', () => {
    const ctx: EscapeContext = {
      ...common,
      dlrType: 8,
      text: 'ACK/',
      internalId: '7ff5f9ea-657c-4e92-9050-6a7eb9e45489',
    };
    expect(fillEscapeCodes(BENCH_DLR_URL, ctx, { compat: 'kannel-1.4.5' })).toBe(KANNEL_ACK);
    expect(fillEscapeCodes(BENCH_DLR_URL, ctx)).toBe(KANNEL_ACK);
  });
});

describe('the filled URL on the wire', () => {
  it('survives WHATWG URL parsing byte for byte, so the %t plus reaches the server as a plus', () => {
    const url = new URL(KANNEL_DELIVERED);
    expect(url.href).toBe(KANNEL_DELIVERED);
    // The receiving server decodes the plus as a space, exactly as it did behind Kannel.
    expect(url.searchParams.get('t')).toBe('2026-11-21 05:12:36');
    expect(url.searchParams.get('A')).toBe(RECEIPT_TEXT);
  });
});

describe('kannelUrlEncode (octstr_url_encode)', () => {
  it.each([
    ['abcXYZ019', 'abcXYZ019'],
    ["-_.!~*'()", "-_.!~*'()"],
    ['a b', 'a+b'],
    ['+', '%2B'],
    [':/?&=#%', '%3A%2F%3F%26%3D%23%25'],
    ['é', '%C3%A9'],
    ['€', '%E2%82%AC'],
    ['\n', '%0A'],
  ])('%j → %j', (input, expected) => {
    expect(kannelUrlEncode(input)).toBe(expected);
  });

  it('encodes raw bytes, including NUL and 0xFF', () => {
    expect(kannelUrlEncode(new Uint8Array([0x00, 0xff, 0x20, 0x41]))).toBe('%00%FF+A');
  });

  it('does not throw on a lone surrogate', () => {
    expect(kannelUrlEncode('\uD800')).toBe('%EF%BF%BD');
  });
});

describe('fillEscapeCodes: each code', () => {
  const mo: EscapeContext = { text: 'FOO  bar*x  1+1 baz', handsetAddress: '0046701234567', serviceAddress: '4711' };

  it.each([
    ['%k', 'FOO'],
    ['%s|%s', 'bar*x|1%2B1'],
    ['%S', 'bar~x'],
    ['%s %r', 'bar*x 1%2B1+baz'],
    ['%r', 'bar*x+1%2B1+baz'],
    ['%a', 'FOO+bar*x+1%2B1+baz'],
    ['%b', 'FOO++bar*x++1%2B1+baz'],
    ['%e', '464F4F20206261722A782020312B312062617A'],
    ['%p', '0046701234567'],
    ['%q', '%2B46701234567'],
    ['%P', '4711'],
    ['%Q', '4711'],
    ['%s%s%s%s', 'bar*x1%2B1baz'],
  ])('%s', (template, expected) => {
    expect(fillEscapeCodes(template, mo)).toBe(expected);
  });

  it('splits words on any C whitespace', () => {
    expect(fillEscapeCodes('%a', { text: 'a\tb\r\nc\vd\fe' })).toBe('a+b+c+d+e');
  });

  it('formats %t in UTC with a literal plus and %T as epoch seconds', () => {
    const ctx: EscapeContext = { timeMs: Date.UTC(2024, 0, 2, 3, 4, 5, 999) };
    expect(fillEscapeCodes('%t|%T', ctx)).toBe('2024-01-02+03:04:05|1704164645');
  });

  it('prints the coding, charset, mclass, mwi, dcs and priority', () => {
    expect(fillEscapeCodes('%c %C %m %M %O %y', { coding: 2, mclass: 1, mwi: 0, dcs: 8, priority: 3 })).toBe('2 UTF-16BE 1 0 08 3');
    expect(fillEscapeCodes('%C', { coding: 1 })).toBe('8-BIT');
    expect(fillEscapeCodes('%C', {})).toBe('UTF-8');
    expect(fillEscapeCodes('%C', { coding: 0, charset: 'ISO-8859-1' })).toBe('ISO-8859-1');
  });

  it('prints the UDH URL-encoded and as upper-case hex', () => {
    const udh = new Uint8Array([0x05, 0x00, 0x03, 0xab, 0x02, 0x01]);
    expect(fillEscapeCodes('%u|%U', { udh })).toBe('%05%00%03%AB%02%01|050003AB0201');
  });

  it('URL-encodes the smsc-id, service, account, binfo, smsc number, dlr-url and smsbox-id', () => {
    const ctx: EscapeContext = {
      smscId: 'a b',
      service: 'x/y',
      account: 'acc&1',
      binfo: 'b=1',
      smscNumber: '+46',
      dlrUrl: 'http://h/?a=%d',
      smsboxId: 'box 1',
      foreignId: 'f:1',
    };
    expect(fillEscapeCodes('%i|%n|%o|%B|%f|%R|%x|%F', ctx)).toBe('a+b|x%2Fy|acc%261|b%3D1|%2B46|http%3A%2F%2Fh%2F%3Fa%3D%25d|box+1|f%3A1');
  });

  it('prints validity and deferral as whole minutes from now, truncated like C', () => {
    const nowMs = 1_700_000_000_000;
    const ctx: EscapeContext = { validityAtMs: nowMs + 90 * 60_000 + 59_000, deferredAtMs: nowMs - 90_000 };
    expect(fillEscapeCodes('%v|%V', ctx, { nowMs })).toBe('90|-1');
    expect(fillEscapeCodes('%v|%V', ctx)).toBe('|');
  });

  it('leaves every missing field empty', () => {
    const template = '%a%A%b%B%c%d%D%e%f%F%i%I%k%m%M%n%N%o%O%p%P%q%Q%r%R%s%S%t%T%u%U%v%V%x%y%#smpp#x#';
    expect(fillEscapeCodes(template, {})).toBe('');
  });
});

describe('fillEscapeCodes: meta-data', () => {
  const metaData = {
    smpp: { dlr_err: new Uint8Array([3, 0, 0x22]), my_param: 'a b' },
    orig_msg: { dlr_mask: '31' },
  } as const;

  it('fills %#group#key# URL-encoded, the binary dlr_err included', () => {
    expect(fillEscapeCodes('e=%#smpp#dlr_err#&p=%#smpp#my_param#&m=%#orig_msg#dlr_mask#', { metaData })).toBe('e=%03%00%22&p=a+b&m=31');
  });

  it('matches the group case-insensitively and the key exactly, as Kannel', () => {
    expect(fillEscapeCodes('%#SMPP#my_param#|%#smpp#MY_PARAM#', { metaData })).toBe('a+b|');
  });

  it('does not look keys up on the prototype', () => {
    expect(fillEscapeCodes('%#smpp#constructor#', { metaData })).toBe('');
  });

  it('packs %D as Kannel meta_data_pack and URL-encodes it once more', () => {
    expect(packMetaData(metaData)).toBe('?smpp?dlr_err=%03%00%22&my_param=a+b&?orig_msg?dlr_mask=31&');
    expect(fillEscapeCodes('%D', { metaData: { smpp: { dlr_err: new Uint8Array([3, 0, 0]) } } })).toBe(
      '%3Fsmpp%3Fdlr_err%3D%2503%2500%2500%26',
    );
  });

  it('consumes a malformed %# the way Kannel does', () => {
    // No closing '#': "%#" is dropped and the text goes on.
    expect(fillEscapeCodes('a%#bc', { metaData })).toBe('abc');
    // No third '#': Kannel's index arithmetic skips "%#smpp#" and three more characters.
    expect(fillEscapeCodes('a%#smpp#dlr_err', { metaData })).toBe('a_err');
  });
});

describe('fillEscapeCodes: the template itself', () => {
  it('keeps unknown codes, a trailing %, and turns %% into %', () => {
    expect(fillEscapeCodes('100%% %z %', {})).toBe('100% %z %');
  });

  it('copies template characters that are not codes verbatim, non-ASCII included', () => {
    expect(fillEscapeCodes('http://h/ä?x=%d', { dlrType: 2 })).toBe('http://h/ä?x=2');
  });

  it('fills %N with the DLR text as documented, and leaves it as Kannel 1.4.5 does in compat mode', () => {
    const dlr: EscapeContext = { dlrType: 16, text: 'NACK/0x0000000b/Invalid Destination Address' };
    expect(fillEscapeCodes('%N', dlr)).toBe('NACK%2F0x0000000b%2FInvalid+Destination+Address');
    expect(fillEscapeCodes('%N', dlr, { compat: 'kannel-1.4.5' })).toBe('%N');
    expect(fillEscapeCodes('%N', { text: 'an MO' })).toBe('');
  });

  it('uses binfo for %B before the receipt err, and the err only for DLRs', () => {
    expect(fillEscapeCodes('%B', { dlrType: 2, binfo: 'svc', receiptErr: '021' })).toBe('svc');
    expect(fillEscapeCodes('%B', { dlrType: 2, receiptErr: '021' })).toBe('021');
    expect(fillEscapeCodes('%B', { receiptErr: '021' })).toBe('');
  });
});
