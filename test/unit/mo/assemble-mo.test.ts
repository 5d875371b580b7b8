import { describe, expect, it } from 'vitest';
import { buildParts, encodeText } from '../../../src/encoding/index.js';
import { assembleMo, moPartFrom, needsReassembly, withoutConcat } from '../../../src/mo/assemble-mo.js';
import type { MoPart } from '../../../src/mo/mo-message.js';
import { makeLink } from '../domain-builders.js';
import { inbound } from './builders.js';

const link = makeLink('op-a-1', { smscId: 'op-a', systemId: 'esme' });

/** The deliver_sm bodies a handset's long message arrives in. */
function partsOf(text: string, method: 'udh8' | 'udh16' | 'sar', ref = 42): MoPart[] {
  const encoded = encodeText({ text: Buffer.from(text, 'utf8') });
  if (!encoded.ok) throw new Error(encoded.detail);
  const built = buildParts(encoded.alphabet, encoded.payload, method, ref);
  if (!built.ok) throw new Error('cannot build parts');
  return built.parts.map((p, i) =>
    moPartFrom(
      inbound({ dataCoding: encoded.dataCoding, esmClass: p.udhi ? 0x40 : 0, body: p.shortMessage, ...(p.sar ? { sar: p.sar } : {}) }),
      link,
      1000 + i,
    ),
  );
}

describe('moPartFrom', () => {
  it('keeps a single message whole, with the link, the addresses and service_type', () => {
    const part = moPartFrom(inbound({ serviceType: 'CMT', protocolId: 0x41 }), link, 5);
    expect(part).toEqual({
      from: '4670000001',
      to: '1234',
      smscId: 'op-a',
      linkId: 'op-a-1',
      account: 'esme',
      receivedAtMs: 5,
      dataCoding: 0,
      protocolId: 0x41,
      serviceType: 'CMT',
      bodyHex: Buffer.from('hello').toString('hex'),
    });
    expect(needsReassembly(part)).toBe(false);
  });

  it('reads the 8-bit and 16-bit concatenation elements and the SAR TLVs', () => {
    const long = 'x'.repeat(200);
    expect(partsOf(long, 'udh8').map((p) => p.concat)).toEqual([
      { ref: 42, total: 2, seq: 1, refBits: 8 },
      { ref: 42, total: 2, seq: 2, refBits: 8 },
    ]);
    expect(partsOf(long, 'udh16', 0x1234)[1]?.concat).toEqual({ ref: 0x1234, total: 2, seq: 2, refBits: 16 });
    const sar = partsOf(long, 'sar', 0x0102);
    expect(sar[0]?.concat).toEqual({ ref: 0x0102, total: 2, seq: 1, refBits: 16 });
    expect(sar[0]?.udhHex).toBeUndefined();
    expect(sar.every(needsReassembly)).toBe(true);
  });

  it('takes the body after the UDH', () => {
    const [first] = partsOf('y'.repeat(200), 'udh8');
    expect(first?.udhHex).toBe('0500032a0201');
    expect(Buffer.from(first?.bodyHex ?? '', 'hex').toString('latin1')).toBe('y'.repeat(153));
  });

  it('hands on a part whose concatenation element is out of range as a message of its own, flagged', () => {
    const body = Buffer.concat([Buffer.from([5, 0, 3, 9, 2, 3]), Buffer.from('odd')]);
    const part = moPartFrom(inbound({ esmClass: 0x40, body }), link, 0);
    expect(part.concat).toBeUndefined();
    expect(part.malformed).toBe(true);
    expect(needsReassembly(part)).toBe(false);
  });

  it('needs no reassembly for a "concatenated" message of one part', () => {
    const part = moPartFrom(inbound({ esmClass: 0x40, body: Buffer.from([5, 0, 3, 9, 1, 1, 0x41]) }), link, 0);
    expect(part.concat).toEqual({ ref: 9, total: 1, seq: 1, refBits: 8 });
    expect(needsReassembly(part)).toBe(false);
  });
});

describe('assembleMo', () => {
  it('joins GSM parts into the whole text, with the first part’s time and no concatenation left in the UDH', () => {
    const text = `${'The quick brown fox jumps over the lazy dog. '.repeat(8)}{end}`;
    const parts = partsOf(text, 'udh8');
    expect(parts.length).toBe(3);
    const mo = assembleMo(parts, 'id-1');
    expect(mo).toMatchObject({ id: 'id-1', text, coding: 0, parts: 3, from: '4670000001', to: '1234', smscId: 'op-a', receivedAtMs: 1000 });
    expect(mo.udhHex).toBeUndefined();
    expect(mo.missing).toBeUndefined();
    expect(mo.malformed).toBeUndefined();
  });

  it('joins UCS-2 octets before decoding, so a surrogate pair split between two parts survives', () => {
    // 66 BMP characters, then an emoji whose two UTF-16 units fall on either side of the 67-unit boundary.
    const text = `${'Ж'.repeat(66)}😀${'Ж'.repeat(10)}`;
    const parts = partsOf(text, 'udh8');
    expect(parts.length).toBe(2);
    const mo = assembleMo(parts, 'id-2');
    expect(mo.text).toBe(text);
    expect(mo.coding).toBe(0);
    expect(mo.dataCoding).toBe(8);
  });

  it('keeps 8-bit data as octets (coding 1)', () => {
    const part = moPartFrom(inbound({ dataCoding: 4, body: Buffer.from([0x00, 0xff, 0x10]) }), link, 0);
    const mo = assembleMo([part], 'id-3');
    expect(mo.coding).toBe(1);
    expect(mo.binaryHex).toBe('00ff10');
  });

  it('lists the missing part numbers of a group handed on incomplete, and joins what came in order', () => {
    const parts = partsOf('abc '.repeat(100), 'sar');
    expect(parts.length).toBe(3);
    const mo = assembleMo([parts[0]!, parts[2]!], 'id-4', [2]);
    expect(mo.missing).toEqual([2]);
    expect(mo.parts).toBe(3);
    const bodyText = (part: MoPart | undefined): string => Buffer.from(part?.bodyHex ?? '', 'hex').toString('latin1');
    expect(mo.text).toBe(bodyText(parts[0]) + bodyText(parts[2]));
    expect(mo.text.length).toBeLessThan(400);
    expect('abc '.repeat(100).startsWith(bodyText(parts[0]))).toBe(true);
  });

  it('keeps the other UDH elements (ports) of a single message, and strips only concatenation from parts', () => {
    const ports = Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]);
    const single = moPartFrom(inbound({ esmClass: 0x40, dataCoding: 4, body: Buffer.concat([ports, Buffer.from([1, 2])]) }), link, 0);
    expect(assembleMo([single], 'id-5').udhHex).toBe(ports.toString('hex'));
    const withConcat = Buffer.from([0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, 0x07, 0x02, 0x01]);
    expect(withoutConcat(withConcat)?.toString('hex')).toBe(ports.toString('hex'));
    expect(withoutConcat(Buffer.from([5, 0, 3, 7, 2, 1]))).toBeUndefined();
  });

  it('reports message class and MWI as Kannel numbers', () => {
    // 0x11: class 1, GSM; 0xC8: MWI discard group, voice, active; 0xC0 | 0x00 inactive is 4 + kind.
    expect(assembleMo([moPartFrom(inbound({ dataCoding: 0x11 }), link, 0)], 'a').mclass).toBe(1);
    expect(assembleMo([moPartFrom(inbound({ dataCoding: 0xc8 }), link, 0)], 'b').mwi).toBe(0);
    expect(assembleMo([moPartFrom(inbound({ dataCoding: 0xc1 }), link, 0)], 'c').mwi).toBe(5);
  });

  it('decodes parts of different codings one by one and flags the message', () => {
    const gsm = moPartFrom(inbound({ body: Buffer.from('ab'), esmClass: 0x40 }), link, 0);
    const a = { ...gsm, bodyHex: Buffer.from('ab').toString('hex'), concat: { ref: 1, total: 2, seq: 1, refBits: 8 as const } };
    const b = { ...gsm, dataCoding: 8, bodyHex: '0416', concat: { ref: 1, total: 2, seq: 2, refBits: 8 as const } };
    const mo = assembleMo([a, b], 'd');
    expect(mo.text).toBe('abЖ');
    expect(mo.malformed).toBe(true);
  });

  it('refuses an empty list', () => {
    expect(() => assembleMo([], 'e')).toThrow(RangeError);
  });
});
