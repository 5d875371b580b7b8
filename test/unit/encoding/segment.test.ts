import { describe, expect, it } from 'vitest';
import type { ConcatenationMethod } from '../../../src/domain/link.js';
import type { Alphabet } from '../../../src/encoding/alphabet.js';
import { gsm7Encode } from '../../../src/encoding/gsm7.js';
import { countParts, partCapacity, planParts, type PartPlan } from '../../../src/encoding/segment.js';
import { ucs2Encode } from '../../../src/encoding/ucs2.js';

const METHODS: readonly ConcatenationMethod[] = ['udh8', 'udh16', 'sar', 'payload'];

function gsm(text: string): Buffer {
  const result = gsm7Encode(text);
  if (!result.ok) throw new Error(`not GSM: ${text}`);
  return result.septets;
}

function plan(alphabet: Alphabet, payload: Buffer, method: ConcatenationMethod, userUdh?: Buffer): PartPlan {
  const result = planParts(alphabet, payload, method, userUdh);
  if (!result.ok) throw new Error(`${result.error}: ${result.detail}`);
  return result.plan;
}

const sizes = (p: PartPlan): number[] => p.bodies.map((body) => body.length);

describe('partCapacity', () => {
  it.each([
    ['gsm7', 0, 160],
    ['gsm7', 6, 153],
    ['gsm7', 7, 152],
    ['binary', 0, 140],
    ['binary', 6, 134],
    ['binary', 7, 133],
    ['latin1', 6, 134],
    ['ucs2', 0, 140],
    ['ucs2', 6, 134],
    ['ucs2', 7, 132],
    ['gsm7', 140, 0],
  ] as const)('%s beside a %i-octet header: %i', (alphabet, udh, capacity) => {
    expect(partCapacity(alphabet, udh)).toBe(capacity);
  });
});

describe('GSM 7-bit boundaries', () => {
  it.each(METHODS)('%s: 160 septets are one part without concatenation', (method) => {
    const p = plan('gsm7', gsm('a'.repeat(160)), method);
    expect(sizes(p)).toEqual([160]);
    expect(p.concatenated).toBe(false);
    expect(p.viaPayload).toBe(false);
  });

  it.each([
    ['udh8', [153, 8]],
    ['udh16', [152, 9]],
    ['sar', [160, 1]],
  ] as const)('%s: 161 septets split as %j', (method, expected) => {
    const p = plan('gsm7', gsm('a'.repeat(161)), method);
    expect(sizes(p)).toEqual(expected);
    expect(p.concatenated).toBe(true);
  });

  it('payload: 161 septets are one PDU in message_payload', () => {
    const p = plan('gsm7', gsm('a'.repeat(161)), 'payload');
    expect(sizes(p)).toEqual([161]);
    expect(p.viaPayload).toBe(true);
  });

  it.each([
    ['udh8', 152, [152]],
    ['udh8', 153, [153]],
    ['udh8', 154, [154]],
    ['udh8', 305, [153, 152]],
    ['udh8', 306, [153, 153]],
    ['udh8', 307, [153, 153, 1]],
    ['udh16', 303, [152, 151]],
    ['udh16', 304, [152, 152]],
    ['udh16', 305, [152, 152, 1]],
  ] as const)('%s: %i septets split as %j', (method, length, expected) => {
    expect(sizes(plan('gsm7', gsm('b'.repeat(length)), method))).toEqual(expected);
  });

  it('never cuts an escape sequence: 152 septets then € moves the whole pair to part 2', () => {
    // Kannel 1.4.5 measured on the same text: part 1 carries 152 septets, part 2 starts with 1B 65.
    const p = plan('gsm7', gsm(`${'a'.repeat(152)}€${'b'.repeat(10)}`), 'udh8');
    expect(sizes(p)).toEqual([152, 12]);
    expect(p.bodies[1]?.subarray(0, 2)).toEqual(Buffer.of(0x1b, 0x65));
  });

  it('keeps an escape pair that ends exactly at the boundary in the first part', () => {
    const p = plan('gsm7', gsm(`${'a'.repeat(151)}€${'b'.repeat(10)}`), 'udh8');
    expect(sizes(p)).toEqual([153, 10]);
    expect(p.bodies[0]?.subarray(151)).toEqual(Buffer.of(0x1b, 0x65));
  });

  it.each([
    ['udh16', 151, [151, 12]],
    ['sar', 159, [159, 12]],
  ] as const)('%s: an escape pair straddling the boundary moves whole', (method, before, expected) => {
    expect(sizes(plan('gsm7', gsm(`${'a'.repeat(before)}[${'b'.repeat(10)}`), method))).toEqual(expected);
  });

  it('never ends a part on a lone escape anywhere in a text made only of extension characters', () => {
    const p = plan('gsm7', gsm('{'.repeat(400)), 'udh8');
    for (const body of p.bodies) {
      expect(body.length % 2).toBe(0);
      expect(body[0]).toBe(0x1b);
    }
    expect(sizes(p)).toEqual([152, 152, 152, 152, 152, 40]);
  });
});

describe('UCS-2 boundaries', () => {
  it('70 units are one part, 71 are two', () => {
    expect(sizes(plan('ucs2', ucs2Encode('Я'.repeat(70)), 'udh8'))).toEqual([140]);
    expect(sizes(plan('ucs2', ucs2Encode('Я'.repeat(71)), 'udh8'))).toEqual([134, 8]);
    expect(sizes(plan('ucs2', ucs2Encode('Я'.repeat(71)), 'udh16'))).toEqual([132, 10]);
    expect(sizes(plan('ucs2', ucs2Encode('Я'.repeat(71)), 'sar'))).toEqual([140, 2]);
  });

  it('an emoji filling units 69–70 still fits one part', () => {
    expect(sizes(plan('ucs2', ucs2Encode(`${'Я'.repeat(68)}😀`), 'udh8'))).toEqual([140]);
  });

  it('never splits a surrogate pair across the 67-unit boundary', () => {
    // Kannel 1.4.5 measured on this text sends D83D at the end of part 1 and DE00 at the start of part 2.
    const p = plan('ucs2', ucs2Encode(`${'Я'.repeat(66)}😀${'Я'.repeat(10)}`), 'udh8');
    expect(sizes(p)).toEqual([132, 24]);
    expect(p.bodies[1]?.subarray(0, 4).toString('hex')).toBe('d83dde00');
  });

  it('keeps a pair that ends exactly at unit 67 in part 1', () => {
    const p = plan('ucs2', ucs2Encode(`${'Я'.repeat(65)}😀${'Я'.repeat(10)}`), 'udh8');
    expect(sizes(p)).toEqual([134, 20]);
  });

  it.each([
    ['udh16', 65, [130, 24]],
    ['sar', 69, [138, 24]],
  ] as const)('%s: a pair straddling the boundary moves whole', (method, before, expected) => {
    expect(sizes(plan('ucs2', ucs2Encode(`${'Я'.repeat(before)}😀${'Я'.repeat(10)}`), method))).toEqual(expected);
  });

  it('splits a text made only of emoji into whole pairs', () => {
    const p = plan('ucs2', ucs2Encode('😀'.repeat(100)), 'udh16');
    for (const body of p.bodies) expect(body.length % 4).toBe(0);
    expect(sizes(p)).toEqual([132, 132, 132, 4]);
  });
});

describe('8-bit and a user UDH', () => {
  it('140 octets are one part, 141 are two', () => {
    expect(sizes(plan('binary', Buffer.alloc(140), 'udh8'))).toEqual([140]);
    expect(sizes(plan('binary', Buffer.alloc(141), 'udh8'))).toEqual([134, 7]);
    expect(sizes(plan('latin1', Buffer.alloc(141), 'udh16'))).toEqual([133, 8]);
  });

  it('leaves room for the user UDH in a single part', () => {
    const udh = Buffer.from('0605040b8423f0', 'hex');
    expect(sizes(plan('binary', Buffer.alloc(133), 'udh8', udh))).toEqual([133]);
    expect(plan('binary', Buffer.alloc(133), 'udh8', udh).userUdh).toEqual(udh);
  });

  it('leaves room for the user UDH plus the concatenation element in every part', () => {
    // Kannel 1.4.5 measured: udh 03 04 01 00 with 140 octets of text became parts of 131 + 9 octets.
    const udh = Buffer.from('03040100', 'hex');
    expect(sizes(plan('binary', Buffer.alloc(140, 0x78), 'udh8', udh))).toEqual([131, 9]);
    expect(sizes(plan('binary', Buffer.alloc(140, 0x78), 'udh16', udh))).toEqual([130, 10]);
    expect(sizes(plan('gsm7', gsm('x'.repeat(160)), 'udh8', udh))).toEqual([149, 11]);
  });

  it('treats an empty UDH as none', () => {
    expect(plan('binary', Buffer.alloc(10), 'udh8', Buffer.alloc(0)).userUdh).toBeUndefined();
  });
});

describe('planParts limits', () => {
  it('allows 255 parts and refuses 256', () => {
    expect(plan('gsm7', gsm('a'.repeat(255 * 153)), 'udh8').bodies).toHaveLength(255);
    expect(planParts('gsm7', gsm('a'.repeat(255 * 153 + 1)), 'udh8')).toEqual({
      ok: false,
      error: 'too-many-parts',
      detail: 'the message needs 256 parts; at most 255',
    });
    expect(planParts('binary', Buffer.alloc(255 * 140 + 1), 'sar')).toMatchObject({ ok: false, error: 'too-many-parts' });
  });

  it('puts up to 65 535 octets in message_payload and refuses more', () => {
    expect(plan('binary', Buffer.alloc(65_535), 'payload').viaPayload).toBe(true);
    expect(planParts('binary', Buffer.alloc(65_536), 'payload')).toMatchObject({ ok: false, error: 'too-long' });
    expect(planParts('binary', Buffer.alloc(65_530), 'payload', Buffer.from('050003010201', 'hex'))).toMatchObject({
      ok: false,
      error: 'too-long',
    });
  });

  it('refuses a UDH whose first octet is not its length', () => {
    expect(planParts('binary', Buffer.alloc(1), 'udh8', Buffer.from('0700030102', 'hex'))).toMatchObject({
      ok: false,
      error: 'udh-malformed',
    });
  });

  it('refuses a UDH whose elements overrun it', () => {
    expect(planParts('binary', Buffer.alloc(1), 'udh8', Buffer.from('040005010203'.slice(0, 10), 'hex'))).toMatchObject({
      ok: false,
      error: 'udh-malformed',
    });
  });

  it('refuses a UDH longer than 140 octets', () => {
    const udh = Buffer.alloc(141);
    udh[0] = 140;
    udh[1] = 0x70;
    udh[2] = 138;
    expect(planParts('binary', Buffer.alloc(1), 'udh8', udh)).toMatchObject({ ok: false, error: 'udh-too-long' });
  });

  it('refuses text that needs splitting when the UDH leaves no room for it', () => {
    const udh = Buffer.alloc(138);
    udh[0] = 137;
    udh[1] = 0x70;
    udh[2] = 135;
    expect(planParts('binary', Buffer.alloc(3), 'udh8', udh)).toMatchObject({ ok: false, error: 'udh-too-long' });
    expect(countParts('binary', Buffer.alloc(3), 'udh8', udh)).toBe(Number.POSITIVE_INFINITY);
  });

  it('plans the empty payload as one empty part', () => {
    expect(sizes(plan('gsm7', Buffer.alloc(0), 'udh8'))).toEqual([0]);
  });
});

describe('countParts', () => {
  it('agrees with planParts for every method, alphabet and many lengths', () => {
    const payloads: Array<[Alphabet, Buffer]> = [];
    for (let n = 0; n <= 700; n += 7) {
      payloads.push(
        ['gsm7', gsm('a{'.repeat(n).slice(0, n))],
        ['binary', Buffer.alloc(n)],
        ['ucs2', ucs2Encode('Я😀'.repeat(n).slice(0, n))],
      );
    }
    const udh = Buffer.from('03040100', 'hex');
    for (const [alphabet, payload] of payloads) {
      for (const method of METHODS) {
        for (const userUdh of [undefined, udh]) {
          const planned = planParts(alphabet, payload, method, userUdh);
          expect(planned.ok).toBe(true);
          if (planned.ok) expect(countParts(alphabet, payload, method, userUdh)).toBe(planned.plan.bodies.length);
        }
      }
    }
  });

  it('reports the real count past 255 parts so max-messages can be enforced', () => {
    expect(countParts('binary', Buffer.alloc(134 * 300), 'udh8')).toBe(300);
  });

  it('is 1 for method payload', () => {
    expect(countParts('binary', Buffer.alloc(10_000), 'payload')).toBe(1);
  });
});
