import type { ConcatenationMethod } from '../domain/link.js';
import type { Alphabet } from './alphabet.js';
import { GSM7_ESCAPE } from './gsm7.js';
import { checkUserUdh, concatElementLength } from './udh.js';

/** The user data of one SMS (23.040 TP-UD), UDH included. */
export const SMS_USER_DATA_OCTETS = 140;
/** message_payload's length field is 16 bits. */
export const MAX_MESSAGE_PAYLOAD_OCTETS = 0xffff;
/** The concatenation element and the sar_* TLVs count parts in one octet. */
export const MAX_PARTS = 255;

export interface PartPlan {
  readonly alphabet: Alphabet;
  readonly method: ConcatenationMethod;
  /** Each part's body, unpacked, without any header: slices of the payload. */
  readonly bodies: readonly Buffer[];
  /** The parts need concatenation information (a UDH element or sar_* TLVs). */
  readonly concatenated: boolean;
  /** The whole text goes in message_payload: method 'payload' with more than one short message's worth. */
  readonly viaPayload: boolean;
  /** The user's header, repeated in every part; undefined when none was given. */
  readonly userUdh: Buffer | undefined;
}

export type PlanError = {
  readonly ok: false;
  readonly error: 'too-many-parts' | 'too-long' | 'udh-malformed' | 'udh-too-long';
  readonly detail: string;
};

export type PlanResult = { readonly ok: true; readonly plan: PartPlan } | PlanError;

/**
 * Payload units (septets for gsm7, octets otherwise) that fit beside a header of `udhOctets` octets. For GSM the fill
 * bits after the header never cost a septet: 140 × 8 is a multiple of 7, so the floor already absorbs them.
 */
export function partCapacity(alphabet: Alphabet, udhOctets: number): number {
  const room = SMS_USER_DATA_OCTETS - udhOctets;
  if (room <= 0) return 0;
  if (alphabet === 'gsm7') return Math.floor((room * 8) / 7);
  if (alphabet === 'ucs2') return room & ~1;
  return room;
}

/**
 * Where the part starting at `start` ends: as far as `capacity` allows without cutting a GSM escape sequence
 * (0x1B + code) or a UTF-16 surrogate pair in two, since a half on either side would show as the wrong character.
 */
function partEnd(alphabet: Alphabet, payload: Buffer, start: number, capacity: number): number {
  const length = payload.length;
  if (alphabet === 'gsm7') {
    let at = start;
    while (at < length) {
      const step = payload[at] === GSM7_ESCAPE && at + 1 < length ? 2 : 1;
      if (at + step - start > capacity) break;
      at += step;
    }
    return at;
  }
  const end = start + capacity;
  if (end >= length) return length;
  if (alphabet === 'ucs2') {
    const high = payload[end - 2] ?? 0;
    if (high >= 0xd8 && high <= 0xdb) return end - 2;
  }
  return end;
}

/** Ends of each part; empty when a part cannot hold even one character. */
function partEnds(alphabet: Alphabet, payload: Buffer, capacity: number): number[] {
  const ends: number[] = [];
  let start = 0;
  do {
    const end = partEnd(alphabet, payload, start, capacity);
    if (end === start && payload.length > 0) return [];
    ends.push(end);
    start = end;
  } while (start < payload.length);
  return ends;
}

function concatCapacity(alphabet: Alphabet, method: ConcatenationMethod, userUdhOctets: number): number {
  if (method === 'sar') return partCapacity(alphabet, userUdhOctets);
  const element = concatElementLength(method === 'udh16' ? 16 : 8);
  // Without a user header, the concatenation element brings its own UDHL octet.
  return partCapacity(alphabet, (userUdhOctets === 0 ? 1 : userUdhOctets) + element);
}

function fitsOnePart(alphabet: Alphabet, payload: Buffer, userUdhOctets: number): boolean {
  return payload.length <= partCapacity(alphabet, userUdhOctets);
}

/**
 * How many submit_sm the message takes, with no allocation beyond a small array, for the HTTP layer's
 * `max-messages`. It ignores the limits planParts enforces (255 parts, 64 KiB payload) so an over-long message
 * reports its real count; a user header that leaves no room for a single character counts as Infinity.
 */
export function countParts(alphabet: Alphabet, payload: Buffer, method: ConcatenationMethod, userUdh?: Buffer): number {
  const userUdhOctets = userUdh?.length ?? 0;
  if (method === 'payload' || fitsOnePart(alphabet, payload, userUdhOctets)) return 1;
  const ends = partEnds(alphabet, payload, concatCapacity(alphabet, method, userUdhOctets));
  return ends.length === 0 ? Number.POSITIVE_INFINITY : ends.length;
}

/**
 * Splits an encoded payload (see encodeText) into the bodies of the submit_sm that will carry it.
 *
 * - One part when it fits one SMS beside the user header: no concatenation information at all.
 * - 'udh8' / 'udh16': 153/152 septets, 134/133 octets, 67/66 UCS-2 units per part (less any user header, which is
 *   repeated in every part with the concatenation element appended).
 * - 'sar': the sar_* TLVs take no room in the body, so parts keep the single-SMS 160/140/70.
 * - 'payload': one PDU. A text that fits one SMS still goes in short_message, which every SMSC accepts; longer text
 *   goes whole in message_payload (at most 65 535 octets with the user header) and the SMSC splits it.
 */
export function planParts(alphabet: Alphabet, payload: Buffer, method: ConcatenationMethod, userUdh?: Buffer): PlanResult {
  const hasUserUdh = userUdh !== undefined && userUdh.length > 0;
  if (hasUserUdh) {
    const check = checkUserUdh(userUdh);
    if (!check.ok) return check;
  }
  const udh = hasUserUdh ? userUdh : undefined;
  const userUdhOctets = udh?.length ?? 0;

  if (fitsOnePart(alphabet, payload, userUdhOctets)) {
    return { ok: true, plan: { alphabet, method, bodies: [payload], concatenated: false, viaPayload: false, userUdh: udh } };
  }
  if (method === 'payload') {
    if (userUdhOctets + payload.length > MAX_MESSAGE_PAYLOAD_OCTETS) {
      return {
        ok: false,
        error: 'too-long',
        detail: `${userUdhOctets + payload.length} octets do not fit message_payload (at most ${MAX_MESSAGE_PAYLOAD_OCTETS})`,
      };
    }
    return { ok: true, plan: { alphabet, method, bodies: [payload], concatenated: false, viaPayload: true, userUdh: udh } };
  }

  const ends = partEnds(alphabet, payload, concatCapacity(alphabet, method, userUdhOctets));
  if (ends.length === 0) {
    return { ok: false, error: 'udh-too-long', detail: 'the UDH leaves no room for text in a concatenated part' };
  }
  if (ends.length > MAX_PARTS) {
    return { ok: false, error: 'too-many-parts', detail: `the message needs ${ends.length} parts; at most ${MAX_PARTS}` };
  }
  const bodies: Buffer[] = [];
  let start = 0;
  for (const end of ends) {
    bodies.push(payload.subarray(start, end));
    start = end;
  }
  return { ok: true, plan: { alphabet, method, bodies, concatenated: true, viaPayload: false, userUdh: udh } };
}
