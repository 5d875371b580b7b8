/**
 * Kannel's per-link `alt-charset` and `alt-addr-charset`: some SMSCs read data_coding 0 (and alphanumeric sender
 * addresses) as another single-octet charset than GSM 03.38. The text is then re-encoded for that link only, from
 * the GSM septets the accept path stored, and read back the same way on MO. Only single-octet charsets are taken,
 * so a part's octet count is its character count, as the split assumed. A character the charset lacks becomes '?',
 * as the SMSC could not show it either. Pure.
 */
import { decodeCharset } from './charset.js';
import { gsm7Decode, gsm7Encode } from './gsm7.js';

export type AltCharset = 'gsm' | 'latin1' | 'ascii' | 'windows-1252';

const NAMES: ReadonlyMap<string, AltCharset> = new Map([
  ['gsm', 'gsm'],
  ['gsm0338', 'gsm'],
  ['gsm-03.38', 'gsm'],
  ['iso-8859-1', 'latin1'],
  ['iso8859-1', 'latin1'],
  ['iso_8859-1', 'latin1'],
  ['latin1', 'latin1'],
  ['latin-1', 'latin1'],
  ['ascii', 'ascii'],
  ['us-ascii', 'ascii'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
]);

/** The names a configuration may give, for messages. */
export const ALT_CHARSET_NAMES = 'GSM, ISO-8859-1 (LATIN1), ASCII, WINDOWS-1252 (CP1252)';

export function parseAltCharset(name: string): AltCharset | undefined {
  return NAMES.get(name.trim().toLowerCase());
}

/** windows-1252's 0x80–0x9F, by Unicode code unit (the rest of its range is Latin-1). */
const CP1252_BY_UNIT: ReadonlyMap<number, number> = (() => {
  const m = new Map<number, number>();
  for (let b = 0x80; b <= 0x9f; b++) {
    const r = decodeCharset(Buffer.of(b), 'windows-1252');
    if (r.ok) m.set(r.text.charCodeAt(0), b);
  }
  return m;
})();

const QUESTION = 0x3f;

/** Text in a single-octet charset; unmappable characters become '?'. */
export function encodeAlt(text: string, charset: AltCharset): Buffer {
  if (charset === 'gsm') {
    const whole = gsm7Encode(text);
    if (whole.ok) return whole.septets;
    const parts: Buffer[] = [];
    for (const ch of text) {
      const g = gsm7Encode(ch);
      parts.push(g.ok ? g.septets : Buffer.of(QUESTION));
    }
    return Buffer.concat(parts);
  }
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const ch of text) {
    const unit = ch.codePointAt(0) ?? QUESTION;
    let byte: number;
    if (charset === 'ascii') byte = unit <= 0x7f ? unit : QUESTION;
    else if (charset === 'latin1') byte = unit <= 0xff ? unit : QUESTION;
    else byte = (unit < 0x80 || (unit >= 0xa0 && unit <= 0xff) ? unit : CP1252_BY_UNIT.get(unit)) ?? QUESTION;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** Octets in a single-octet charset as text; octets it leaves undefined become '?'. */
export function decodeAlt(bytes: Buffer, charset: AltCharset): string {
  if (charset === 'gsm') return gsm7Decode(bytes);
  let text = '';
  for (const b of bytes) {
    if (charset === 'ascii') text += b <= 0x7f ? String.fromCharCode(b) : '?';
    else if (charset === 'latin1' || b < 0x80 || b > 0x9f) text += String.fromCharCode(b);
    else {
      const r = decodeCharset(Buffer.of(b), 'windows-1252');
      text += r.ok ? r.text : '?';
    }
  }
  return text;
}

/** GSM septets (one per octet, as the accept path stores them) re-encoded in `charset`. */
export function septetsToAlt(septets: Buffer, charset: AltCharset): Buffer {
  return charset === 'gsm' ? septets : encodeAlt(gsm7Decode(septets), charset);
}
