/**
 * Parses an application/x-www-form-urlencoded string into raw bytes per name. Not URLSearchParams: that decodes
 * to UTF-8 strings, and a Kannel client may send `text` in another charset (charset=ISO-8859-1 with %E9) or as
 * binary (coding=1); the bytes must reach the encoder untouched. The first occurrence of a name wins, as in Kannel.
 */
const HEX: Record<string, number> = {};
for (let i = 0; i < 16; i++) {
  HEX[i.toString(16)] = i;
  HEX[i.toString(16).toUpperCase()] = i;
}

export function percentDecode(s: string): Buffer {
  if (!s.includes('%') && !s.includes('+')) return Buffer.from(s, 'latin1');
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) out[n++] = 0x20;
    else if (c === 0x25 && i + 2 < s.length && HEX[s[i + 1] ?? ''] !== undefined && HEX[s[i + 2] ?? ''] !== undefined) {
      out[n++] = (HEX[s[i + 1]!]! << 4) | HEX[s[i + 2]!]!;
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

export function parseRawQuery(query: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!query) return out;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq)).toString('utf8');
    if (out.has(name)) continue;
    out.set(name, percentDecode(eq < 0 ? '' : pair.slice(eq + 1)));
  }
  return out;
}
