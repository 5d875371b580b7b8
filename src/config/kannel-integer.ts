/**
 * Integers as Kannel reads them from its configuration: cfg_get_integer calls octstr_parse_long(…, base 0), which is
 * C's strtol with base 0. `0x1F` is hex, a leading `0` makes the rest octal (`010` is 8), anything else is decimal,
 * each with an optional sign. Kannel's own documentation writes `msg-id-type = 0x02`.
 *
 * Written by hand: JavaScript has no strtol (Number() reads `010` as 10 and refuses a sign before `0x`; parseInt
 * stops at the first bad character). Unlike strtol this refuses text after the number: Kannel reads `12abc` as 12
 * and `08` as 0 without a word, which is how a typo becomes a wrong value.
 */

export type KannelInteger =
  | { readonly ok: true; readonly value: number; readonly base: 8 | 10 | 16 }
  | { readonly ok: false; readonly hint: string | undefined };

const FORMS: readonly { readonly re: RegExp; readonly base: 8 | 10 | 16 }[] = [
  { re: /^([-+]?)0[xX]([0-9a-fA-F]+)$/, base: 16 },
  { re: /^([-+]?)0([0-7]+)$/, base: 8 },
  { re: /^([-+]?)(0|[1-9][0-9]*)$/, base: 10 },
];

export function parseKannelInteger(text: string): KannelInteger {
  const s = text.trim();
  for (const { re, base } of FORMS) {
    const m = re.exec(s);
    if (!m) continue;
    const magnitude = parseInt(m[2]!, base);
    // Beyond 2^53 a double no longer holds every integer; strtol would give ERANGE past 2^63 and Kannel ignores the key.
    if (!Number.isSafeInteger(magnitude)) return { ok: false, hint: 'it is too large' };
    return { ok: true, value: m[1] === '-' && magnitude !== 0 ? -magnitude : magnitude, base };
  }
  if (/^[-+]?0[0-9]+$/.test(s)) return { ok: false, hint: 'a leading 0 makes it octal, as in Kannel, and octal has no 8 or 9' };
  return { ok: false, hint: undefined };
}
