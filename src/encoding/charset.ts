/**
 * Turning the bytes a client sent over HTTP into text, given the charset it named (Kannel's `charset` parameter or
 * the Content-Type charset). Undecodable bytes are an error, never replaced: a message is sent as the client wrote it
 * or not at all.
 */

export type CharsetResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly detail: string };

type Decode = (bytes: Buffer) => string | undefined;

function viaTextDecoder(label: string): Decode {
  const decoder = new TextDecoder(label, { fatal: true });
  return (bytes) => {
    try {
      return decoder.decode(bytes);
    } catch {
      return undefined;
    }
  };
}

const utf8 = viaTextDecoder('utf-8');
const utf16be = viaTextDecoder('utf-16be');
const utf16le = viaTextDecoder('utf-16le');

/** Unlabelled UTF-16 is big-endian unless a byte-order mark says otherwise (RFC 2781 §4.3, as iconv reads it). */
const utf16: Decode = (bytes) => (bytes[0] === 0xff && bytes[1] === 0xfe ? utf16le(bytes) : utf16be(bytes));

const latin1: Decode = (bytes) => bytes.toString('latin1');

const ascii: Decode = (bytes) => {
  for (const byte of bytes) if (byte > 0x7f) return undefined;
  return bytes.toString('latin1');
};

/**
 * 0x80–0x9F of windows-1252; 0 marks the five octets the code page leaves undefined, which we refuse. Node 20's
 * TextDecoder decodes 'windows-1252' as ISO-8859-1 (0x80 comes out as U+0080, not €), so the table is ours.
 */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
] as const;

const windows1252: Decode = (bytes) => {
  let text = '';
  for (const byte of bytes) {
    if (byte < 0x80 || byte > 0x9f) {
      text += String.fromCharCode(byte);
    } else {
      const unit = CP1252_HIGH[byte - 0x80] ?? 0;
      if (unit === 0) return undefined;
      text += String.fromCharCode(unit);
    }
  }
  return text;
};

const DECODERS: ReadonlyMap<string, Decode> = new Map<string, Decode>([
  ['utf-8', utf8],
  ['utf8', utf8],
  ['utf-16be', utf16be],
  ['utf16be', utf16be],
  ['ucs-2', utf16be],
  ['ucs2', utf16be],
  ['ucs-2be', utf16be],
  ['ucs2be', utf16be],
  ['iso-10646-ucs-2', utf16be],
  ['utf-16le', utf16le],
  ['utf16le', utf16le],
  ['ucs-2le', utf16le],
  ['ucs2le', utf16le],
  ['utf-16', utf16],
  ['utf16', utf16],
  ['iso-8859-1', latin1],
  ['iso8859-1', latin1],
  ['iso_8859-1', latin1],
  ['latin1', latin1],
  ['latin-1', latin1],
  ['l1', latin1],
  ['cp819', latin1],
  ['windows-1252', windows1252],
  ['cp1252', windows1252],
  ['ascii', ascii],
  ['us-ascii', ascii],
]);

export function isKnownCharset(charset: string): boolean {
  return DECODERS.has(charset.trim().toLowerCase());
}

export function decodeCharset(bytes: Buffer, charset: string): CharsetResult {
  const decode = DECODERS.get(charset.trim().toLowerCase());
  if (decode === undefined) return { ok: false, detail: `unknown charset "${charset}"` };
  const text = decode(bytes);
  if (text === undefined) return { ok: false, detail: `the text is not valid ${charset}` };
  return { ok: true, text };
}
