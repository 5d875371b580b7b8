/**
 * UCS-2 as SMSCs actually use it: UTF-16 big-endian (SMPP data_coding 8, 23.038 "UCS2"). Characters outside the BMP
 * are sent as surrogate pairs, which every current handset shows as one character; splitting never separates a pair
 * (see `segment.ts`).
 */

export function ucs2Encode(text: string): Buffer {
  // Node has no UTF-16BE codec; writing little-endian and swapping in place is one pass each, no per-char work.
  const bytes = Buffer.from(text, 'utf16le');
  return bytes.swap16();
}

/**
 * Never throws. An odd-length buffer cannot be UTF-16, so its dangling last byte is dropped (decode-inbound reports
 * that as malformed). Lone surrogates are kept as they are rather than replaced.
 */
export function ucs2Decode(bytes: Buffer): string {
  const even = bytes.length & ~1;
  if (even === 0) return '';
  const copy = Buffer.allocUnsafe(even);
  bytes.copy(copy, 0, 0, even);
  return copy.swap16().toString('utf16le');
}

/** 16-bit units the text takes as UCS-2: a character outside the BMP counts two. */
export function ucs2Units(text: string): number {
  return text.length;
}
