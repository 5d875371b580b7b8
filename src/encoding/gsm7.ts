/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1 and §6.2.1.1), as UNPACKED septets:
 * one septet per octet, an extension character as the escape 0x1B followed by its code. That is the form Kannel
 * sends and most SMSCs expect; packing is in `gsm7-pack.ts`.
 *
 * Encoding is exact: a character with no code point of its own in either table is not encodable and is reported,
 * never replaced. In particular `ç` (U+00E7) is not encodable: 23.038 gives 0x09 to `Ç`, so sending `ç` as 0x09
 * would change the text (Kannel does exactly that; we refuse). Look-alikes (Greek capital Alpha for `A`, the Ohm
 * sign for `Ω`, U+00A0 for a space), tab, ESC itself and anything outside the BMP are not encodable either.
 */
export { gsm7Pack, gsm7Unpack } from './gsm7-pack.js';

export const GSM7_ESCAPE = 0x1b;

/** Septets 0x00–0x7F of the default alphabet; index 0x1B is the escape and never encodes or decodes as itself. */
const BASE_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The characters of the extension table, keyed by the septet that follows the escape. */
const EXTENSION_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

const NOT_GSM = 0xffff;
const EXTENDED = 0x100;
/**
 * Every GSM character except `€` is below U+0400 (Latin-1, Greek), so one flat table answers the hot path with a
 * single index; the value is the septet, or EXTENDED | code for an extension character.
 */
const LOW_LIMIT = 0x400;
const LOW_TABLE = new Uint16Array(LOW_LIMIT).fill(NOT_GSM);
const EURO = 0x20ac;
let euroCode = NOT_GSM;

for (let septet = 0; septet < 0x80; septet++) {
  if (septet === GSM7_ESCAPE) continue;
  LOW_TABLE[BASE_TABLE.charCodeAt(septet)] = septet;
}
for (const [code, char] of EXTENSION_TABLE) {
  const unit = char.charCodeAt(0);
  if (unit === EURO) euroCode = EXTENDED | code;
  else LOW_TABLE[unit] = EXTENDED | code;
}

const DECODE_BASE: readonly string[] = Array.from(BASE_TABLE, (char, septet) => (septet === GSM7_ESCAPE ? ' ' : char));
const DECODE_EXTENSION: readonly string[] = (() => {
  // 23.038 §6.2.1.1: a code with no symbol in the extension table is shown as the default-table character.
  const table = DECODE_BASE.slice();
  for (const [code, char] of EXTENSION_TABLE) table[code] = char;
  // ESC ESC is reserved for a further extension table and is to be shown as a space until one is defined.
  table[GSM7_ESCAPE] = ' ';
  return table;
})();

function lookup(unit: number): number {
  if (unit < LOW_LIMIT) return LOW_TABLE[unit] ?? NOT_GSM;
  return unit === EURO ? euroCode : NOT_GSM;
}

export type Gsm7EncodeResult =
  | { readonly ok: true; readonly septets: Buffer }
  /** `char` is the whole offending character (both halves of a surrogate pair); `index` is its UTF-16 index in the text. */
  | { readonly ok: false; readonly char: string; readonly index: number };

function notEncodable(text: string, index: number): Gsm7EncodeResult {
  const codePoint = text.codePointAt(index) ?? 0;
  return { ok: false, char: String.fromCodePoint(codePoint), index };
}

export function gsm7Encode(text: string): Gsm7EncodeResult {
  const out = Buffer.allocUnsafe(text.length * 2);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const value = lookup(text.charCodeAt(i));
    if (value === NOT_GSM) return notEncodable(text, i);
    if (value & EXTENDED) {
      out[at++] = GSM7_ESCAPE;
      out[at++] = value & 0x7f;
    } else {
      out[at++] = value;
    }
  }
  return { ok: true, septets: out.subarray(0, at) };
}

/** Septets the text takes (extension characters count two), or undefined when some character is not GSM. */
export function gsm7Length(text: string): number | undefined {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const value = lookup(text.charCodeAt(i));
    if (value === NOT_GSM) return undefined;
    septets += value & EXTENDED ? 2 : 1;
  }
  return septets;
}

/** True when every character of the text is in the default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  return gsm7Length(text) !== undefined;
}

/**
 * Never throws. A trailing escape with nothing after it reads as a space, like ESC ESC; an octet above 0x7F cannot be
 * a septet and reads as U+FFFD so garbage stays visible (decode-inbound reports it as malformed).
 */
export function gsm7Decode(septets: Buffer): string {
  let text = '';
  const length = septets.length;
  for (let i = 0; i < length; i++) {
    const septet = septets[i] ?? 0;
    if (septet > 0x7f) {
      text += '\ufffd';
    } else if (septet === GSM7_ESCAPE) {
      const next = septets[i + 1];
      if (next === undefined) {
        text += ' ';
      } else {
        text += next > 0x7f ? '\ufffd' : (DECODE_EXTENSION[next] ?? ' ');
        i++;
      }
    } else {
      text += DECODE_BASE[septet] ?? ' ';
    }
  }
  return text;
}
