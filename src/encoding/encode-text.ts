import type { Alphabet } from './alphabet.js';
import { decodeCharset } from './charset.js';
import { fieldsToDcs, type Coding, type MessageClass } from './data-coding.js';
import { gsm7Encode } from './gsm7.js';
import { ucs2Encode } from './ucs2.js';

export type { Alphabet } from './alphabet.js';

/** A sendsms request's body and coding parameters, as received. */
export interface TextRequest {
  /** The raw bytes of `text` as they came over HTTP. */
  text: Buffer;
  /** What `text` is written in. Default: UTF-16BE when coding is 2, UTF-8 otherwise (Kannel). Ignored for 8-bit. */
  charset?: string;
  coding?: Coding;
  mclass?: MessageClass;
  mwi?: number;
  compress?: boolean;
  altDcs?: boolean;
  /** Kannel's `udh` parameter, UDHL first. Its presence makes 8-bit the default coding. */
  udh?: Buffer;
}

export type EncodeResult =
  /** payload: unpacked septets (gsm7), UTF-16BE (ucs2), Latin-1 or raw bytes (binary); never includes the UDH. */
  { ok: true; alphabet: Alphabet; dataCoding: number; payload: Buffer } | { ok: false; error: 'charset' | 'unencodable'; detail: string };

function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The accept-time encoding of a sendsms text.
 *
 * - coding 1 (or unset with a UDH): 8-bit, the bytes are sent exactly as they came, whatever `charset` says.
 * - coding 2: UCS-2.
 * - coding 0: GSM 7-bit; a character outside the GSM alphabets fails the request ('unencodable'). Kannel instead
 *   sends `?` in its place, which changes the message without telling anyone.
 * - unset, no UDH: GSM 7-bit when every character fits, otherwise UCS-2. Kannel would treat this as coding 0 and
 *   replace the characters with `?`; choosing UCS-2 delivers the text as written at the price of shorter parts.
 *
 * The data_coding octet is Kannel's for the coding actually used (see `fieldsToDcs`).
 */
export function encodeText(req: TextRequest): EncodeResult {
  const hasUdh = req.udh !== undefined && req.udh.length > 0;
  const requested = req.coding ?? (hasUdh ? 1 : undefined);
  const dcsFor = (coding: Coding, payload: Buffer): number =>
    fieldsToDcs({
      coding,
      hasUdh,
      mclass: req.mclass,
      mwi: req.mwi,
      compress: req.compress,
      altDcs: req.altDcs,
      emptyText: payload.length === 0,
    });

  if (requested === 1) {
    return { ok: true, alphabet: 'binary', dataCoding: dcsFor(1, req.text), payload: req.text };
  }

  const charset = req.charset ?? (requested === 2 ? 'utf-16be' : 'utf-8');
  const decoded = decodeCharset(req.text, charset);
  if (!decoded.ok) return { ok: false, error: 'charset', detail: decoded.detail };
  const text = decoded.text;

  if (requested !== 2) {
    const gsm = gsm7Encode(text);
    if (gsm.ok) return { ok: true, alphabet: 'gsm7', dataCoding: dcsFor(0, gsm.septets), payload: gsm.septets };
    if (requested === 0) {
      return {
        ok: false,
        error: 'unencodable',
        detail:
          `character "${gsm.char}" (${codePointLabel(gsm.char)}) at index ${gsm.index} is not in the GSM 7-bit ` +
          'alphabet; send it with coding=2 (UCS-2) or leave coding unset',
      };
    }
  }

  const payload = ucs2Encode(text);
  return { ok: true, alphabet: 'ucs2', dataCoding: dcsFor(2, payload), payload };
}
