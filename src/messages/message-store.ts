/**
 * What happened to each message after it left its queue, kept in Redis for the message lifetime: its state, each
 * part's SMSC message id and receipt state, what it went through, and the receipt correlations (SMSC message id →
 * message and part). A message still waiting in its queue has no record: its batch job is where it is (its id names
 * the job). The record is written when the message is submitted or fails, or when it moves to another job.
 *
 * A record is one small hash with one-letter fields (below), so that it costs about 250 bytes of Redis memory:
 * what is derivable (the history's "accepted" and "submitted" entries) is derived when read, and only what cannot
 * be (receipts, failures, operator actions) is appended to `h`.
 *
 * Outcomes are written by a group commit that never gives up: a submit the SMSC accepted must be recorded, not sent
 * again, so a failed write is retried (with a capped backoff, logged once per outage) until Redis takes it.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { QueuedMessage } from '../domain/message.js';
import type { Correlation, HistoryEntry, MessageRecord, MessageStatus, PartRecord, ReceiptState } from '../domain/message-record.js';
import type { AcceptedPart } from '../domain/delivery.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';

/**
 * The record's fields. What is written once goes packed in two JSON arrays, `i` (the message) and `o` (its outcome:
 * when, on which link, the SMSC ids, or the failure), so that recording a submit is one HSET of three fields: the
 * arguments' encoding was most of the links process's time per message. What changes later has a field each.
 */
const F = {
  status: 's',
  /** [account, from, to, acceptedAt, service (0: the account), dlrMask (0: none), dlrUrl (0), callbackUrl (0), billing (absent: none)] */
  info: 'i',
  /** submitted: [at, link, smscId, [SMSC id of each part]]; failed: [at, error, commandStatus (0: none), link (0)] */
  outcome: 'o',
  updatedAt: 'U',
  /** Callback sequence numbers reserved, and delivered (or given up). */
  reportsReserved: 'q',
  reportsSent: 'w',
  /** Highest callback sequence number queued (see callback-queue.ts). */
  reportsQueued: 'y',
  /** Appended history lines (JSON each), for what cannot be derived from the other fields. */
  history: 'h',
  /** Route key and job of a message that waits again in a queue (moved or retried). */
  route: 'R',
  job: 'j',
  /** A failed message, whole (the batch codec's form), so an operator can queue it again. */
  wire: 'M',
} as const;

type InfoTuple = [
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
type SubmittedTuple = [at: number, link: string, smscId: string, ids: string[]];
type FailedTuple = [at: number, error: string, commandStatus: number | 0, link: string | 0];

function infoOf(msg: QueuedMessage): string {
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

const STATUS_CODE: Readonly<Record<MessageStatus, string>> = {
  queued: 'q',
  submitted: 's',
  failed: 'f',
  buffered: 'b',
  delivered: 'd',
  undeliverable: 'u',
  expired: 'e',
  removed: 'r',
};
const STATUS_OF: ReadonlyMap<string, MessageStatus> = new Map(Object.entries(STATUS_CODE).map(([k, v]) => [v, k as MessageStatus]));

export function statusCode(s: MessageStatus): string {
  return STATUS_CODE[s];
}

const MATCH_RECEIPT = LuaScript.load('match-receipt');

const CLAIM_REPORT = LuaScript.load('claim-report');

const WRITE_OUTCOMES = LuaScript.load('write-outcomes');

const REQUEUE = LuaScript.load('requeue-record');

const MARK_REMOVED = LuaScript.load('mark-removed');

/** Digits only, for comparing a receipt's handset with the receiver we sent to (+46…, 0046… and 46… alike). */
export function handsetDigits(addr: string): string {
  return addr.replace(/\D/g, '');
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
  const code = h[F.status];
  const status = code === undefined ? undefined : STATUS_OF.get(code);
  const info = parseJson<InfoTuple>(h[F.info]);
  if (!status || !info) return undefined;
  const [account, from, to, acceptedAt, service, dlrMask, dlrUrl, callbackUrl, billing] = info;
  const out = parseJson<SubmittedTuple | FailedTuple>(h[F.outcome]);
  const submitted = out && Array.isArray(out[3]) ? (out as SubmittedTuple) : undefined;
  const failed = out && !submitted ? (out as FailedTuple) : undefined;
  const ids = submitted?.[3] ?? [];
  const total = Math.max(1, ids.length);
  const parts: PartRecord[] = [];
  for (let seq = 1; seq <= total; seq++)
    parts.push({ seq, smscMessageId: ids[seq - 1], receipt: h[`r${seq}`] as ReceiptState | undefined });
  return {
    id,
    status,
    account,
    service: service || account,
    from,
    to,
    acceptedAt,
    updatedAt: num(h[F.updatedAt]) ?? out?.[0] ?? acceptedAt,
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
    route: h[F.route],
    job: h[F.job],
    submittedAt: submitted?.[0],
  };
}

/** The outcome of a message that left its queue, to be recorded. */
export type Outcome =
  | {
      readonly kind: 'submitted';
      readonly msg: QueuedMessage;
      readonly link: { readonly id: string; readonly smscId: string };
      readonly parts: readonly AcceptedPart[];
      /** Normalised SMSC ids to correlate receipts with, one per part; undefined when no receipt was asked for. */
      readonly correlate: readonly string[] | undefined;
      /** Callback sequence numbers to reserve (reports this outcome calls for). */
      readonly reports: number;
      readonly now: number;
    }
  | {
      readonly kind: 'failed';
      readonly msg: QueuedMessage;
      readonly error: string;
      readonly commandStatus: number | undefined;
      readonly link: string | undefined;
      readonly reports: number;
      readonly now: number;
      /** The message in the batch codec's form, kept so an operator can queue it again. */
      readonly wire: string;
    };

interface PendingWrite {
  readonly outcome: Outcome;
  /** Hears the first callback sequence number reserved (0 when none) once the outcome is in Redis. */
  readonly recorded: (firstSeq: number) => void;
  firstSeq: number;
}

export interface MessageStoreOptions {
  readonly lifetimeMs: number;
  readonly logger: Logger;
  /** Retry delays for a failed write: first, and cap. */
  readonly retryMs?: readonly [number, number];
}

export class MessageStore {
  private readonly lifetimeMs: number;
  private readonly log: Logger;
  private readonly retryMs: readonly [number, number];
  private waiting: PendingWrite[] = [];
  private writing = false;
  private scheduled = false;
  /** Correlations being written now: a receipt for one of them waits for its record (see whenRecorded). */
  private readonly inFlightCorrelations = new Map<string, Promise<void>>();
  private failing = false;
  /** Outcomes written, the round trips that wrote them, and the round trips that failed and were tried again. */
  readonly counters = { writes: 0, flushes: 0, writeRetries: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    opts: MessageStoreOptions,
  ) {
    this.lifetimeMs = opts.lifetimeMs;
    this.log = opts.logger;
    this.retryMs = opts.retryMs ?? [50, 2000];
  }

  /**
   * Records an outcome; `recorded` hears the first callback sequence number reserved for it (0 when it reserved
   * none) once Redis has it. Outcomes recorded at the same time share one round trip; a failed round trip is tried
   * again until it succeeds, so `recorded` may be called late, but it is called (once).
   */
  record(outcome: Outcome, recorded: (firstSeq: number) => void): void {
    this.waiting.push({ outcome, recorded, firstSeq: 0 });
    if (this.writing || this.scheduled) return;
    // Outcomes come in bursts (the SMSC's answers to a window arrive in one read): the write starts once the code
    // handling this burst has run, so the whole burst shares it instead of the first outcome going alone.
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.writing) void this.flush();
    });
  }

  /** The write in flight of a submit that got this SMSC id, if any: a receipt that overtook it waits for it. */
  whenRecorded(smscId: string, normalizedId: string): Promise<void> | undefined {
    return this.inFlightCorrelations.get(`${smscId}\n${normalizedId}`);
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const writes = this.waiting;
      this.waiting = [];
      let settle = (): void => undefined;
      const flushed = new Promise<void>((r) => (settle = r));
      const correlated: string[] = [];
      for (const w of writes) {
        if (w.outcome.kind !== 'submitted' || !w.outcome.correlate) continue;
        for (const id of w.outcome.correlate) {
          const k = `${w.outcome.link.smscId}\n${id}`;
          this.inFlightCorrelations.set(k, flushed);
          correlated.push(k);
        }
      }
      for (let attempt = 0; ; attempt++) {
        try {
          await this.write(writes);
          break;
        } catch (e) {
          this.counters.writeRetries++;
          if (!this.failing) {
            this.failing = true;
            this.log.error(
              { err: (e as Error).message, outcomes: writes.length },
              'cannot record message outcomes; retrying until Redis takes them (nothing is sent again)',
            );
          }
          await new Promise((r) => setTimeout(r, Math.min(this.retryMs[1], this.retryMs[0] * 2 ** Math.min(attempt, 10))));
        }
      }
      if (this.failing) {
        this.failing = false;
        this.log.info({ outcomes: writes.length }, 'message outcomes recorded again');
      }
      for (const k of correlated) if (this.inFlightCorrelations.get(k) === flushed) this.inFlightCorrelations.delete(k);
      settle();
      this.counters.writes += writes.length;
      this.counters.flushes++;
      for (const w of writes) w.recorded(w.firstSeq);
    }
    this.writing = false;
  }

  /**
   * One script call for many outcomes: ioredis builds a Command, a promise and a reply per command, which cost more
   * than the writes themselves (profiled: half of the links process's time per message went to recording). Redis
   * runs a script whole, so a receipt that finds a correlation always finds its record too.
   */
  private async write(writes: readonly PendingWrite[]): Promise<void> {
    const args: (string | number)[] = [this.lifetimeMs];
    const queuedDelta = new Map<string, number>();
    for (const w of writes) {
      const o = w.outcome;
      const key = this.keys.message(o.msg.id);
      if (o.kind === 'submitted') {
        const out: SubmittedTuple = [o.now, o.link.id, o.link.smscId, o.parts.map((p) => p.smscMessageId)];
        args.push('R', key, o.reports, 3, F.status, STATUS_CODE.submitted, F.info, infoOf(o.msg), F.outcome, JSON.stringify(out));
        if (o.correlate) {
          const to = handsetDigits(o.msg.to);
          o.parts.forEach((p, i) => {
            const norm = o.correlate?.[i];
            if (norm !== undefined) args.push('C', this.keys.correlation(o.link.smscId, norm), `${o.msg.id} ${p.seq} ${to}`);
          });
        }
      } else {
        const out: FailedTuple = [o.now, o.error, o.commandStatus ?? 0, o.link ?? 0];
        args.push(
          'R',
          key,
          o.reports,
          5,
          F.status,
          STATUS_CODE.failed,
          F.info,
          infoOf(o.msg),
          F.outcome,
          JSON.stringify(out),
          F.route,
          o.msg.route,
          F.wire,
          o.wire,
        );
        args.push('F', this.keys.routeFailed(o.msg.route), o.now, o.msg.id);
      }
      queuedDelta.set(o.msg.route, (queuedDelta.get(o.msg.route) ?? 0) - 1);
    }
    for (const [route, d] of queuedDelta) args.push('S', this.keys.routeStats(route), d);
    const reserved = (await WRITE_OUTCOMES.run(this.redis, [], args)) as number[];
    writes.forEach((w, i) => {
      const q = Number(reserved[i] ?? 0);
      if (w.outcome.reports > 0) w.firstSeq = q - w.outcome.reports + 1;
    });
  }

  /**
   * Finds the message a receipt is about and records the part's receipt state, in one round trip. `final`
   * receipts consume their correlation (a duplicate id on the smsc-id then matches the next submit).
   */
  async matchReceipt(
    smscId: string,
    normalizedId: string,
    handset: string,
    state: ReceiptState,
    final: boolean,
    detail: string,
    now: number,
  ): Promise<{ kind: 'unmatched' } | { kind: 'expired'; c: Correlation } | { kind: 'matched'; c: Correlation; record: MessageRecord }> {
    const res = (await MATCH_RECEIPT.run(
      this.redis,
      [this.keys.correlation(smscId, normalizedId)],
      [handsetDigits(handset), state, final ? '1' : '0', now, this.lifetimeMs, this.keys.message(''), detail],
    )) as string[] | null;
    if (!res) return { kind: 'unmatched' };
    const c: Correlation = { id: res[0]!, seq: Number(res[1]) };
    if (res.length <= 2) return { kind: 'expired', c };
    const h: Record<string, string> = {};
    for (let i = 2; i + 1 < res.length; i += 2) h[res[i]!] = res[i + 1]!;
    const record = toRecord(c.id, h);
    return record ? { kind: 'matched', c, record } : { kind: 'expired', c };
  }

  /** Sets the status and claims a report once (see CLAIM_REPORT); the callback sequence number, or 0. */
  async claimReport(id: string, status: MessageStatus, onceKey: string): Promise<number> {
    return Number(await CLAIM_REPORT.run(this.redis, [this.keys.message(id)], [STATUS_CODE[status], onceKey]));
  }

  /** A record as stored, with its history (derived entries first), or undefined. */
  async get(id: string): Promise<(MessageRecord & { history: HistoryEntry[] }) | undefined> {
    const h = await this.redis.hgetall(this.keys.message(id));
    const rec = toRecord(id, h);
    if (!rec) return undefined;
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
    for (const line of (h[F.history] ?? '').split('\n')) if (line) history.push(JSON.parse(line) as HistoryEntry);
    history.sort((a, b) => a.at - b.at);
    return { ...rec, history };
  }

  /**
   * Records that these messages wait again in a queue, in job `jobId` of route `routeKey` (moved to another route,
   * or a failed message queued again): their ids no longer name the job they are in, so the record says where.
   */
  async markQueued(msgs: readonly QueuedMessage[], routeKey: string, jobId: string, now: number, why: string): Promise<void> {
    await Promise.all(
      msgs.map((msg) =>
        REQUEUE.run(this.redis, [this.keys.message(msg.id)], [STATUS_CODE.queued, infoOf(msg), routeKey, jobId, now, this.lifetimeMs, why]),
      ),
    );
  }

  /**
   * Marks a failed message removed by an operator (a history line says who); the record as it was, or undefined
   * when the message is not a failed one.
   */
  async markRemoved(id: string, who: string, now: number): Promise<MessageRecord | undefined> {
    const key = this.keys.message(id);
    const line = JSON.stringify({ at: now, event: 'removed', detail: `by ${who}` });
    const res = (await MARK_REMOVED.run(this.redis, [key], [now, `${line}\n`])) as string[] | null;
    if (!res) return undefined;
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < res.length; i += 2) h[res[i]!] = res[i + 1]!;
    return toRecord(id, h);
  }

  /** The stored form of a failed message (to queue it again), or undefined. */
  async failedWire(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.message(id), F.wire)) ?? undefined;
  }

  /** A concatenation reference for a long message to each receiver: per-receiver counters, kept for a week. */
  async nextConcatRefs(receivers: readonly string[]): Promise<number[]> {
    const pipe = this.redis.pipeline();
    for (const to of receivers) {
      const key = this.keys.concatRef(to);
      pipe.incr(key).pexpire(key, 7 * 86_400_000);
    }
    const res = (await pipe.exec()) ?? [];
    return receivers.map((_, i) => {
      const [err, n] = res[i * 2] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return Number(n) & 0xffff;
    });
  }

  /** Record fields the drain checks for a job interrupted by a crash: status and owning job of each message. */
  async statusAndJob(ids: readonly string[]): Promise<{ status: MessageStatus | undefined; job: string | undefined }[]> {
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.message(id), F.status, F.job);
    const res = (await pipe.exec()) ?? [];
    return ids.map((_, i) => {
      const [err, v] = res[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      const [s, j] = (v as (string | null)[] | null) ?? [null, null];
      return { status: s ? STATUS_OF.get(s) : undefined, job: j ?? undefined };
    });
  }
}
