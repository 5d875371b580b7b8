/**
 * ISO-8859-1 for SMPP data_coding 3. Only U+0000–U+00FF encode; anything else is reported, never replaced.
 */

export type Latin1EncodeResult =
  | { readonly ok: true; readonly bytes: Buffer }
  /** `char` is the whole offending character (both halves of a surrogate pair); `index` is its UTF-16 index. */
  | { readonly ok: false; readonly char: string; readonly index: number };

export function latin1Encode(text: string): Latin1EncodeResult {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      return { ok: false, char: String.fromCodePoint(text.codePointAt(i) ?? 0), index: i };
    }
  }
  return { ok: true, bytes: Buffer.from(text, 'latin1') };
}

/** Every octet is a Latin-1 character, so this cannot fail. */
export function latin1Decode(bytes: Buffer): string {
  return bytes.toString('latin1');
}
