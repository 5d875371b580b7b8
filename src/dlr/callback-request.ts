/**
 * The HTTP request that tells a client about a report: the Kannel dlr-url with its escape codes filled in (GET),
 * or, for JSON API messages with a callbackUrl, a JSON body (POST). Pure.
 */
import type { Report } from './decide-reports.js';
import { fillEscapeCodes } from './escape-codes.js';

export interface CallbackRequest {
  /** The account whose message it reports: its callback-allow applies. Absent in jobs queued before it existed. */
  readonly account?: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly contentType?: string;
}

export interface ReportedMessage {
  readonly id: string;
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly service: string;
  readonly dlrUrl: string | undefined;
  readonly callbackUrl: string | undefined;
  readonly status: string;
  /** Kannel's `account` of the message, for %o; absent: the bind's system_id, as Kannel fills it for an SMPP DLR. */
  readonly billing?: string | undefined;
}

export interface ReportingLink {
  readonly smscId: string;
  /** The bind's system_id: Kannel's %o for an SMPP DLR. */
  readonly systemId: string;
}

/** A readable name for a DLR type in JSON reports. */
export function reportEvent(type: number): string {
  switch (type) {
    case 1:
      return 'delivered';
    case 2:
      return 'failed';
    case 0x22:
      return 'expired';
    case 4:
      return 'buffered';
    case 8:
      return 'smsc-accepted';
    case 16:
      return 'smsc-rejected';
    default:
      return `type-${type}`;
  }
}

export function callbackRequest(
  report: Report,
  msg: ReportedMessage,
  link: ReportingLink | undefined,
  nowMs: number,
): CallbackRequest | undefined {
  if (msg.callbackUrl) {
    return {
      account: msg.account,
      url: msg.callbackUrl,
      method: 'POST',
      contentType: 'application/json',
      body: JSON.stringify({
        id: msg.id,
        event: reportEvent(report.type),
        type: report.type,
        status: msg.status,
        to: msg.to,
        from: msg.from,
        ...(report.seq !== undefined ? { part: report.seq } : {}),
        ...(report.smscMessageId ? { smscMessageId: report.smscMessageId } : {}),
        ...(link ? { smscId: link.smscId } : {}),
        detail: report.text,
        at: new Date(nowMs).toISOString(),
      }),
    };
  }
  if (!msg.dlrUrl) return undefined;
  const url = fillEscapeCodes(msg.dlrUrl, {
    dlrType: report.type,
    text: report.text,
    foreignId: report.smscMessageId,
    handsetAddress: msg.to,
    serviceAddress: msg.from,
    internalId: msg.id,
    service: msg.service,
    timeMs: nowMs,
    dlrUrl: msg.dlrUrl,
    ...(link ? { smscId: link.smscId, account: link.systemId } : {}),
    // The user guide's %o is the message's account; Kannel 1.4.5 loses it on the way to the DLR and prints the
    // bind's system_id, which is kept for messages sent without one.
    ...(msg.billing ? { account: msg.billing } : {}),
    ...(report.receiptErr !== undefined ? { receiptErr: report.receiptErr } : {}),
  });
  return { account: msg.account, url, method: 'GET' };
}
