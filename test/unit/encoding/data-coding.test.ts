import { describe, expect, it } from 'vitest';
import { dcsToAlphabet, fieldsToDcs, resolveCoding, type DcsFields, type DcsInfo } from '../../../src/encoding/data-coding.js';
import { encodeText } from '../../../src/encoding/encode-text.js';

/** A sendsms request as Kannel takes it; `text` is "hi" unless `empty`, and `udh` means udh=%05%00%03%01%02%01. */
interface KannelRequest {
  coding?: 0 | 1 | 2;
  mclass?: 0 | 1 | 2 | 3;
  mwi?: number;
  altDcs?: boolean;
  compress?: boolean;
  udh?: boolean;
  empty?: boolean;
}

/**
 * data_coding of the submit_sm Kannel 1.4.5 (Debian package 1.4.5-12) sent for these sendsms parameters, measured:
 * GET /cgi-bin/sendsms?...&charset=UTF-8 through smsbox and bearerbox to an SMPP sink (smsc group with default
 * alt-dcs = no), all 6 480 combinations of coding × mclass × mwi × alt-dcs × compress × udh × empty text; this is a
 * sample of them. The logic is `fields_to_dcs` in gw/sms.c plus `msg_to_pdu` in gw/smsc/smsc_smpp.c forcing the
 * 0xFX form when mclass is set without mwi (vaska94/kannel@45cbf0e, Kannel SVN trunk).
 */
const KANNEL_MEASURED: ReadonlyArray<readonly [KannelRequest, number]> = [
  [{}, 0x00],
  [{ compress: true }, 0x20],
  [{ udh: true }, 0x04],
  [{ altDcs: false }, 0x00],
  [{ altDcs: false, udh: true }, 0x04],
  [{ altDcs: true }, 0xf1],
  [{ altDcs: true, compress: true }, 0x20],
  [{ altDcs: true, udh: true }, 0xf5],
  [{ mwi: 0 }, 0xd8],
  [{ mwi: 0, empty: true }, 0xc8],
  [{ mwi: 0, udh: true }, 0xe8],
  [{ mwi: 1 }, 0xd9],
  [{ mwi: 1, udh: true }, 0xe9],
  [{ mwi: 2 }, 0xda],
  [{ mwi: 2, udh: true }, 0xea],
  [{ mwi: 3 }, 0xdb],
  [{ mwi: 3, empty: true }, 0xcb],
  [{ mwi: 3, udh: true }, 0xeb],
  [{ mwi: 4 }, 0xc0],
  [{ mwi: 4, empty: true }, 0xc0],
  [{ mwi: 4, udh: true }, 0xc0],
  [{ mwi: 5 }, 0xc1],
  [{ mwi: 6 }, 0xc2],
  [{ mwi: 7 }, 0xc3],
  [{ mwi: 7, empty: true }, 0xc3],
  [{ mclass: 0 }, 0xf0],
  [{ mclass: 0, udh: true }, 0xf4],
  [{ mclass: 0, altDcs: true }, 0xf0],
  [{ mclass: 1 }, 0xf1],
  [{ mclass: 1, udh: true }, 0xf5],
  [{ mclass: 1, altDcs: true }, 0xf1],
  [{ mclass: 1, mwi: 2, altDcs: true }, 0xda],
  [{ mclass: 2 }, 0xf2],
  [{ mclass: 2, compress: true }, 0x32],
  [{ mclass: 2, udh: true }, 0xf6],
  [{ mclass: 2, altDcs: true }, 0xf2],
  [{ mclass: 2, altDcs: true, compress: true }, 0x32],
  [{ mclass: 3 }, 0xf3],
  [{ mclass: 3, udh: true }, 0xf7],
  [{ mclass: 3, altDcs: true }, 0xf3],
  [{ coding: 0 }, 0x00],
  [{ coding: 0, compress: true }, 0x20],
  [{ coding: 0, udh: true }, 0x00],
  [{ coding: 0, altDcs: false }, 0x00],
  [{ coding: 0, altDcs: false, udh: true }, 0x00],
  [{ coding: 0, altDcs: true }, 0xf1],
  [{ coding: 0, altDcs: true, compress: false }, 0xf1],
  [{ coding: 0, altDcs: true, compress: true }, 0x20],
  [{ coding: 0, altDcs: true, udh: true }, 0xf1],
  [{ coding: 0, mwi: 0 }, 0xd8],
  [{ coding: 0, mwi: 1 }, 0xd9],
  [{ coding: 0, mwi: 1, compress: true }, 0xd9],
  [{ coding: 0, mwi: 2 }, 0xda],
  [{ coding: 0, mwi: 3 }, 0xdb],
  [{ coding: 0, mwi: 4 }, 0xc0],
  [{ coding: 0, mwi: 5 }, 0xc1],
  [{ coding: 0, mwi: 6 }, 0xc2],
  [{ coding: 0, mwi: 7 }, 0xc3],
  [{ coding: 0, mclass: 0 }, 0xf0],
  [{ coding: 0, mclass: 0, altDcs: true }, 0xf0],
  [{ coding: 0, mclass: 1 }, 0xf1],
  [{ coding: 0, mclass: 1, altDcs: true }, 0xf1],
  [{ coding: 0, mclass: 1, mwi: 2, altDcs: true }, 0xda],
  [{ coding: 0, mclass: 2 }, 0xf2],
  [{ coding: 0, mclass: 2, compress: true }, 0x32],
  [{ coding: 0, mclass: 2, altDcs: true }, 0xf2],
  [{ coding: 0, mclass: 2, altDcs: true, compress: true }, 0x32],
  [{ coding: 0, mclass: 3 }, 0xf3],
  [{ coding: 0, mclass: 3, altDcs: true }, 0xf3],
  [{ coding: 1 }, 0x04],
  [{ coding: 1, compress: true }, 0x24],
  [{ coding: 1, udh: true }, 0x04],
  [{ coding: 1, altDcs: false }, 0x04],
  [{ coding: 1, altDcs: false, udh: true }, 0x04],
  [{ coding: 1, altDcs: true }, 0xf5],
  [{ coding: 1, altDcs: true, compress: true }, 0x24],
  [{ coding: 1, altDcs: true, udh: true }, 0xf5],
  [{ coding: 1, mwi: 0 }, 0xe8],
  [{ coding: 1, mwi: 1 }, 0xe9],
  [{ coding: 1, mwi: 2 }, 0xea],
  [{ coding: 1, mwi: 3 }, 0xeb],
  [{ coding: 1, mwi: 4 }, 0xc0],
  [{ coding: 1, mwi: 5 }, 0xc1],
  [{ coding: 1, mwi: 6 }, 0xc2],
  [{ coding: 1, mwi: 7 }, 0xc3],
  [{ coding: 1, mclass: 0 }, 0xf4],
  [{ coding: 1, mclass: 0, altDcs: true }, 0xf4],
  [{ coding: 1, mclass: 1 }, 0xf5],
  [{ coding: 1, mclass: 1, altDcs: true }, 0xf5],
  [{ coding: 1, mclass: 1, mwi: 2, altDcs: true }, 0xea],
  [{ coding: 1, mclass: 2 }, 0xf6],
  [{ coding: 1, mclass: 2, compress: true }, 0x36],
  [{ coding: 1, mclass: 2, altDcs: true }, 0xf6],
  [{ coding: 1, mclass: 2, altDcs: true, compress: true }, 0x36],
  [{ coding: 1, mclass: 3 }, 0xf7],
  [{ coding: 1, mclass: 3, altDcs: true }, 0xf7],
  [{ coding: 2 }, 0x08],
  [{ coding: 2, compress: true }, 0x28],
  [{ coding: 2, udh: true }, 0x08],
  [{ coding: 2, altDcs: false }, 0x08],
  [{ coding: 2, altDcs: false, udh: true }, 0x08],
  [{ coding: 2, altDcs: true }, 0x08],
  [{ coding: 2, altDcs: true, compress: true }, 0x28],
  [{ coding: 2, altDcs: true, udh: true }, 0x08],
  [{ coding: 2, mwi: 0 }, 0xe8],
  [{ coding: 2, mwi: 0, empty: true }, 0xc8],
  [{ coding: 2, mwi: 1 }, 0xe9],
  [{ coding: 2, mwi: 2 }, 0xea],
  [{ coding: 2, mwi: 3 }, 0xeb],
  [{ coding: 2, mwi: 3, empty: true }, 0xcb],
  [{ coding: 2, mwi: 4 }, 0xc0],
  [{ coding: 2, mwi: 4, empty: true }, 0xc0],
  [{ coding: 2, mwi: 5 }, 0xc1],
  [{ coding: 2, mwi: 6 }, 0xc2],
  [{ coding: 2, mwi: 7 }, 0xc3],
  [{ coding: 2, mwi: 7, empty: true }, 0xc3],
  [{ coding: 2, mclass: 0 }, 0x18],
  [{ coding: 2, mclass: 0, altDcs: true }, 0x18],
  [{ coding: 2, mclass: 1 }, 0x19],
  [{ coding: 2, mclass: 1, altDcs: true }, 0x19],
  [{ coding: 2, mclass: 1, mwi: 2, altDcs: true }, 0xea],
  [{ coding: 2, mclass: 2 }, 0x1a],
  [{ coding: 2, mclass: 2, compress: true }, 0x3a],
  [{ coding: 2, mclass: 2, altDcs: true }, 0x1a],
  [{ coding: 2, mclass: 2, altDcs: true, compress: true }, 0x3a],
  [{ coding: 2, mclass: 3 }, 0x1b],
  [{ coding: 2, mclass: 3, altDcs: true }, 0x1b],
];

function fieldsOf(request: KannelRequest): DcsFields {
  return {
    coding: request.coding,
    hasUdh: request.udh === true,
    mclass: request.mclass,
    mwi: request.mwi,
    altDcs: request.altDcs,
    compress: request.compress,
    emptyText: request.empty === true,
  };
}

const hex = (value: number): string => `0x${value.toString(16).padStart(2, '0')}`;

describe('fieldsToDcs matches what Kannel 1.4.5 sends', () => {
  it.each(KANNEL_MEASURED.map(([request, dcs]) => [JSON.stringify(request), request, dcs] as const))('%s', (_label, request, dcs) => {
    expect(hex(fieldsToDcs(fieldsOf(request)))).toBe(hex(dcs));
  });

  it('covers every coding, class, indication and both alt-dcs forms in the sample', () => {
    const seen = (key: keyof KannelRequest): Set<unknown> => new Set(KANNEL_MEASURED.map(([r]) => r[key]));
    expect(seen('coding')).toEqual(new Set([undefined, 0, 1, 2]));
    expect(seen('mclass')).toEqual(new Set([undefined, 0, 1, 2, 3]));
    expect(seen('mwi')).toEqual(new Set([undefined, 0, 1, 2, 3, 4, 5, 6, 7]));
    expect(seen('altDcs')).toEqual(new Set([undefined, false, true]));
  });
});

describe('encodeText puts the same data_coding on the wire', () => {
  const udh = Buffer.from('050003010201', 'hex');
  it.each(KANNEL_MEASURED.map(([request, dcs]) => [JSON.stringify(request), request, dcs] as const))('%s', (_label, request, dcs) => {
    const result = encodeText({
      text: Buffer.from(request.empty === true ? '' : 'hi'),
      charset: 'utf-8',
      coding: request.coding,
      mclass: request.mclass,
      mwi: request.mwi,
      altDcs: request.altDcs,
      compress: request.compress,
      udh: request.udh === true ? udh : undefined,
    });
    expect(result.ok && hex(result.dataCoding)).toBe(hex(dcs));
  });
});

describe('resolveCoding', () => {
  it('defaults to 7-bit, or 8-bit when a UDH is given, as Kannel does', () => {
    expect(resolveCoding(undefined, false)).toBe(0);
    expect(resolveCoding(undefined, true)).toBe(1);
    expect(resolveCoding(2, true)).toBe(2);
    expect(resolveCoding(0, true)).toBe(0);
  });
});

describe('dcsToAlphabet (23.038 §4 and SMPP 3.4 §5.2.19)', () => {
  const table: ReadonlyArray<readonly [number, DcsInfo]> = [
    [0x00, { alphabet: 'gsm7', compressed: false }],
    [0x01, { alphabet: 'ascii', compressed: false }],
    [0x02, { alphabet: 'binary', compressed: false }],
    [0x03, { alphabet: 'latin1', compressed: false }],
    [0x04, { alphabet: 'binary', compressed: false }],
    [0x05, { alphabet: 'binary', compressed: false }], // JIS: not decodable here, bytes kept
    [0x06, { alphabet: 'binary', compressed: false }], // ISO-8859-5
    [0x08, { alphabet: 'ucs2', compressed: false }],
    [0x0e, { alphabet: 'binary', compressed: false }], // KS C 5601
    [0x10, { alphabet: 'gsm7', compressed: false, mclass: 0 }],
    [0x11, { alphabet: 'gsm7', compressed: false, mclass: 1 }],
    [0x16, { alphabet: 'binary', compressed: false, mclass: 2 }],
    [0x18, { alphabet: 'ucs2', compressed: false, mclass: 0 }],
    [0x1b, { alphabet: 'ucs2', compressed: false, mclass: 3 }],
    [0x1c, { alphabet: 'gsm7', compressed: false, mclass: 0 }], // reserved alphabet 11 reads as the default
    [0x20, { alphabet: 'gsm7', compressed: true }],
    [0x24, { alphabet: 'binary', compressed: true }],
    [0x3a, { alphabet: 'ucs2', compressed: true, mclass: 2 }],
    [0x48, { alphabet: 'ucs2', compressed: false }], // 01xx: marked for automatic deletion
    [0x55, { alphabet: 'binary', compressed: false, mclass: 1 }],
    [0x80, { alphabet: 'gsm7', compressed: false }], // reserved groups read as the default alphabet
    [0xbf, { alphabet: 'gsm7', compressed: false }],
    [0xc0, { alphabet: 'gsm7', compressed: false, mwi: { active: false, kind: 0, store: false } }],
    [0xcb, { alphabet: 'gsm7', compressed: false, mwi: { active: true, kind: 3, store: false } }],
    [0xd9, { alphabet: 'gsm7', compressed: false, mwi: { active: true, kind: 1, store: true } }],
    [0xd2, { alphabet: 'gsm7', compressed: false, mwi: { active: false, kind: 2, store: true } }],
    [0xe8, { alphabet: 'ucs2', compressed: false, mwi: { active: true, kind: 0, store: true } }],
    [0xf0, { alphabet: 'gsm7', compressed: false, mclass: 0 }],
    [0xf1, { alphabet: 'gsm7', compressed: false, mclass: 1 }],
    [0xf5, { alphabet: 'binary', compressed: false, mclass: 1 }],
    [0xf6, { alphabet: 'binary', compressed: false, mclass: 2 }],
    [0xfb, { alphabet: 'gsm7', compressed: false, mclass: 3 }],
  ];

  it.each(table.map(([dcs, expected]) => [hex(dcs), dcs, expected] as const))('%s', (_label, dcs, expected) => {
    expect(dcsToAlphabet(dcs)).toEqual(expected);
  });

  it('reads back the alphabet fieldsToDcs wrote for every coding, class and alt-dcs', () => {
    const alphabetOf = ['gsm7', 'binary', 'ucs2'] as const;
    for (const coding of [0, 1, 2] as const) {
      for (const mclass of [undefined, 0, 1, 2, 3] as const) {
        for (const altDcs of [false, true]) {
          const info = dcsToAlphabet(fieldsToDcs({ coding, mclass, altDcs }));
          expect(info.alphabet).toBe(alphabetOf[coding]);
          if (mclass !== undefined) expect(info.mclass).toBe(mclass);
        }
      }
    }
  });

  it('looks only at the low octet', () => {
    expect(dcsToAlphabet(0x108)).toEqual(dcsToAlphabet(0x08));
  });
});
