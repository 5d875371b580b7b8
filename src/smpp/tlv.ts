/**
 * Kannel's meta-data and the TLVs it carries: `?smpp?name=value&...` read and written as Kannel's meta_data_unpack
 * and meta_data_pack do, values checked and encoded as the `smpp-tlv` group of each name says (smpp_pdu.c), and the
 * optional parameters of a received deliver_sm or data_sm read back into names. Values are octets throughout, held
 * as strings of one character per octet (latin1), so text and binary survive alike. Pure.
 */
import type { TlvDefinition } from '../domain/tlv.js';

/** Meta-data by group, then key; values one character per octet. */
export type MetaGroups = Readonly<Record<string, Readonly<Record<string, string>>>>;

export type MetaDataResult = { readonly ok: true; readonly groups: MetaGroups } | { readonly ok: false; readonly problem: string };

/** Percent-decoding to octets ('+' is a space, as in a query); a stray '%' stays as it is, as Kannel's decoder leaves it. */
function decodeOctets(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+') out += ' ';
    else {
      // Characters above 0xFF come from a decoded request (UTF-8 text): keep their UTF-8 octets.
      const code = c.charCodeAt(0);
      out += code <= 0xff ? c : Buffer.from(c, 'utf8').toString('latin1');
    }
  }
  return out;
}

/** Kannel's url-encoding of one meta-data part: every octet but [A-Za-z0-9-_.~] as %XX. */
export function encodeMetaPart(octets: string): string {
  let out = '';
  for (let i = 0; i < octets.length; i++) {
    const code = octets.charCodeAt(i);
    out += /[A-Za-z0-9\-_.~]/.test(octets[i]!) ? octets[i] : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `?group?key=value&key2=value2&?group2?...` (meta_data_unpack). A key without '=' or a text outside any group is
 * refused: the caller gets a clear 400 rather than a TLV silently not sent.
 */
export function parseMetaData(text: string): MetaDataResult {
  const groups: Record<string, Record<string, string>> = {};
  let rest = text.trim();
  if (rest === '') return { ok: true, groups };
  while (rest.length > 0) {
    if (!rest.startsWith('?')) return { ok: false, problem: `expected ?group? at ${JSON.stringify(rest.slice(0, 20))}` };
    const end = rest.indexOf('?', 1);
    if (end < 0) return { ok: false, problem: `group name ${JSON.stringify(rest.slice(1, 21))} has no closing '?'` };
    const group = decodeOctets(rest.slice(1, end));
    if (group === '') return { ok: false, problem: 'empty group name' };
    rest = rest.slice(end + 1);
    const next = rest.indexOf('?');
    const body = next < 0 ? rest : rest.slice(0, next);
    rest = next < 0 ? '' : rest.slice(next);
    const values = (groups[group] ??= {});
    for (const pair of body.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) return { ok: false, problem: `${JSON.stringify(pair)} in group ${group} is not key=value` };
      values[decodeOctets(pair.slice(0, eq))] = decodeOctets(pair.slice(eq + 1));
    }
  }
  return { ok: true, groups };
}

/** meta_data_pack: `?group?key=value&...&` with keys and values url-encoded. */
export function packMetaData(groups: MetaGroups): string {
  let out = '';
  for (const [group, values] of Object.entries(groups)) {
    out += `?${encodeMetaPart(group)}?`;
    for (const [key, value] of Object.entries(values)) out += `${encodeMetaPart(key)}=${encodeMetaPart(value)}&`;
  }
  return out;
}

/** Why this value cannot be sent as this TLV, or undefined when it can. */
export function tlvValueProblem(def: TlvDefinition, value: string): string | undefined {
  switch (def.type) {
    case 'integer': {
      if (!/^\d+$/.test(value.trim())) return `${def.name} is an integer TLV; ${JSON.stringify(value)} is not an integer`;
      const n = Number(value.trim());
      if (n >= 2 ** (8 * def.length)) return `${def.name} is an integer of ${def.length} octets; ${n} does not fit`;
      return undefined;
    }
    case 'octetstring':
    case 'nulterminated':
      return value.length > def.length ? `${def.name} takes at most ${def.length} octets; got ${value.length}` : undefined;
  }
}

/** The TLV's bytes: tag, length, value (written as smpp_pdu.c writes configured TLVs). */
export function encodeTlv(def: TlvDefinition, value: string): Buffer {
  if (def.type === 'integer') {
    const buf = Buffer.alloc(4 + def.length);
    buf.writeUInt16BE(def.tag, 0);
    buf.writeUInt16BE(def.length, 2);
    let n = BigInt(value.trim());
    for (let i = def.length - 1; i >= 0; i--) {
      buf[4 + i] = Number(n & 0xffn);
      n >>= 8n;
    }
    return buf;
  }
  const octets = Buffer.from(value, 'latin1');
  const nul = def.type === 'nulterminated' ? 1 : 0;
  const buf = Buffer.alloc(4 + octets.length + nul);
  buf.writeUInt16BE(def.tag, 0);
  buf.writeUInt16BE(octets.length + nul, 2);
  octets.copy(buf, 4);
  return buf;
}

/** A TLV value read back as meta-data: an integer in decimal, a string up to its NUL, octets as they came. */
export function decodeTlvValue(def: TlvDefinition, value: Buffer): string {
  switch (def.type) {
    case 'integer': {
      let n = 0n;
      for (const b of value) n = (n << 8n) | BigInt(b);
      return n.toString();
    }
    case 'nulterminated': {
      const end = value.indexOf(0);
      return value.toString('latin1', 0, end < 0 ? value.length : end);
    }
    case 'octetstring':
      return value.toString('latin1');
  }
}

/** Skips a C-octet string; -1 when it has no NUL. */
function skipCstring(frame: Buffer, at: number): number {
  const end = frame.indexOf(0, at);
  return end < 0 ? -1 : end + 1;
}

/**
 * The optional parameters of a deliver_sm or data_sm frame (SMPP 3.4 §4.6.1, §4.7.1), in order; undefined when the
 * frame is too short to reach them. The package's decoder drops tags it does not know, so they are read here.
 */
export function readTlvs(frame: Buffer): { tag: number; value: Buffer }[] | undefined {
  const command = frame.readUInt32BE(4);
  let at = 16;
  const cstr = (): boolean => (at = skipCstring(frame, at)) >= 0;
  if (!cstr()) return undefined; // service_type
  at += 2;
  if (!cstr()) return undefined; // source_addr
  at += 2;
  if (!cstr()) return undefined; // destination_addr
  if (command === 0x00000005) {
    at += 3; // esm_class, protocol_id, priority_flag
    if (!cstr() || !cstr()) return undefined; // schedule_delivery_time, validity_period
    at += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
    const smLength = frame[at];
    if (smLength === undefined) return undefined;
    at += 1 + smLength;
  } else if (command === 0x00000103)
    at += 3; // data_sm: esm_class, registered_delivery, data_coding
  else return undefined;
  const tlvs: { tag: number; value: Buffer }[] = [];
  while (at + 4 <= frame.length) {
    const tag = frame.readUInt16BE(at);
    const length = frame.readUInt16BE(at + 2);
    if (at + 4 + length > frame.length) break;
    tlvs.push({ tag, value: frame.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return tlvs;
}

/** The TLVs of a received deliver_sm/data_sm that these definitions declare, by name; undefined when none. */
export function declaredTlvValues(frame: Buffer, defs: readonly TlvDefinition[]): Record<string, string> | undefined {
  if (defs.length === 0) return undefined;
  const found = readTlvs(frame);
  if (found === undefined) return undefined;
  let out: Record<string, string> | undefined;
  for (const { tag, value } of found) {
    const def = defs.find((d) => d.tag === tag);
    // Kannel drops a value longer than its declaration (smpp_pdu_unpack) rather than cut it.
    if (def === undefined || value.length > def.length + (def.type === 'nulterminated' ? 1 : 0)) continue;
    (out ??= {})[def.name] = decodeTlvValue(def, value);
  }
  return out;
}
