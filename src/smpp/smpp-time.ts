/**
 * SMPP 3.4 time strings (§7.1.1) read into epoch milliseconds: schedule_delivery_time and validity_period of a
 * client's submit. Absolute `YYMMDDhhmmsstnnp` (tenths, then the offset from UTC in quarter hours, `+` or `-`) or
 * relative `YYMMDDhhmmss000R` (years, months... from now). Pure: the caller passes the time.
 */
export type SmppTimeResult = { readonly ok: true; readonly atMs: number | undefined } | { readonly ok: false; readonly reason: string };

const FORMAT = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/;

export function parseSmppTime(value: string, nowMs: number): SmppTimeResult {
  if (value === '') return { ok: true, atMs: undefined };
  const m = FORMAT.exec(value);
  if (!m) return { ok: false, reason: `"${value}" is not an SMPP time (YYMMDDhhmmsstnnp)` };
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  const p = m[9];
  if (p === 'R') {
    // Relative: calendar arithmetic from now, as an SMSC does it.
    const d = new Date(nowMs);
    d.setUTCFullYear(d.getUTCFullYear() + yy, d.getUTCMonth() + mo, d.getUTCDate() + dd);
    d.setUTCHours(d.getUTCHours() + hh, d.getUTCMinutes() + mi, d.getUTCSeconds() + ss);
    return { ok: true, atMs: d.getTime() };
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48)
    return { ok: false, reason: `"${value}" is not a valid date and time` };
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  const offsetMs = nn * 15 * 60_000;
  return { ok: true, atMs: p === '+' ? local - offsetMs : local + offsetMs };
}
