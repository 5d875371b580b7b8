/**
 * Parses an application/x-www-form-urlencoded string into raw bytes per name. Not URLSearchParams: that decodes
 * to UTF-8 strings, and a Kannel client may send `text` in another charset (charset=ISO-8859-1 with %E9) or as
 * binary (coding=1); the bytes must reach the encoder untouched. The first occurrence of a name wins, as in Kannel.
 */
/** A hex digit's value, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

function needsDecoding(s: string): boolean {
  return s.includes('%') || s.includes('+');
}

export function percentDecode(s: string): Buffer {
  if (!needsDecoding(s)) return Buffer.from(s, 'latin1');
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) out[n++] = 0x20;
    else if (c === 0x25 && i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) out[n++] = c;
      else {
        out[n++] = (hi << 4) | lo;
        i += 2;
      }
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

export function parseRawQuery(query: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!query) return out;
  // indexOf rather than split('&'): a sendsms query is parsed per request, and the pairs' array is not needed.
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      const eq = query.indexOf('=', start);
      const nameEnd = eq < 0 || eq > end ? end : eq;
      const rawName = query.slice(start, nameEnd);
      // Parameter names are plain ASCII nearly always: only an encoded one is decoded (as UTF-8, like Kannel's).
      const name = needsDecoding(rawName) ? percentDecode(rawName).toString('utf8') : rawName;
      if (!out.has(name)) out.set(name, percentDecode(nameEnd === end ? '' : query.slice(nameEnd + 1, end)));
    }
    start = end + 1;
  }
  return out;
}
