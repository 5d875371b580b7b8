/**
 * Reads and checks Kannel's sendsms parameters (smsbox.c smsbox_req_sendsms / smsbox_req_handle) from raw bytes,
 * with Kannel's names, aliases, ranges and replies. Pure: the HTTP layer hands in a lookup, and gets typed values
 * or the exact reply to send.
 */
import type { Coding, MessageClass } from '../encoding/index.js';
import { KannelReplies, type KannelReply } from './kannel-replies.js';

export type ParamLookup = (name: string) => Buffer | undefined;

export interface SendsmsParams {
  readonly from: string | undefined;
  readonly to: readonly string[];
  readonly text: Buffer;
  readonly charset: string | undefined;
  readonly udh: Buffer | undefined;
  readonly smsc: string | undefined;
  readonly coding: Coding | undefined;
  readonly mclass: MessageClass | undefined;
  readonly mwi: number | undefined;
  readonly compress: boolean | undefined;
  readonly altDcs: boolean | undefined;
  readonly validity: number | undefined;
  readonly deferred: number | undefined;
  readonly dlrMask: number | undefined;
  readonly dlrUrl: string | undefined;
  readonly pid: number | undefined;
  readonly rpi: number | undefined;
  readonly account: string | undefined;
  readonly binfo: string | undefined;
  readonly priority: number | undefined;
  readonly metaData: string | undefined;
}

export type ParamsResult = { readonly ok: true; readonly params: SendsmsParams } | { readonly ok: false; readonly reply: KannelReply };

/** The first of several spellings that is present (Kannel accepts `user` for `username`, `dlrmask` for `dlr-mask`...). */
function first(get: ParamLookup, ...names: string[]): Buffer | undefined {
  for (const n of names) {
    const v = get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

const str = (b: Buffer | undefined): string | undefined => (b === undefined ? undefined : b.toString('utf8'));

export function readCredentials(get: ParamLookup): { username: string | undefined; password: string | undefined } {
  return { username: str(first(get, 'username', 'user')), password: str(first(get, 'password', 'pass')) };
}

class Misformed extends Error {
  constructor(readonly reply: KannelReply) {
    super(reply.body);
  }
}

/**
 * An integer in [min, max], or undefined when absent; anything else is Kannel's "<Field> field misformed".
 * -1 is Kannel's SMS_PARAM_UNDEFINED: smsbox accepts it for every numeric field (its checks are `x < -1 || x > max`)
 * and treats it as not given, so it is undefined here too.
 */
function intParam(get: ParamLookup, field: string, min: number, max: number, ...names: string[]): number | undefined {
  const raw = str(first(get, ...names));
  if (raw === undefined || raw === '') return undefined;
  if (!/^[-+]?\d+$/.test(raw.trim())) throw new Misformed(KannelReplies.fieldMisformed(field));
  const n = Number(raw.trim());
  if (n === -1) return undefined;
  if (n < min || n > max) throw new Misformed(KannelReplies.fieldMisformed(field));
  return n;
}

/**
 * SMPP 3.4's sizes (5.2.8, 5.2.9, 5.2.11): source_addr and destination_addr are C-octet strings of at most 21
 * octets with their NUL, service_type (binfo) of at most 6: what is longer cannot be sent as it was given.
 */
export const SMPP_ADDRESS_OCTETS = 20;
export const SMPP_SERVICE_TYPE_OCTETS = 5;

/** Receivers: separated by spaces ('+' in a URL), as Kannel splits them. */
export function splitReceivers(to: string): string[] {
  return to.split(/\s+/).filter((s) => s.length > 0);
}

export function readSendsmsParams(get: ParamLookup, maxReceivers: number): ParamsResult {
  try {
    const udh = get('udh');
    if (udh !== undefined && udh.length > 0) {
      if (udh.length > 140) return { ok: false, reply: KannelReplies.udhTooLong };
      if (udh[0] !== udh.length - 1) return { ok: false, reply: KannelReplies.udhMisformed };
    }
    const toRaw = str(get('to'));
    if (toRaw === undefined) return { ok: false, reply: KannelReplies.missingReceiver };
    const to = splitReceivers(toRaw);
    if (to.length === 0) return { ok: false, reply: KannelReplies.emptyReceiver };
    if (to.length > maxReceivers) return { ok: false, reply: KannelReplies.tooManyReceivers };
    // `to=%2B`, `to=-----`: a number with no digit in it is as empty as no number (sent, it is an empty destination).
    if (to.some((r) => !/[0-9]/.test(r))) return { ok: false, reply: KannelReplies.emptyReceiver };
    if (to.some((r) => Buffer.byteLength(r) > SMPP_ADDRESS_OCTETS)) throw new Misformed(KannelReplies.fieldMisformed('To'));
    const fromRaw = get('from');
    if (fromRaw !== undefined && fromRaw.length > SMPP_ADDRESS_OCTETS) throw new Misformed(KannelReplies.fieldMisformed('From'));
    const binfoRaw = get('binfo');
    if (binfoRaw !== undefined && binfoRaw.length > SMPP_SERVICE_TYPE_OCTETS) throw new Misformed(KannelReplies.fieldMisformed('Binfo'));

    const dlrUrl = str(first(get, 'dlr-url', 'dlrurl'));
    if (dlrUrl !== undefined && dlrUrl !== '' && !/^https?:\/\//i.test(dlrUrl))
      throw new Misformed(KannelReplies.fieldMisformed('DLR-URL'));
    const accountRaw = get('account');
    const account = str(accountRaw);
    // Kannel: at most ACCOUNT_MAX_LEN (64) octets, none of []\n\r; its reply has its own wording.
    if (account !== undefined && (/[[\]\n\r]/.test(account) || (accountRaw?.length ?? 0) > 64))
      throw new Misformed(KannelReplies.accountMisformed);

    const params: SendsmsParams = {
      from: str(fromRaw) || undefined,
      to,
      text: get('text') ?? Buffer.alloc(0),
      charset: str(get('charset')) || undefined,
      udh: udh !== undefined && udh.length > 0 ? udh : undefined,
      smsc: str(get('smsc')) || undefined,
      coding: intParam(get, 'Coding', 0, 2, 'coding') as Coding | undefined,
      mclass: intParam(get, 'MClass', 0, 3, 'mclass', 'flash') as MessageClass | undefined,
      mwi: intParam(get, 'MWI', 0, 7, 'mwi'),
      compress: toBool(intParam(get, 'Compress', 0, 1, 'compress')),
      altDcs: toBool(intParam(get, 'Alt-DCS', 0, 1, 'alt-dcs')),
      validity: intParam(get, 'Validity', 0, 1_000_000_000, 'validity'),
      deferred: intParam(get, 'Deferred', 0, 1_000_000_000, 'deferred'),
      dlrMask: intParam(get, 'DLR-Mask', -1, 66, 'dlr-mask', 'dlrmask'),
      dlrUrl: dlrUrl || undefined,
      pid: intParam(get, 'PID', 0, 255, 'pid'),
      rpi: intParam(get, 'RPI', 0, 2, 'rpi'),
      account: account || undefined,
      binfo: str(binfoRaw) || undefined,
      priority: intParam(get, 'Priority', 0, 3, 'priority'),
      metaData: str(get('meta-data')) || undefined,
    };
    return { ok: true, params };
  } catch (e) {
    if (e instanceof Misformed) return { ok: false, reply: e.reply };
    throw e;
  }
}

function toBool(n: number | undefined): boolean | undefined {
  return n === undefined ? undefined : n === 1;
}

/** Kannel's POST headers carry the same parameters: X-Kannel-Username, X-Kannel-To, ... */
export { KANNEL_HEADER_PARAMS } from '../messages/kannel-fields.js';
