import { describe, expect, it } from 'vitest';
import { decodeShortMessage } from '../../../src/encoding/decode-inbound.js';

const hex = (value: string): Buffer => Buffer.from(value.replace(/\s/g, ''), 'hex');

describe('decodeShortMessage: alphabets', () => {
  it('reads data_coding 0 as unpacked GSM', () => {
    expect(decodeShortMessage({ dataCoding: 0, esmClass: 0, shortMessage: hex('48 69 20 1b65 00') })).toEqual({
      text: 'Hi €@',
      alphabet: 'gsm7',
    });
  });

  it('reads 1 as ASCII, 3 as Latin-1 and 8 as UCS-2', () => {
    expect(decodeShortMessage({ dataCoding: 1, esmClass: 0, shortMessage: hex('48 69 40') }).text).toBe('Hi@');
    expect(decodeShortMessage({ dataCoding: 3, esmClass: 0, shortMessage: hex('e9 74 e9') }).text).toBe('été');
    expect(decodeShortMessage({ dataCoding: 8, esmClass: 0, shortMessage: hex('041f 0440 d83d de00') })).toEqual({
      text: 'Пр😀',
      alphabet: 'ucs2',
    });
  });

  it('keeps the bytes of binary data and shows them as Latin-1', () => {
    expect(decodeShortMessage({ dataCoding: 4, esmClass: 0, shortMessage: hex('00 ff 41') })).toEqual({
      text: '\u0000ÿA',
      alphabet: 'binary',
      bytes: hex('00 ff 41'),
    });
    expect(decodeShortMessage({ dataCoding: 0xf6, esmClass: 0, shortMessage: hex('01') })).toEqual({
      text: '\u0001',
      alphabet: 'binary',
      bytes: hex('01'),
      mclass: 2,
    });
  });

  it('reports class, MWI and compression from the data_coding', () => {
    expect(decodeShortMessage({ dataCoding: 0x11, esmClass: 0, shortMessage: hex('41') })).toEqual({
      text: 'A',
      alphabet: 'gsm7',
      mclass: 1,
    });
    expect(decodeShortMessage({ dataCoding: 0xd8, esmClass: 0, shortMessage: hex('41') }).mwi).toEqual({
      active: true,
      kind: 0,
      store: true,
    });
    expect(decodeShortMessage({ dataCoding: 0x20, esmClass: 0, shortMessage: hex('41 42') })).toEqual({
      text: 'AB',
      alphabet: 'gsm7',
      bytes: hex('41 42'),
      compressed: true,
    });
  });
});

describe('decodeShortMessage: headers and concatenation', () => {
  it('takes the UDH off when UDHI is set and finds an 8-bit concatenation element', () => {
    expect(decodeShortMessage({ dataCoding: 0, esmClass: 0x40, shortMessage: hex('050003 2a 03 02 48 69') })).toEqual({
      text: 'Hi',
      alphabet: 'gsm7',
      udh: hex('050003 2a 03 02'),
      concat: { ref: 0x2a, total: 3, seq: 2, refBits: 8 },
    });
  });

  it('finds a 16-bit concatenation element among other elements', () => {
    const udh = hex('0f 0504 0b84 23f0 0804 beef 02 01 2201 05');
    const decoded = decodeShortMessage({ dataCoding: 8, esmClass: 0x43, shortMessage: Buffer.concat([udh, hex('0041')]) });
    expect(decoded).toEqual({ text: 'A', alphabet: 'ucs2', udh, concat: { ref: 0xbeef, total: 2, seq: 1, refBits: 16 } });
  });

  it('ignores the UDH when UDHI is clear', () => {
    expect(decodeShortMessage({ dataCoding: 4, esmClass: 0, shortMessage: hex('050003010201') }).udh).toBeUndefined();
  });

  it('turns sar_* TLVs into 16-bit concatenation', () => {
    expect(decodeShortMessage({ dataCoding: 0, esmClass: 0, shortMessage: hex('41'), sar: { ref: 0x1234, total: 4, seq: 4 } })).toEqual({
      text: 'A',
      alphabet: 'gsm7',
      concat: { ref: 0x1234, total: 4, seq: 4, refBits: 16 },
    });
  });
});

describe('decodeShortMessage: malformed input never throws', () => {
  it.each([
    [
      'UDHL larger than the message',
      { dataCoding: 0, esmClass: 0x40, shortMessage: hex('09 0003 01') },
      { text: '', udh: hex('09 0003 01') },
    ],
    ['an element running past the UDH', { dataCoding: 0, esmClass: 0x40, shortMessage: hex('03 0005 01 41') }, { text: 'A' }],
    ['UDHI on an empty message', { dataCoding: 0, esmClass: 0x40, shortMessage: hex('') }, { text: '' }],
    ['a concatenation element with seq 0', { dataCoding: 0, esmClass: 0x40, shortMessage: hex('050003 01 02 00 41') }, { text: 'A' }],
    [
      'a concatenation element with seq above total',
      { dataCoding: 0, esmClass: 0x40, shortMessage: hex('050003 01 02 03 41') },
      { text: 'A' },
    ],
    ['odd-length UCS-2', { dataCoding: 8, esmClass: 0, shortMessage: hex('0041 00') }, { text: 'A' }],
    ['GSM with octets above 0x7F', { dataCoding: 0, esmClass: 0, shortMessage: hex('41 c1') }, { text: 'A\ufffd' }],
    ['ASCII with octets above 0x7F', { dataCoding: 1, esmClass: 0, shortMessage: hex('41 e9') }, { text: 'A\ufffd' }],
    ['sar_* with total 0', { dataCoding: 0, esmClass: 0, shortMessage: hex('41'), sar: { ref: 1, total: 0, seq: 1 } }, { text: 'A' }],
  ] as const)('%s', (_case, input, expected) => {
    const decoded = decodeShortMessage(input);
    expect(decoded).toMatchObject({ ...expected, malformed: true });
    expect(decoded.concat).toBeUndefined();
  });

  it('keeps the UDH concatenation and flags a PDU that also has sar_* TLVs', () => {
    const decoded = decodeShortMessage({
      dataCoding: 0,
      esmClass: 0x40,
      shortMessage: hex('050003 07 02 01 41'),
      sar: { ref: 9, total: 3, seq: 1 },
    });
    expect(decoded.concat).toEqual({ ref: 7, total: 2, seq: 1, refBits: 8 });
    expect(decoded.malformed).toBe(true);
  });

  it('survives random garbage under every data_coding, with and without UDHI', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    let decodedCount = 0;
    for (let round = 0; round < 3000; round++) {
      const length = next() % 48;
      const bytes = Buffer.from(Array.from({ length }, () => next() & 0xff));
      const dataCoding = next() & 0xff;
      const esmClass = next() & 0xff;
      const sar = round % 3 === 0 ? { ref: next() & 0x1ffff, total: next() % 4, seq: next() % 5 } : undefined;
      const decoded = decodeShortMessage({ dataCoding, esmClass, shortMessage: bytes, sar });
      expect(typeof decoded.text).toBe('string');
      if (decoded.udh !== undefined) expect(decoded.udh.length).toBeLessThanOrEqual(bytes.length);
      decodedCount++;
    }
    expect(decodedCount).toBe(3000);
  });
});
