/**
 * A client's submit_sm, data_sm or submit_multi as the accept path's Submission, the same value a sendsms request
 * becomes, so both are routed, encoded, limited and queued alike; or the command_status that refuses it before that.
 * The text is decoded from its data_coding (and UDH) and handed on as text, so the gateway encodes it for whichever
 * link carries it; 8-bit data stays octets. A client's own concatenated parts keep their UDH (an SAR part gets the
 * equivalent UDH), so each part is one message with its own id and receipt, as the client counts them;
 * message_payload is one message, split as the link needs. Pure.
 */
import type { Account } from '../domain/account.js';
import { smppReportTarget } from '../domain/client-deliver.js';
import { dlrMaskForRegisteredDelivery } from '../dlr/smpp-receipt.js';
import { decodeShortMessage, gsm7Encode, type TextRequest } from '../encoding/index.js';
import type { Submission } from '../messages/prepare-submission.js';
import type { ClientSubmit } from '../smpp/client-session.js';
import { parseSmppTime } from '../smpp/smpp-time.js';
import { SERVER_STATUS } from './server-status.js';

export type SubmissionResult =
  { readonly ok: true; readonly submission: Submission } | { readonly ok: false; readonly status: number; readonly detail: string };

/** esm_class bit 7: reply path. */
const ESM_REPLY_PATH = 0x80;

/** The concatenation UDH that says what sar_* TLVs say (8-bit reference when it fits, else 16-bit). */
function sarUdh(sar: { ref: number; total: number; seq: number }): Buffer {
  const ref = sar.ref & 0xffff;
  return ref <= 0xff ? Buffer.from([5, 0, 3, ref, sar.total, sar.seq]) : Buffer.from([6, 8, 4, ref >> 8, ref & 0xff, sar.total, sar.seq]);
}

function textRequest(s: ClientSubmit): TextRequest {
  const body = s.shortMessage.length === 0 && s.messagePayload ? s.messagePayload : s.shortMessage;
  const decoded = decodeShortMessage({ dataCoding: s.dataCoding, esmClass: s.esmClass, shortMessage: body });
  const udh = decoded.udh ?? (s.sar ? sarUdh(s.sar) : undefined);
  const req: TextRequest = { text: Buffer.alloc(0) };
  if (udh) req.udh = udh;
  if (decoded.mclass !== undefined) req.mclass = decoded.mclass;
  if (decoded.bytes) {
    req.text = decoded.bytes;
    req.coding = 1;
    return req;
  }
  req.text = Buffer.from(decoded.text, 'utf8');
  req.charset = 'utf-8';
  // GSM 7-bit whenever every character has one (whatever alphabet the client used), else UCS-2: what reaches the
  // handset is the same text, in the densest coding that carries it.
  req.coding = gsm7Encode(decoded.text).ok ? 0 : 2;
  return req;
}

function minutesUntil(atMs: number, nowMs: number): number {
  return (atMs - nowMs) / 60_000;
}

export function smppSubmission(s: ClientSubmit, account: Account, nowMs: number): SubmissionResult {
  if (s.distributionLists.length > 0)
    return { ok: false, status: SERVER_STATUS.ESME_RINVDLNAME, detail: 'distribution lists are not kept by this gateway' };
  if (s.destinations.length === 0 || s.destinations.length > 255)
    return { ok: false, status: SERVER_STATUS.ESME_RINVNUMDESTS, detail: `${s.destinations.length} destinations` };
  if (s.destinations.some((d) => d.addr === ''))
    return { ok: false, status: SERVER_STATUS.ESME_RINVDSTADR, detail: 'empty destination_addr' };
  const validity = parseSmppTime(s.validityPeriod, nowMs);
  if (!validity.ok) return { ok: false, status: SERVER_STATUS.ESME_RINVEXPIRY, detail: validity.reason };
  if (validity.atMs !== undefined && validity.atMs <= nowMs)
    return { ok: false, status: SERVER_STATUS.ESME_RINVEXPIRY, detail: 'validity_period is in the past' };
  const schedule = parseSmppTime(s.scheduleDeliveryTime, nowMs);
  if (!schedule.ok) return { ok: false, status: SERVER_STATUS.ESME_RINVSCHED, detail: schedule.reason };
  const dlrMask = dlrMaskForRegisteredDelivery(s.registeredDelivery);
  const submission: Submission = {
    account,
    from: s.source.addr === '' ? undefined : s.source.addr,
    receivers: s.destinations.map((d) => d.addr),
    text: textRequest(s),
    smsc: undefined,
    validityMinutes: validity.atMs === undefined ? undefined : minutesUntil(validity.atMs, nowMs),
    deferredMinutes: schedule.atMs === undefined || schedule.atMs <= nowMs ? undefined : minutesUntil(schedule.atMs, nowMs),
    dlrMask: dlrMask > 0 ? dlrMask : undefined,
    dlrUrl: undefined,
    callbackUrl: dlrMask > 0 ? smppReportTarget(account.username) : undefined,
    protocolId: s.protocolId === 0 ? undefined : s.protocolId,
    replyPath: (s.esmClass & ESM_REPLY_PATH) !== 0 ? true : undefined,
    priority: Math.min(3, s.priorityFlag),
    billing: undefined,
    binfo: s.serviceType === '' ? undefined : s.serviceType,
    metaData: undefined,
  };
  return { ok: true, submission };
}
