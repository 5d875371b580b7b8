import { describe, expect, it } from 'vitest';
import { buildParts, type SubmitPart } from '../../../src/encoding/build-parts.js';
import { gsm7Encode } from '../../../src/encoding/gsm7.js';
import { gsm7FillBits, gsm7Unpack } from '../../../src/encoding/gsm7-pack.js';
import { planParts } from '../../../src/encoding/segment.js';
import type { Alphabet } from '../../../src/encoding/alphabet.js';
import type { ConcatenationMethod } from '../../../src/domain/link.js';

function gsm(text: string): Buffer {
  const result = gsm7Encode(text);
  if (!result.ok) throw new Error(`not GSM: ${text}`);
  return result.septets;
}

function build(
  alphabet: Alphabet,
  payload: Buffer,
  method: ConcatenationMethod,
  ref: number,
  userUdh?: Buffer,
  packed = false,
): SubmitPart[] {
  const result = buildParts(alphabet, payload, method, ref, userUdh, packed);
  if (!result.ok) throw new Error(`${result.error}: ${result.detail}`);
  return result.parts;
}

const hexOf = (part: SubmitPart | undefined): string => part?.shortMessage.toString('hex') ?? 'missing';

describe('buildParts: a single part', () => {
  it.each(['udh8', 'udh16', 'sar', 'payload'] as const)('%s: no concatenation information at all', (method) => {
    expect(build('gsm7', gsm('hello'), method, 7)).toEqual([{ shortMessage: Buffer.from('68656c6c6f', 'hex'), udhi: false }]);
  });

  it('carries the user UDH and sets UDHI', () => {
    const udh = Buffer.from('0605040b8423f0', 'hex');
    expect(build('binary', Buffer.from('0102', 'hex'), 'udh8', 7, udh)).toEqual([
      { shortMessage: Buffer.from('0605040b8423f00102', 'hex'), udhi: true },
    ]);
  });
});

describe('buildParts: UDH concatenation', () => {
  it('udh8 writes 05 00 03 ref total seq, byte for byte what Kannel 1.4.5 sent for the same text', () => {
    // Kannel measured: sendsms text = 152 × "a" + "€" + 10 × "b", its reference counter at 0x52.
    const parts = build('gsm7', gsm(`${'a'.repeat(152)}€${'b'.repeat(10)}`), 'udh8', 0x52);
    expect(parts).toHaveLength(2);
    expect(hexOf(parts[0])).toBe(`050003520201${'61'.repeat(152)}`);
    expect(hexOf(parts[1])).toBe('0500035202021b6562626262626262626262');
    expect(parts.every((part) => part.udhi && part.sar === undefined && part.messagePayload === undefined)).toBe(true);
  });

  it('appends the concatenation element to a user UDH, as Kannel 1.4.5 does', () => {
    // Kannel measured: udh = 03 04 01 00, 140 × "x" as 8-bit, reference 0x54.
    const parts = build('binary', Buffer.alloc(140, 0x78), 'udh8', 0x54, Buffer.from('03040100', 'hex'));
    expect(hexOf(parts[0])).toBe(`080401000003540201${'78'.repeat(131)}`);
    expect(hexOf(parts[1])).toBe(`080401000003540202${'78'.repeat(9)}`);
  });

  it('udh8 uses the low 8 bits of the reference', () => {
    const parts = build('binary', Buffer.alloc(200), 'udh8', 0x1234);
    expect(hexOf(parts[0]).slice(0, 12)).toBe('050003340201');
  });

  it('udh16 writes 06 08 04 ref-high ref-low total seq', () => {
    const parts = build('binary', Buffer.alloc(300, 0xaa), 'udh16', 0x1234);
    expect(parts.map((part) => hexOf(part).slice(0, 14))).toEqual(['06080412340301', '06080412340302', '06080412340303']);
    expect(parts.map((part) => part.shortMessage.length)).toEqual([140, 140, 7 + 300 - 2 * 133]);
  });

  it('udh16 appends to a user UDH too', () => {
    const parts = build('binary', Buffer.alloc(300), 'udh16', 0xbeef, Buffer.from('03040100', 'hex'));
    expect(hexOf(parts[0]).slice(0, 20)).toBe('090401000804beef0301');
  });

  it('every part fits 140 octets on the air (GSM counted packed)', () => {
    for (const method of ['udh8', 'udh16'] as const) {
      for (const [alphabet, payload] of [
        ['gsm7', gsm('x€'.repeat(300))],
        ['ucs2', Buffer.alloc(1000, 0x04)],
        ['binary', Buffer.alloc(1000)],
      ] as const) {
        for (const part of build(alphabet, payload, method, 1, undefined, true)) {
          expect(part.shortMessage.length).toBeLessThanOrEqual(140);
        }
      }
    }
  });
});

describe('buildParts: SAR', () => {
  it('puts the reference, total and sequence in sar and no header in the body', () => {
    const parts = build('gsm7', gsm('z'.repeat(200)), 'sar', 0x1_2345);
    expect(parts).toEqual([
      { shortMessage: gsm('z'.repeat(160)), udhi: false, sar: { ref: 0x2345, total: 2, seq: 1 } },
      { shortMessage: gsm('z'.repeat(40)), udhi: false, sar: { ref: 0x2345, total: 2, seq: 2 } },
    ]);
  });

  it('keeps a user UDH in every part', () => {
    const parts = build('binary', Buffer.alloc(200, 1), 'sar', 9, Buffer.from('03040100', 'hex'));
    expect(parts.map((part) => [part.udhi, hexOf(part).slice(0, 8), part.shortMessage.length])).toEqual([
      [true, '03040100', 140],
      [true, '03040100', 4 + 200 - 136],
    ]);
  });
});

describe('buildParts: message_payload', () => {
  it('sends a long text whole in message_payload with an empty short_message', () => {
    const payload = gsm('p'.repeat(1000));
    expect(build('gsm7', payload, 'payload', 1)).toEqual([{ shortMessage: Buffer.alloc(0), udhi: false, messagePayload: payload }]);
  });

  it('puts the user UDH in front of message_payload', () => {
    const [part] = build('binary', Buffer.alloc(500, 2), 'payload', 1, Buffer.from('03040100', 'hex'));
    expect(part?.udhi).toBe(true);
    expect(part?.messagePayload?.subarray(0, 5).toString('hex')).toBe('0304010002');
    expect(part?.messagePayload).toHaveLength(504);
  });
});

describe('buildParts: packed GSM', () => {
  it('packs a single 160-septet part into 140 octets', () => {
    const payload = gsm('k'.repeat(160));
    const [part] = build('gsm7', payload, 'udh8', 1, undefined, true);
    expect(part?.shortMessage).toHaveLength(140);
    expect(gsm7Unpack(part?.shortMessage ?? Buffer.alloc(0), 160)).toEqual(payload);
  });

  it('packs after a 6-octet UDH with one fill bit, a full part taking exactly 140 octets', () => {
    const payload = gsm('abc{}[]€'.repeat(60).slice(0, 400));
    const planned = planParts('gsm7', payload, 'udh8');
    const bodyLengths = planned.ok ? planned.plan.bodies.map((body) => body.length) : [];
    const parts = build('gsm7', payload, 'udh8', 3, undefined, true);
    expect(parts).toHaveLength(bodyLengths.length);
    const unpacked = parts.map((part, index) => {
      const udhOctets = (part.shortMessage[0] ?? 0) + 1;
      expect(udhOctets).toBe(6);
      return gsm7Unpack(part.shortMessage.subarray(udhOctets), bodyLengths[index] ?? 0, gsm7FillBits(udhOctets));
    });
    expect(parts[0]?.shortMessage).toHaveLength(140);
    expect(Buffer.concat(unpacked)).toEqual(payload);
  });

  it('packs after a 7-octet UDH with no fill bits', () => {
    const payload = gsm('q'.repeat(304));
    const parts = build('gsm7', payload, 'udh16', 3, undefined, true);
    expect(parts.map((part) => part.shortMessage.length)).toEqual([140, 140]);
    const body = parts[0]?.shortMessage.subarray(7) ?? Buffer.alloc(0);
    expect(gsm7Unpack(body, 152, 0)).toEqual(payload.subarray(0, 152));
  });

  it('packs after a user UDH with the fill bits its length needs', () => {
    const udh = Buffer.from('03040100', 'hex'); // 4 octets: 32 bits, 3 fill bits to reach 35
    const [part] = build('gsm7', gsm('fill'), 'udh8', 3, udh, true);
    const body = part?.shortMessage.subarray(4) ?? Buffer.alloc(0);
    expect(gsm7FillBits(4)).toBe(3);
    expect(gsm7Unpack(body, 4, 3).toString('latin1')).toBe('fill');
  });

  it('fills 7 spare bits with CR rather than leaving a phantom @ (23.038 §6.1.2.3.1)', () => {
    const [part] = build('gsm7', gsm('seven!!'), 'udh8', 3, undefined, true);
    expect(part?.shortMessage).toHaveLength(7);
    expect(gsm7Unpack(part?.shortMessage ?? Buffer.alloc(0), 8).toString('latin1')).toBe('seven!!\r');
  });

  it('leaves UCS-2 and binary alone when asked to pack', () => {
    const payload = Buffer.from('041f0440', 'hex');
    expect(build('ucs2', payload, 'udh8', 3, undefined, true)).toEqual([{ shortMessage: payload, udhi: false }]);
  });
});

describe('buildParts: failures come back as results', () => {
  it('returns the planning error', () => {
    expect(buildParts('gsm7', gsm('a'.repeat(255 * 153 + 1)), 'udh8', 1)).toMatchObject({ ok: false, error: 'too-many-parts' });
    expect(buildParts('binary', Buffer.alloc(3), 'udh8', 1, Buffer.from('09', 'hex'))).toMatchObject({
      ok: false,
      error: 'udh-malformed',
    });
  });
});
