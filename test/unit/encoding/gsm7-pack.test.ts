import { describe, expect, it } from 'vitest';
import { gsm7FillBits, gsm7Pack, gsm7PackedLength, gsm7Unpack } from '../../../src/encoding/gsm7-pack.js';

/**
 * A deliberately naive packer to compare against: 23.038 §6.1.2.1.1 as a bit string, least significant bit first,
 * `fill` zero bits in front, padded with zeros to whole octets.
 */
function referencePack(septets: readonly number[], fill: number): Buffer {
  let bits = '0'.repeat(fill);
  for (const septet of septets) bits += septet.toString(2).padStart(7, '0').split('').reverse().join('');
  if (septets.length === 0) return Buffer.alloc(0);
  while (bits.length % 8 !== 0) bits += '0';
  const octets: number[] = [];
  for (let i = 0; i < bits.length; i += 8)
    octets.push(
      parseInt(
        bits
          .slice(i, i + 8)
          .split('')
          .reverse()
          .join(''),
        2,
      ),
    );
  return Buffer.from(octets);
}

/** A fixed pseudo-random septet sequence, so failures reproduce. */
function septetsOf(length: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(x & 0x7f);
  }
  return out;
}

describe('gsm7Pack', () => {
  it('packs the 23.038 example "hellohello" as E8 32 9B FD 46 97 D9 EC 37', () => {
    expect(gsm7Pack(Buffer.from('hellohello', 'latin1')).toString('hex')).toBe('e8329bfd4697d9ec37');
  });

  it('packs 8 septets into 7 octets and 160 into 140', () => {
    expect(gsm7Pack(Buffer.alloc(8, 0x7f))).toEqual(Buffer.alloc(7, 0xff));
    expect(gsm7Pack(Buffer.alloc(160, 0x41))).toHaveLength(140);
  });

  it('returns nothing for no septets, whatever the fill', () => {
    expect(gsm7Pack(Buffer.alloc(0), 1)).toHaveLength(0);
  });

  it('masks septets to 7 bits', () => {
    expect(gsm7Pack(Buffer.of(0xc1))).toEqual(gsm7Pack(Buffer.of(0x41)));
  });

  it('matches the naive bit-string packer for every length up to 170 and every fill', () => {
    for (let fill = 0; fill <= 6; fill++) {
      for (let length = 0; length <= 170; length++) {
        const septets = septetsOf(length, length * 7 + fill);
        expect(gsm7Pack(Buffer.from(septets), fill), `length ${length} fill ${fill}`).toEqual(referencePack(septets, fill));
      }
    }
  });

  it('puts the fill bits after a 6-octet UDH at the bottom of the first octet', () => {
    // UDH 05 00 03 xx xx xx is 48 bits; 1 fill bit brings the text to bit 49 = 7 × 7. One fill bit shifts the
    // little-endian bit stream of "hello" (e8 32 9b fd 06) left by one: d0 65 36 fb 0d.
    expect(gsm7FillBits(6)).toBe(1);
    expect(gsm7Pack(Buffer.from('hello', 'latin1'), 1).toString('hex')).toBe('d06536fb0d');
  });

  it('needs no fill after a 7-octet UDH (56 bits = 8 septets)', () => {
    expect(gsm7FillBits(7)).toBe(0);
    expect(gsm7Pack(Buffer.from('hello', 'latin1'), 0).toString('hex')).toBe('e8329bfd06');
  });

  it('computes the fill for every header length so the text starts on a septet boundary', () => {
    for (let udh = 1; udh <= 140; udh++) expect((udh * 8 + gsm7FillBits(udh)) % 7, `udh ${udh}`).toBe(0);
  });

  it('reports the packed length', () => {
    expect(gsm7PackedLength(153, 1)).toBe(134);
    expect(gsm7PackedLength(152, 0)).toBe(133);
    expect(gsm7PackedLength(7, 0)).toBe(7);
    expect(gsm7PackedLength(0, 3)).toBe(0);
  });
});

describe('gsm7Unpack', () => {
  it('round-trips every length and fill, including 6- and 7-octet UDH layouts', () => {
    for (let fill = 0; fill <= 6; fill++) {
      for (let length = 0; length <= 170; length++) {
        const septets = Buffer.from(septetsOf(length, length + 1000 * fill));
        expect(gsm7Unpack(gsm7Pack(septets, fill), length, fill), `length ${length} fill ${fill}`).toEqual(septets);
      }
    }
  });

  it('round-trips a full part after a 6-octet UDH (153 septets in 134 octets)', () => {
    const septets = Buffer.from(septetsOf(153, 42));
    const packed = gsm7Pack(septets, gsm7FillBits(6));
    expect(6 + packed.length).toBe(140);
    expect(gsm7Unpack(packed, 153, 1)).toEqual(septets);
  });

  it('round-trips a full part after a 7-octet UDH (152 septets in 133 octets)', () => {
    const septets = Buffer.from(septetsOf(152, 43));
    const packed = gsm7Pack(septets, gsm7FillBits(7));
    expect(7 + packed.length).toBe(140);
    expect(gsm7Unpack(packed, 152, 0)).toEqual(septets);
  });

  it('returns the septets it could read when the octets run out, without throwing', () => {
    const packed = gsm7Pack(Buffer.from('hellohello', 'latin1'));
    expect(gsm7Unpack(packed.subarray(0, 4), 10).toString('latin1')).toBe('hell');
    expect(gsm7Unpack(Buffer.alloc(0), 5)).toHaveLength(0);
    expect(gsm7Unpack(Buffer.of(0xff), 3, 6)).toHaveLength(0);
    expect(gsm7Unpack(packed, -1)).toHaveLength(0);
  });
});
