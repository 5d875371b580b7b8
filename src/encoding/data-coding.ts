import type { DcsAlphabet } from './alphabet.js';

/** Kannel's sendsms `coding`: 0 = GSM 7-bit, 1 = 8-bit binary, 2 = UCS-2. */
export type Coding = 0 | 1 | 2;
/** Kannel's sendsms `mclass`: message class 0 (flash) to 3. */
export type MessageClass = 0 | 1 | 2 | 3;

/** The sendsms parameters that decide the data_coding octet, as Kannel's `Msg` carries them. */
export interface DcsFields {
  /** Unset means 0, or 1 when a UDH is given (Kannel). */
  readonly coding?: Coding;
  readonly hasUdh?: boolean;
  readonly mclass?: MessageClass;
  /** 0–3 set the voice/fax/email/other indication active, 4–7 set it inactive. The HTTP layer range-checks it. */
  readonly mwi?: number;
  readonly compress?: boolean;
  /** Kannel's `alt-dcs`: use the 1111xxxx form instead of 00xxxxxx where it can. */
  readonly altDcs?: boolean;
  /** An active MWI with no text goes into the "discard message" group (1100). */
  readonly emptyText?: boolean;
}

export function resolveCoding(coding: Coding | undefined, hasUdh: boolean): Coding {
  if (coding !== undefined) return coding;
  return hasUdh ? 1 : 0;
}

/**
 * The data_coding octet Kannel 1.4.5 puts on the wire for these fields: `fields_to_dcs` in gw/sms.c, called from
 * `msg_to_pdu` in gw/smsc/smsc_smpp.c, which forces the 1111xxxx form whenever a class is given without MWI (its
 * comment calls values like 0x11 "reserved"; 23.038 does not, but the wire value is what a migrating client knows).
 * Checked against all 6 480 parameter combinations sent through Kannel 1.4.5 to an SMPP sink; the unit tests carry a
 * sample of them.
 *
 * Kannel's quirks are kept on purpose so a migrated client sees the same octet:
 * - UCS-2 and compression cannot be written in the 1111xxxx form, so they fall back to 00xxxxxx even with alt-dcs;
 * - the 1111xxxx form without a class says class 1 ("ME specific");
 * - an active MWI on 8-bit data is labelled with the UCS-2 store group (1110), as 23.038 has no 8-bit MWI group;
 * - an inactive MWI always uses the discard group 1100 whatever the coding, and ignores `emptyText`;
 * - MWI wins over class and compression, which are then dropped;
 * - compression only sets the bit: Kannel never compresses, and neither do we.
 */
export function fieldsToDcs(fields: DcsFields): number {
  const coding = resolveCoding(fields.coding, fields.hasUdh === true);
  if (fields.mwi !== undefined) {
    const indication = fields.mwi;
    if (indication & 0x04) return (indication & 0x03) | 0xc0;
    const active = (indication & 0x03) | 0x08;
    if (fields.emptyText === true) return active | 0xc0;
    return active | (coding === 0 ? 0xd0 : 0xe0);
  }
  const wantsFForm = fields.mclass !== undefined || fields.altDcs === true;
  if (!wantsFForm || coding === 2 || fields.compress === true) {
    let dcs = coding << 2;
    if (fields.compress === true) dcs |= 0x20;
    if (fields.mclass !== undefined) dcs |= 0x10 | fields.mclass;
    return dcs;
  }
  return 0xf0 | (coding << 2) | (fields.mclass ?? 1);
}

export type MwiKind = 0 | 1 | 2 | 3;

export interface DcsInfo {
  readonly alphabet: DcsAlphabet;
  readonly compressed: boolean;
  readonly mclass?: MessageClass;
  /** From the MWI groups 1100–1110: kind 0 voice, 1 fax, 2 email, 3 other; `store` false for the discard group. */
  readonly mwi?: { readonly active: boolean; readonly kind: MwiKind; readonly store: boolean };
}

const GSM7: DcsInfo = { alphabet: 'gsm7', compressed: false };
const BINARY: DcsInfo = { alphabet: 'binary', compressed: false };

/**
 * SMPP 3.4 §5.2.19 gives 0x00–0x0F meanings of its own that override 23.038's general group. Charsets we cannot
 * decode (JIS, ISO-8859-5/8, pictogram, ISO-2022-JP, Kanji, KS C 5601) come out as binary so their bytes survive;
 * values SMPP reserves fall back to 23.038.
 */
const SMPP_LOW: readonly DcsInfo[] = [
  GSM7,
  { alphabet: 'ascii', compressed: false },
  BINARY,
  { alphabet: 'latin1', compressed: false },
  BINARY,
  BINARY,
  BINARY,
  BINARY,
  { alphabet: 'ucs2', compressed: false },
  BINARY,
  BINARY,
  { alphabet: 'ucs2', compressed: false },
  GSM7,
  BINARY,
  BINARY,
  GSM7,
];

/** 23.038 §4: bits 3–2 of the general groups; the reserved value 11 means the default alphabet. */
const GENERAL_ALPHABET: readonly DcsAlphabet[] = ['gsm7', 'binary', 'ucs2', 'gsm7'];

/** What a received data_coding octet says about the body (TS 23.038 §4, with SMPP's own 0x00–0x0F). */
export function dcsToAlphabet(dataCoding: number): DcsInfo {
  const dcs = dataCoding & 0xff;
  if (dcs < 0x10) return SMPP_LOW[dcs] ?? GSM7;
  const group = dcs >> 4;
  if (group <= 0x7) {
    // 00xx: general; 01xx: the same, marked for automatic deletion.
    const alphabet = GENERAL_ALPHABET[(dcs >> 2) & 0x03] ?? 'gsm7';
    const compressed = (dcs & 0x20) !== 0;
    if (dcs & 0x10) return { alphabet, compressed, mclass: (dcs & 0x03) as MessageClass };
    return { alphabet, compressed };
  }
  if (group <= 0xb) return GSM7; // reserved groups are read as the default alphabet (23.038 §4)
  if (group <= 0xe) {
    const mwi = { active: (dcs & 0x08) !== 0, kind: (dcs & 0x03) as MwiKind, store: group !== 0xc };
    return { alphabet: group === 0xe ? 'ucs2' : 'gsm7', compressed: false, mwi };
  }
  return { alphabet: dcs & 0x04 ? 'binary' : 'gsm7', compressed: false, mclass: (dcs & 0x03) as MessageClass };
}
