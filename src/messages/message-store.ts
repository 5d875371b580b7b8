/**
 * What happened to each message after it left its queue, kept in Redis for the message lifetime: its state, each
 * part's SMSC message id and receipt state, a timestamped history, and the receipt correlations (SMSC message id
 * → message and part). Everything about one submit is written in one pipeline, record first, before the queue job
 * completes, so a receipt can never find a message half-recorded, and a message is never in neither place.
 */
import type { Redis } from 'ioredis';
import type { QueuedMessage } from '../domain/message.js';
import type { ReceiptState } from '../dlr/parse-receipt.js';
import type { AcceptedPart } from '../links/classify-outcomes.js';
import type { RedisKeys } from '../queue/queue-names.js';

export type MessageStatus = 'submitted' | 'failed' | 'buffered' | 'delivered' | 'undeliverable' | 'expired';

export interface HistoryEntry {
  readonly at: number;
  readonly event: string;
  readonly part?: number;
  readonly detail?: string;
}

export interface PartRecord {
  readonly seq: number;
  readonly smscMessageId: string | undefined;
  readonly receipt: ReceiptState | undefined;
}

export interface MessageRecord {
  readonly id: string;
  readonly status: MessageStatus;
  readonly account: string;
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly acceptedAt: number;
  readonly updatedAt: number;
  readonly link: string | undefined;
  readonly smscId: string | undefined;
  readonly totalParts: number;
  readonly parts: readonly PartRecord[];
  readonly error: string | undefined;
  readonly commandStatus: number | undefined;
  readonly dlrMask: number | undefined;
  readonly dlrUrl: string | undefined;
  readonly callbackUrl: string | undefined;
}

/** Where a receipt points: the message and the part. */
export interface Correlation {
  readonly id: string;
  readonly seq: number;
}

const APPLY_RECEIPT = `
if redis.call('exists', KEYS[1]) == 0 then return false end
redis.call('hset', KEYS[1], 's' .. ARGV[1], ARGV[2], 'updatedAt', ARGV[4])
redis.call('rpush', KEYS[2], ARGV[3])
redis.call('pexpire', KEYS[2], ARGV[5])
return redis.call('hgetall', KEYS[1])`;

function toRecord(id: string, h: Record<string, string>): MessageRecord | undefined {
  if (!h.status) return undefined;
  const total = Number(h.total ?? '1') || 1;
  const parts: PartRecord[] = [];
  for (let seq = 1; seq <= total; seq++) {
    parts.push({ seq, smscMessageId: h[`m${seq}`], receipt: h[`s${seq}`] as ReceiptState | undefined });
  }
  const num = (v: string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v));
  return {
    id,
    status: h.status as MessageStatus,
    account: h.account ?? '',
    service: h.service ?? '',
    from: h.from ?? '',
    to: h.to ?? '',
    acceptedAt: Number(h.acceptedAt),
    updatedAt: Number(h.updatedAt),
    link: h.link,
    smscId: h.smscId,
    totalParts: total,
    parts,
    error: h.error,
    commandStatus: num(h.commandStatus),
    dlrMask: num(h.dlrMask),
    dlrUrl: h.dlrUrl,
    callbackUrl: h.callbackUrl,
  };
}

export class MessageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly lifetimeMs: number,
  ) {}

  private baseFields(msg: QueuedMessage): Record<string, string> {
    const f: Record<string, string> = { account: msg.account, service: msg.service, from: msg.from, to: msg.to, acceptedAt: String(msg.acceptedAt) };
    if (msg.dlrMask !== undefined) f.dlrMask = String(msg.dlrMask);
    if (msg.dlrUrl) f.dlrUrl = msg.dlrUrl;
    if (msg.callbackUrl) f.callbackUrl = msg.callbackUrl;
    return f;
  }

  /**
   * Records the SMSC's acceptance, the correlations receipts will be matched with (only when receipts were asked
   * for, as Kannel), and reserves `reports` callback sequence numbers; returns the first one reserved.
   *
   * One pipeline, not a transaction: Redis runs one connection's commands in order, and the record is written
   * before its correlations, so a receipt that finds a correlation always finds the record. The "submitted" history
   * entries are read back from the record's fields rather than written to the history list: this runs for every
   * message.
   */
  async recordSubmitted(
    msg: QueuedMessage,
    link: { id: string; smscId: string },
    parts: readonly AcceptedPart[],
    correlate: readonly string[] | undefined,
    reports: number,
    now: number,
  ): Promise<number> {
    const key = this.keys.message(msg.id);
    const fields = this.baseFields(msg);
    fields.status = 'submitted';
    fields.updatedAt = String(now);
    fields.submittedAt = String(now);
    fields.link = link.id;
    fields.smscId = link.smscId;
    fields.total = String(parts.length);
    for (const p of parts) fields[`m${p.seq}`] = p.smscMessageId;
    const pipe = this.redis.pipeline().hset(key, fields).pexpire(key, this.lifetimeMs);
    parts.forEach((p, i) => {
      const norm = correlate?.[i];
      if (norm !== undefined) pipe.set(this.keys.correlation(link.smscId, norm), `${msg.id} ${p.seq}`, 'PX', this.lifetimeMs);
    });
    if (reports > 0) pipe.hincrby(key, 'cbseq', reports);
    const res = (await pipe.exec()) ?? [];
    const failed = res.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    const last = res[res.length - 1];
    return reports > 0 && last ? Number(last[1]) - reports + 1 : 0;
  }

  async recordFailed(msg: QueuedMessage, error: string, commandStatus: number | undefined, link: string | undefined, reports: number, now: number): Promise<number> {
    const key = this.keys.message(msg.id);
    const hist = this.keys.history(msg.id);
    const fields = this.baseFields(msg);
    Object.assign(fields, { status: 'failed', updatedAt: String(now), error });
    if (commandStatus !== undefined) fields.commandStatus = String(commandStatus);
    if (link) fields.link = link;
    const tx = this.redis
      .multi()
      .hset(key, fields)
      .pexpire(key, this.lifetimeMs)
      .rpush(hist, JSON.stringify({ at: now, event: 'failed', detail: error }))
      .pexpire(hist, this.lifetimeMs);
    if (reports > 0) tx.hincrby(key, 'cbseq', reports);
    const res = (await tx.exec()) ?? [];
    const last = res[res.length - 1];
    return reports > 0 && last ? Number(last[1]) - reports + 1 : 0;
  }

  async findCorrelation(smscId: string, normalizedId: string): Promise<Correlation | undefined> {
    const v = await this.redis.get(this.keys.correlation(smscId, normalizedId));
    if (!v) return undefined;
    const [id, seq] = v.split(' ');
    return id && seq ? { id, seq: Number(seq) } : undefined;
  }

  /** Records one part's receipt and returns the message as it stands after it (undefined: the message expired). */
  async applyReceipt(c: Correlation, state: ReceiptState, detail: string, now: number): Promise<MessageRecord | undefined> {
    const entry = JSON.stringify({ at: now, event: state, part: c.seq, detail });
    const res = (await this.redis.eval(APPLY_RECEIPT, 2, this.keys.message(c.id), this.keys.history(c.id), c.seq, state, entry, now, this.lifetimeMs)) as string[] | null;
    if (!res) return undefined;
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < res.length; i += 2) h[res[i]!] = res[i + 1]!;
    return toRecord(c.id, h);
  }

  async setStatus(id: string, status: MessageStatus): Promise<void> {
    await this.redis.hset(this.keys.message(id), 'status', status);
  }

  /** True the first time for this message and key: a report is enqueued once even if its event is seen twice. */
  async claimOnce(id: string, onceKey: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.message(id), `once:${onceKey}`, '1')) === 1;
  }

  /** Reserves the next callback sequence number of a message. */
  async nextCallbackSeq(id: string): Promise<number> {
    return this.redis.hincrby(this.keys.message(id), 'cbseq', 1);
  }

  async get(id: string): Promise<(MessageRecord & { history: HistoryEntry[] }) | undefined> {
    const [h, hist] = await Promise.all([this.redis.hgetall(this.keys.message(id)), this.redis.lrange(this.keys.history(id), 0, -1)]);
    const rec = toRecord(id, h);
    if (!rec) return undefined;
    // Accepted means queued in Redis (the reply waits for it), so one entry stands for both.
    const history: HistoryEntry[] = [{ at: rec.acceptedAt, event: 'accepted' }];
    if (h.submittedAt) {
      for (const p of rec.parts) {
        history.push({ at: Number(h.submittedAt), event: 'submitted', ...(rec.totalParts > 1 ? { part: p.seq } : {}), detail: `SMSC id ${p.smscMessageId ?? '?'} on ${rec.link ?? '?'}` });
      }
    }
    for (const e of hist) history.push(JSON.parse(e) as HistoryEntry);
    return { ...rec, history };
  }

  /** A concatenation reference for a long message to `to`: a per-receiver counter, kept for a week. */
  async nextConcatRef(to: string): Promise<number> {
    const key = this.keys.concatRef(to);
    const [[, n]] = (await this.redis.multi().incr(key).pexpire(key, 7 * 86_400_000).exec()) as [[Error | null, number], unknown];
    return n & 0xffff;
  }
}
