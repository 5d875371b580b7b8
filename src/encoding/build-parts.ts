import type { ConcatenationMethod } from '../domain/link.js';
import type { Alphabet } from './alphabet.js';
import { septetsToAlt, type AltCharset } from './alt-charset.js';
import { gsm7FillBits, gsm7Pack } from './gsm7-pack.js';
import { planParts, type PlanError } from './segment.js';
import { appendElements, concatElement } from './udh.js';

/** What one submit_sm carries, ready for the SMPP layer. */
export interface SubmitPart {
  /** UDH (when `udhi`) followed by the body; empty when the text travels in `messagePayload`. */
  shortMessage: Buffer;
  /** Set esm_class bit 0x40. */
  udhi: boolean;
  /** sar_msg_ref_num, sar_total_segments, sar_segment_seqnum for method 'sar'. */
  sar?: { ref: number; total: number; seq: number };
  /** UDH and body for the message_payload TLV (method 'payload', longer than one SMS). */
  messagePayload?: Buffer;
}

export type BuildResult = { readonly ok: true; readonly parts: SubmitPart[] } | PlanError;

const CR_SEPTET = 0x0d;

/**
 * Packed septets after a header of `udhOctets`. When the last octet would keep 7 spare bits, a receiver that counts
 * septets from the octet length reads one septet too many, an `@`; 23.038 §6.1.2.3.1 fills that gap with CR instead.
 */
function packBody(septets: Buffer, udhOctets: number): Buffer {
  const fill = udhOctets === 0 ? 0 : gsm7FillBits(udhOctets);
  if ((fill + septets.length * 7) % 8 !== 1) return gsm7Pack(septets, fill);
  return gsm7Pack(Buffer.concat([septets, Buffer.of(CR_SEPTET)]), fill);
}

function withHeader(udh: Buffer | undefined, body: Buffer, alphabet: Alphabet, packed: boolean, altCharset?: AltCharset): Buffer {
  const udhOctets = udh?.length ?? 0;
  const encoded =
    alphabet === 'gsm7' && altCharset !== undefined && altCharset !== 'gsm'
      ? septetsToAlt(body, altCharset)
      : packed && alphabet === 'gsm7'
        ? packBody(body, udhOctets)
        : body;
  return udh === undefined ? encoded : Buffer.concat([udh, encoded]);
}

/**
 * The submit_sm contents for a payload from encodeText, split as planParts decides. `ref` is the caller's
 * concatenation reference, kept unique per destination: its low 8 bits go in a 'udh8' element, 16 bits in 'udh16'
 * and sar_msg_ref_num. A message that fits one SMS gets no concatenation information. `packed` packs GSM septets
 * (with fill bits after a UDH), for links whose SMSC wants them packed.
 */
export function buildParts(
  alphabet: Alphabet,
  payload: Buffer,
  method: ConcatenationMethod,
  ref: number,
  userUdh?: Buffer,
  packed = false,
  /** GSM text re-encoded in this single-octet charset (a link's alt-charset, for data_coding 0); never packed. */
  altCharset?: AltCharset,
): BuildResult {
  const planned = planParts(alphabet, payload, method, userUdh);
  if (!planned.ok) return planned;
  const { bodies, concatenated, viaPayload } = planned.plan;
  const udh = planned.plan.userUdh;
  const udhi = udh !== undefined;

  if (viaPayload) {
    const body = bodies[0] ?? Buffer.alloc(0);
    return {
      ok: true,
      parts: [{ shortMessage: Buffer.alloc(0), udhi, messagePayload: withHeader(udh, body, alphabet, packed, altCharset) }],
    };
  }
  if (!concatenated) {
    const body = bodies[0] ?? Buffer.alloc(0);
    return { ok: true, parts: [{ shortMessage: withHeader(udh, body, alphabet, packed, altCharset), udhi }] };
  }

  const total = bodies.length;
  const parts: SubmitPart[] = bodies.map((body, index) => {
    const seq = index + 1;
    if (method === 'sar') {
      return { shortMessage: withHeader(udh, body, alphabet, packed, altCharset), udhi, sar: { ref: ref & 0xffff, total, seq } };
    }
    const element = method === 'udh16' ? concatElement(16, ref, total, seq) : concatElement(8, ref, total, seq);
    return { shortMessage: withHeader(appendElements(udh, element), body, alphabet, packed, altCharset), udhi: true };
  });
  return { ok: true, parts };
}
