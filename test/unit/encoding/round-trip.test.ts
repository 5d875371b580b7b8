import { describe, expect, it } from 'vitest';
import type { ConcatenationMethod } from '../../../src/domain/link.js';
import { buildParts, type SubmitPart } from '../../../src/encoding/build-parts.js';
import { decodeShortMessage, ESM_CLASS_UDHI } from '../../../src/encoding/decode-inbound.js';
import { encodeText } from '../../../src/encoding/encode-text.js';
import { gsm7FillBits, gsm7Unpack } from '../../../src/encoding/gsm7-pack.js';
import { addPart, EMPTY_REASSEMBLY } from '../../../src/encoding/reassembly.js';
import { planParts } from '../../../src/encoding/segment.js';

const METHODS: readonly ConcatenationMethod[] = ['udh8', 'udh16', 'sar', 'payload'];

/** What an SMSC delivering these parts as deliver_sm would hand decodeShortMessage, unpacked. */
function delivered(part: SubmitPart, bodySeptets: number | undefined): Buffer {
  const carried = part.messagePayload ?? part.shortMessage;
  if (bodySeptets === undefined) return carried;
  // Packed: unpack the body after the header, as the SMSC does, back to one septet per octet.
  const udhOctets = part.udhi ? (carried[0] ?? 0) + 1 : 0;
  const fill = udhOctets === 0 ? 0 : gsm7FillBits(udhOctets);
  return Buffer.concat([carried.subarray(0, udhOctets), gsm7Unpack(carried.subarray(udhOctets), bodySeptets, fill)]);
}

/** Sends `text` through encodeText → buildParts → decodeShortMessage → reassembly and returns what comes out. */
function roundTrip(text: string, method: ConcatenationMethod, packed: boolean): { text: string; parts: number } {
  const encoded = encodeText({ text: Buffer.from(text, 'utf8') });
  if (!encoded.ok) throw new Error(encoded.detail);
  const built = buildParts(encoded.alphabet, encoded.payload, method, 0x1a2b, undefined, packed);
  if (!built.ok) throw new Error(built.detail);
  const planned = planParts(encoded.alphabet, encoded.payload, method);
  const bodies = planned.ok ? planned.plan.bodies : [];
  const knowsSeptets = packed && encoded.alphabet === 'gsm7';

  let state = EMPTY_REASSEMBLY;
  let output: string | undefined;
  // Deliver in reverse to prove the order is rebuilt from the concatenation information.
  const order = built.parts.map((part, index) => ({ part, index })).reverse();
  for (const { part, index } of order) {
    const decoded = decodeShortMessage({
      dataCoding: encoded.dataCoding,
      esmClass: part.udhi ? ESM_CLASS_UDHI : 0,
      shortMessage: delivered(part, knowsSeptets ? bodies[index]?.length : undefined),
      sar: part.sar,
    });
    expect(decoded.malformed).toBeUndefined();
    if (decoded.concat === undefined) {
      output = decoded.text;
      continue;
    }
    const result = addPart(state, { source: '+15550001', destination: '1234', ...decoded.concat, text: decoded.text }, 1_000 + index);
    state = result.state;
    if (result.complete !== undefined) output = result.complete.text;
  }
  expect(state.groups.size).toBe(0);
  if (output === undefined) throw new Error('nothing came out');
  return { text: output, parts: built.parts.length };
}

// Offset 1 into the repeated phrase makes an escape pair straddle a boundary for udh8, udh16 and sar alike.
const GSM_TEXT = 'Order {A-7} [paid] costs 12€ ~ ^ | \\ ok; '.repeat(20).slice(1, 501);
const CYRILLIC = 'Съешь же ещё этих мягких французских булок, да выпей чаю. '.repeat(5);
const CYRILLIC_TEXT = `${CYRILLIC.slice(0, 66)}😀${CYRILLIC.slice(66, 199)}`;

describe('round trip: 500 GSM characters with {}[]€', () => {
  it('is GSM and long enough to need several parts, with an escape pair landing on a part boundary', () => {
    expect([...GSM_TEXT]).toHaveLength(500);
    const encoded = encodeText({ text: Buffer.from(GSM_TEXT) });
    expect(encoded.ok && encoded.alphabet).toBe('gsm7');
    const sizesFor = (method: ConcatenationMethod): number[] => {
      const planned = encoded.ok ? planParts('gsm7', encoded.payload, method) : undefined;
      return planned?.ok ? planned.plan.bodies.map((body) => body.length) : [];
    };
    expect(sizesFor('udh8')).toEqual([153, 152, 153, 151]);
    expect(sizesFor('udh16')).toEqual([152, 152, 151, 152, 2]);
    expect(sizesFor('sar')).toEqual([160, 159, 160, 130]);
  });

  it.each(METHODS.flatMap((method) => [[method, false] as const, [method, true] as const]))(
    '%s (packed: %s) reassembles to the original exactly',
    (method, packed) => {
      const result = roundTrip(GSM_TEXT, method, packed);
      expect(result.text).toBe(GSM_TEXT);
      expect(result.parts).toBe({ udh8: 4, udh16: 5, sar: 4, payload: 1 }[method]);
    },
  );
});

describe('round trip: 200 Cyrillic characters with an emoji', () => {
  it('is UCS-2 with the emoji straddling the 67-unit boundary', () => {
    expect([...CYRILLIC_TEXT]).toHaveLength(200);
    const encoded = encodeText({ text: Buffer.from(CYRILLIC_TEXT) });
    expect(encoded.ok && encoded.alphabet).toBe('ucs2');
    expect(encoded.ok && encoded.payload.subarray(132, 134).toString('hex')).toBe('d83d');
  });

  it.each(METHODS.flatMap((method) => [[method, false] as const, [method, true] as const]))(
    '%s (packed: %s) reassembles to the original exactly',
    (method, packed) => {
      const result = roundTrip(CYRILLIC_TEXT, method, packed);
      expect(result.text).toBe(CYRILLIC_TEXT);
      expect(result.parts).toBe({ udh8: 4, udh16: 4, sar: 3, payload: 1 }[method]);
    },
  );
});
