/**
 * A message record's Redis form: the field letters, the status codes, the packed tuples, and reading a stored hash
 * back into a MessageRecord with its history. Pure. The Lua scripts that write records get FIELDS and STATUS_CODES
 * from here (RECORD_CONSTANTS, passed to LuaScript.load), so this is the one definition of both.
 *
 * What happened to each message after it left its queue is kept in Redis for the message lifetime: its state, each
 * part's SMSC message id and receipt state, what it went through, and the receipt correlations (SMSC message id →
 * message and part). A message still waiting in its queue has no record: its batch job is where it is (its id names
 * the job). The record is written when the message is submitted or fails, or when it moves to another job.
 *
 * A record is one small hash with one-letter fields (below), so that it costs about 250 bytes of Redis memory:
 * what is derivable (the history's "accepted" and "submitted" entries) is derived when read, and only what cannot
 * be (receipts, failures, operator actions) is appended to `h`.
 */
import type { QueuedMessage } from '../domain/message.js';
import type { HistoryEntry, MessageRecord, MessageStatus, PartRecord, ReceiptState } from '../domain/message-record.js';

/**
 * The record's fields. What is written once goes packed in two JSON arrays, `i` (the message) and `o` (its outcome:
 * when, on which link, the SMSC ids, or the failure), so that recording a submit is one HSET of three fields: the
 * arguments' encoding was most of the links process's time per message. What changes later has a field each.
 */
export const FIELDS = {
  status: 's',
  /** [account, from, to, acceptedAt, service (0: the account), dlrMask (0: none), dlrUrl (0), callbackUrl (0), billing (absent: none)] */
  info: 'i',
  /** submitted: [at, link, smscId, [SMSC id of each part]]; failed: [at, error, commandStatus (0: none), link (0)] */
  outcome: 'o',
  updatedAt: 'U',
  /** Callback sequence numbers reserved, and delivered (or given up). */
  reportsReserved: 'q',
  reportsSent: 'w',
  /** Highest callback sequence number queued (see dlr/callback-queue.ts). */
  reportsQueued: 'y',
  /** Appended history lines (JSON each), for what cannot be derived from the other fields. */
  history: 'h',
  /** Route key and job of a message that waits again in a queue (moved or retried). */
  route: 'R',
  job: 'j',
  /** A failed message, whole (the batch codec's form), so an operator can queue it again. */
  wire: 'M',
  /** Prefix of a part's receipt state: `r1`, `r2`, … */
  partReceipt: 'r',
  /** Prefix of a report claimed once (`o:final`, …): its callback sequence number is reserved only the first time. */
  reportClaimed: 'o:',
  /**
   * A single-part message's receipt plan key (its dlr-mask, or 0 with no report target; dlr/receipt-plan.ts): with
   * it, a receipt's report is claimed in the call that matches it.
   */
  receiptPlan: 'P',
} as const;

export const STATUS_CODES: Readonly<Record<MessageStatus, string>> = {
  queued: 'q',
  submitted: 's',
  failed: 'f',
  buffered: 'b',
  delivered: 'd',
  undeliverable: 'u',
  expired: 'e',
  removed: 'r',
};

/** What the record scripts declare before their source: `F.status`, `S.failed`, … (see redis/lua-script.ts). */
export const RECORD_CONSTANTS = { F: FIELDS, S: STATUS_CODES } as const;

const STATUS_OF: ReadonlyMap<string, MessageStatus> = new Map(Object.entries(STATUS_CODES).map(([k, v]) => [v, k as MessageStatus]));

/** The status a stored code stands for, or undefined for a code no version wrote. */
export function statusOf(code: string | null | undefined): MessageStatus | undefined {
  return code ? STATUS_OF.get(code) : undefined;
}

export type InfoTuple = [
  account: string,
  from: string,
  to: string,
  acceptedAt: number,
  service: string | 0,
  dlrMask: number | 0,
  dlrUrl: string | 0,
  callbackUrl: string | 0,
  /** Kannel's `account`; absent when the request gave none (and in records written before it was kept). */
  billing?: string,
];
export type SubmittedTuple = [at: number, link: string, smscId: string, ids: string[]];
export type FailedTuple = [at: number, error: string, commandStatus: number | 0, link: string | 0];

export function infoOf(msg: QueuedMessage): string {
  const t: InfoTuple = [
    msg.account,
    msg.from,
    msg.to,
    msg.acceptedAt,
    msg.service !== msg.account ? msg.service : 0,
    msg.dlrMask ?? 0,
    msg.dlrUrl || 0,
    msg.callbackUrl || 0,
  ];
  if (msg.billing) t.push(msg.billing);
  return JSON.stringify(t);
}

/** Digits only, for comparing a receipt's handset with the receiver we sent to (+46…, 0046… and 46… alike). */
export function handsetDigits(addr: string): string {
  return addr.replace(/\D/g, '');
}

/** One line of a receipt correlation: "messageId part receiver" (dlr/report-records.ts's script reads it). */
export function correlationEntry(id: string, seq: number, receiverDigits: string): string {
  return `${id} ${seq} ${receiverDigits}`;
}

/** A hash from a flat [field, value, …] reply (HGETALL's form), from index `from`. */
export function hashOf(flat: readonly string[], from = 0): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = from; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  return h;
}

const num = (v: string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v));

function parseJson<T>(v: string | undefined): T | undefined {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    return undefined;
  }
}

export function toRecord(id: string, h: Record<string, string>): MessageRecord | undefined {
  const status = statusOf(h[FIELDS.status]);
  const info = parseJson<InfoTuple>(h[FIELDS.info]);
  if (!status || !info) return undefined;
  const [account, from, to, acceptedAt, service, dlrMask, dlrUrl, callbackUrl, billing] = info;
  const out = parseJson<SubmittedTuple | FailedTuple>(h[FIELDS.outcome]);
  const submitted = out && Array.isArray(out[3]) ? (out as SubmittedTuple) : undefined;
  const failed = out && !submitted ? (out as FailedTuple) : undefined;
  const ids = submitted?.[3] ?? [];
  const total = Math.max(1, ids.length);
  const parts: PartRecord[] = [];
  for (let seq = 1; seq <= total; seq++)
    parts.push({ seq, smscMessageId: ids[seq - 1], receipt: h[`${FIELDS.partReceipt}${seq}`] as ReceiptState | undefined });
  return {
    id,
    status,
    account,
    service: service || account,
    from,
    to,
    acceptedAt,
    updatedAt: num(h[FIELDS.updatedAt]) ?? out?.[0] ?? acceptedAt,
    link: submitted ? submitted[1] : failed?.[3] || undefined,
    smscId: submitted?.[2],
    totalParts: total,
    parts,
    error: failed?.[1],
    commandStatus: failed?.[2] || undefined,
    dlrMask: dlrMask || undefined,
    dlrUrl: dlrUrl || undefined,
    callbackUrl: callbackUrl || undefined,
    ...(billing ? { billing } : {}),
    route: h[FIELDS.route],
    job: h[FIELDS.job],
    submittedAt: submitted?.[0],
  };
}

/** The record's history: the entries derived from its fields, then the appended lines, in time order. */
export function recordHistory(rec: MessageRecord, h: Record<string, string>): HistoryEntry[] {
  // Accepted means queued in Redis (the reply waits for it), so one entry stands for both.
  const history: HistoryEntry[] = [{ at: rec.acceptedAt, event: 'accepted' }];
  const submittedAt = rec.submittedAt;
  if (submittedAt !== undefined) {
    for (const p of rec.parts) {
      history.push({
        at: submittedAt,
        event: 'submitted',
        ...(rec.totalParts > 1 ? { part: p.seq } : {}),
        detail: `SMSC id ${p.smscMessageId ?? '?'} on ${rec.link ?? '?'}`,
      });
    }
  }
  if (rec.error !== undefined) {
    history.push({ at: rec.updatedAt, event: 'failed', ...(rec.error !== undefined ? { detail: rec.error } : {}) });
  }
  for (const line of (h[FIELDS.history] ?? '').split('\n')) if (line) history.push(JSON.parse(line) as HistoryEntry);
  history.sort((a, b) => a.at - b.at);
  return history;
}
