import type { DcsAlphabet } from './alphabet.js';
import { dcsToAlphabet, type DcsInfo, type MessageClass } from './data-coding.js';
import { gsm7Decode } from './gsm7.js';
import { latin1Decode } from './latin1.js';
import { findConcat, isValidConcat, parseUdh, type ConcatInfo } from './udh.js';
import { ucs2Decode } from './ucs2.js';

/** esm_class bit 6: short_message starts with a UDH. */
export const ESM_CLASS_UDHI = 0x40;

/** The parts of a deliver_sm (MO or receipt) that carry text. */
export interface InboundShortMessage {
  readonly dataCoding: number;
  readonly esmClass: number;
  /** short_message, or message_payload when sm_length is 0 (the caller picks). */
  readonly shortMessage: Buffer;
  /** From the sar_* TLVs, when present. */
  readonly sar?: { readonly ref: number; readonly total: number; readonly seq: number };
}

export interface DecodedShortMessage {
  readonly text: string;
  readonly alphabet: DcsAlphabet;
  /** The header as received, UDHL first. */
  readonly udh?: Buffer;
  readonly concat?: ConcatInfo;
  /** The body's own octets for binary or compressed data, which have no faithful text form. */
  readonly bytes?: Buffer;
  readonly mclass?: MessageClass;
  readonly mwi?: DcsInfo['mwi'];
  readonly compressed?: true;
  /** Something did not add up (truncated UDH, odd UCS-2, octets outside the alphabet...); the rest was decoded. */
  readonly malformed?: true;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Body {
  readonly text: string;
  readonly malformed: boolean;
}

function hasHighBit(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte > 0x7f) return true;
  return false;
}

function decodeBody(alphabet: DcsAlphabet, body: Buffer): Body {
  switch (alphabet) {
    case 'gsm7':
      // DCS 0 is read unpacked, one septet per octet, as Kannel and most SMSCs deliver it.
      return { text: gsm7Decode(body), malformed: hasHighBit(body) };
    case 'ascii': {
      const malformed = hasHighBit(body);
      const text = body.toString('latin1');
      return { text: malformed ? text.replace(/[\u0080-\u00ff]/g, '\ufffd') : text, malformed };
    }
    case 'latin1':
    case 'binary':
      return { text: latin1Decode(body), malformed: false };
    case 'ucs2':
      return { text: ucs2Decode(body), malformed: (body.length & 1) === 1 };
  }
}

/**
 * Text, header and concatenation details of a received short message. Never throws: with a header that runs past
 * the message, an invalid concatenation element, odd-length UCS-2 or the like, it decodes what it can and sets
 * `malformed`. A concatenation element in the UDH wins over sar_* TLVs when both are present (Kannel rejects such
 * a PDU; we keep the text and flag it).
 */
export function decodeShortMessage(message: InboundShortMessage): DecodedShortMessage {
  const info = dcsToAlphabet(message.dataCoding);
  let malformed = false;
  let body = message.shortMessage;
  let udh: Buffer | undefined;
  let concat: ConcatInfo | undefined;

  if (message.esmClass & ESM_CLASS_UDHI) {
    const parsed = parseUdh(message.shortMessage);
    malformed = parsed.malformed;
    if (parsed.length > 0) udh = message.shortMessage.subarray(0, parsed.length);
    body = message.shortMessage.subarray(parsed.length);
    const found = findConcat(parsed.elements);
    if (found !== undefined) {
      if (isValidConcat(found)) concat = found;
      else malformed = true;
    }
  }

  if (message.sar !== undefined) {
    const fromSar: ConcatInfo = {
      ref: message.sar.ref & 0xffff,
      total: message.sar.total,
      seq: message.sar.seq,
      refBits: 16,
    };
    if (concat !== undefined || !isValidConcat(fromSar)) malformed = true;
    else concat = fromSar;
  }

  const opaque = info.compressed || info.alphabet === 'binary';
  const decoded = opaque ? { text: latin1Decode(body), malformed: false } : decodeBody(info.alphabet, body);
  malformed ||= decoded.malformed;

  // Built field by field: conditional spreads cost about a microsecond each in V8.
  const result: Mutable<DecodedShortMessage> = { text: decoded.text, alphabet: info.alphabet };
  if (udh !== undefined) result.udh = udh;
  if (concat !== undefined) result.concat = concat;
  if (opaque) result.bytes = body;
  if (info.mclass !== undefined) result.mclass = info.mclass;
  if (info.mwi !== undefined) result.mwi = info.mwi;
  if (info.compressed) result.compressed = true;
  if (malformed) result.malformed = true;
  return result;
}
