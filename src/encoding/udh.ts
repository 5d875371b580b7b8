/**
 * The user data header (3GPP TS 23.040 §9.2.3.24): UDHL, then information elements as IEI, length, data. Only the
 * concatenation elements are interpreted here; every other element (ports, special SMS indication, national
 * language shifts...) is carried through untouched.
 */

export const IEI_CONCAT_8 = 0x00;
export const IEI_CONCAT_16 = 0x08;
/** A whole short message is 140 octets; a UDH cannot be longer. */
export const MAX_UDH_OCTETS = 140;

export interface InformationElement {
  readonly iei: number;
  readonly data: Buffer;
}

export interface ParsedUdh {
  readonly elements: readonly InformationElement[];
  /** Octets the header takes in the message, UDHL included; never more than the message has. */
  readonly length: number;
  /** UDHL points past the end of the message, or an element runs past the end of the header. */
  readonly malformed: boolean;
}

/** Reads the header at the start of a short message whose UDHI bit is set. Never throws. */
export function parseUdh(message: Buffer): ParsedUdh {
  const udhl = message[0];
  if (udhl === undefined) return { elements: [], length: 0, malformed: true };
  const declared = udhl + 1;
  const length = Math.min(declared, message.length);
  const elements: InformationElement[] = [];
  let malformed = declared > message.length;
  let at = 1;
  while (at < length) {
    const iei = message[at];
    const size = message[at + 1];
    if (iei === undefined || size === undefined || at + 2 + size > length) {
      malformed = true;
      break;
    }
    elements.push({ iei, data: message.subarray(at + 2, at + 2 + size) });
    at += 2 + size;
  }
  return { elements, length, malformed };
}

export type ConcatRefBits = 8 | 16;

export interface ConcatInfo {
  readonly ref: number;
  readonly total: number;
  readonly seq: number;
  readonly refBits: ConcatRefBits;
}

/** The last well-formed concatenation element wins, as 23.040 allows an element to be repeated. */
export function findConcat(elements: readonly InformationElement[]): ConcatInfo | undefined {
  let found: ConcatInfo | undefined;
  for (const { iei, data } of elements) {
    if (iei === IEI_CONCAT_8 && data.length === 3) {
      found = { ref: data[0] ?? 0, total: data[1] ?? 0, seq: data[2] ?? 0, refBits: 8 };
    } else if (iei === IEI_CONCAT_16 && data.length === 4) {
      found = { ref: data.readUInt16BE(0), total: data[2] ?? 0, seq: data[3] ?? 0, refBits: 16 };
    }
  }
  return found;
}

/** 23.040 §9.2.3.24.1: a part number of 0 or above the total, or a total of 0, means the element is to be ignored. */
export function isValidConcat(concat: ConcatInfo): boolean {
  return concat.total >= 1 && concat.seq >= 1 && concat.seq <= concat.total;
}

/** The concatenation element (IEI, length, data) for one part. */
export function concatElement(refBits: ConcatRefBits, ref: number, total: number, seq: number): Buffer {
  if (refBits === 8) return Buffer.from([IEI_CONCAT_8, 3, ref & 0xff, total, seq]);
  return Buffer.from([IEI_CONCAT_16, 4, (ref >> 8) & 0xff, ref & 0xff, total, seq]);
}

/** Octets a concatenation element takes (IEI and length included). */
export function concatElementLength(refBits: ConcatRefBits): number {
  return refBits === 8 ? 5 : 6;
}

/** A header made of the user's header (UDHL first, may be absent) with more elements appended, UDHL recomputed. */
export function appendElements(userUdh: Buffer | undefined, elements: Buffer): Buffer {
  const userElements = userUdh === undefined || userUdh.length === 0 ? 0 : userUdh.length - 1;
  const out = Buffer.allocUnsafe(1 + userElements + elements.length);
  out[0] = userElements + elements.length;
  if (userUdh !== undefined && userElements > 0) userUdh.copy(out, 1, 1);
  elements.copy(out, 1 + userElements);
  return out;
}

export type UdhCheck =
  { readonly ok: true } | { readonly ok: false; readonly error: 'udh-malformed' | 'udh-too-long'; readonly detail: string };

/**
 * Kannel's sendsms check (its first octet must be the length of the rest, at most 140 octets), plus the elements
 * must tile the header exactly, since a header we cannot walk cannot have a concatenation element appended.
 */
export function checkUserUdh(udh: Buffer): UdhCheck {
  if (udh.length === 0 || udh[0] !== udh.length - 1) {
    return { ok: false, error: 'udh-malformed', detail: 'the first octet of the UDH must be the length of the rest' };
  }
  if (udh.length > MAX_UDH_OCTETS) {
    return { ok: false, error: 'udh-too-long', detail: `the UDH is ${udh.length} octets; at most ${MAX_UDH_OCTETS}` };
  }
  if (parseUdh(udh).malformed) {
    return { ok: false, error: 'udh-malformed', detail: 'an information element runs past the end of the UDH' };
  }
  return { ok: true };
}
