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
import { LuaScript } from '../redis/lua-script.js';

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

/**
 * Matches a receipt and records it in one step. The correlation list holds "messageId part receiver" for every
 * submit that got this SMSC id on this smsc-id (two SMSCs may hand out the same id); the entry whose receiver
 * matches the receipt's handset wins, else the oldest, as Kannel's store does. A final receipt removes its entry.
 * Returns false (no correlation), {id, part} (the record expired), or {id, part, ...record fields}.
 * ARGV: handset digits, state, final (1/0), now, lifetime ms, key prefix, detail.
 */
const MATCH_RECEIPT = new LuaScript(`
local entries = redis.call('lrange', KEYS[1], 0, -1)
if #entries == 0 then return false end
local pick = entries[1]
local want = ARGV[1]
if #want >= 6 then
  for _, e in ipairs(entries) do
    local dest = string.match(e, '^%S+ %S+ (%d*)$')
    if dest and #dest >= 6 and string.sub(dest, -9) == string.sub(want, -9) then pick = e break end
  end
end
local id, part = string.match(pick, '^(%S+) (%S+)')
if ARGV[3] == '1' then redis.call('lrem', KEYS[1], 1, pick) end
local msg = ARGV[6] .. ':m:' .. id
if redis.call('exists', msg) == 0 then return {id, part} end
redis.call('hset', msg, 's' .. part, ARGV[2], 'updatedAt', ARGV[4])
local hist = ARGV[6] .. ':h:' .. id
redis.call('rpush', hist, cjson.encode({at = tonumber(ARGV[4]), event = ARGV[2], part = tonumber(part), detail = ARGV[7]}))
redis.call('pexpire', hist, ARGV[5])
local out = {id, part}
for _, v in ipairs(redis.call('hgetall', msg)) do out[#out + 1] = v end
return out`);

/**
 * Sets the message's status and, the first time `onceKey` is seen, reserves its next callback sequence number
 * (0 when the report was already claimed). ARGV: status, onceKey.
 */
const CLAIM_REPORT = new LuaScript(`
redis.call('hset', KEYS[1], 'status', ARGV[1])
if ARGV[2] == '' then return 0 end
if redis.call('hsetnx', KEYS[1], 'once:' .. ARGV[2], '1') == 0 then return 0 end
return redis.call('hincrby', KEYS[1], 'cbseq', 1)`);

/** Digits only, for comparing a receipt's handset with the receiver we sent to (+46…, 0046… and 46… alike). */
export function handsetDigits(addr: string): string {
  return addr.replace(/\D/g, '');
}

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
    const to = handsetDigits(msg.to);
    parts.forEach((p, i) => {
      const norm = correlate?.[i];
      if (norm === undefined) return;
      const corr = this.keys.correlation(link.smscId, norm);
      pipe.rpush(corr, `${msg.id} ${p.seq} ${to}`).pexpire(corr, this.lifetimeMs);
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
    const res = (await MATCH_RECEIPT.run(this.redis, [this.keys.correlation(smscId, normalizedId)], [
      handsetDigits(handset),
      state,
      final ? '1' : '0',
      now,
      this.lifetimeMs,
      this.keys.prefix,
      detail,
    ])) as string[] | null;
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
    return Number(await CLAIM_REPORT.run(this.redis, [this.keys.message(id)], [status, onceKey]));
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
