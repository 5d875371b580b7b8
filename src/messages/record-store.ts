/**
 * Message records read and changed one at a time: a record with its history for the API, a crashed batch's check of
 * what is recorded already, a report claimed once, and what operators do (a message queued again, a failed one
 * removed). Outcomes are written by outcome-writer.ts, receipts by dlr/receipt-matcher.ts; the record's form is
 * record-codec.ts.
 */
import type { Redis } from 'ioredis';
import type { QueuedMessage } from '../domain/message.js';
import type { HistoryEntry, MessageRecord, MessageStatus } from '../domain/message-record.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { FIELDS, hashOf, infoOf, RECORD_CONSTANTS, recordHistory, STATUS_CODES, statusOf, toRecord } from './record-codec.js';

export const CLAIM_REPORT = LuaScript.load('claim-report', { F: RECORD_CONSTANTS.F });
export const REQUEUE_RECORD = LuaScript.load('requeue-record', RECORD_CONSTANTS);
export const MARK_REMOVED = LuaScript.load('mark-removed', RECORD_CONSTANTS);

export interface RecordStoreOptions {
  readonly lifetimeMs: number;
}

export class RecordStore {
  private readonly lifetimeMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    opts: RecordStoreOptions,
  ) {
    this.lifetimeMs = opts.lifetimeMs;
  }

  /** A record as stored, with its history (derived entries first), or undefined. */
  async get(id: string): Promise<(MessageRecord & { history: HistoryEntry[] }) | undefined> {
    const h = await this.redis.hgetall(this.keys.message(id));
    const rec = toRecord(id, h);
    if (!rec) return undefined;
    return { ...rec, history: recordHistory(rec, h) };
  }

  /** Sets the status and claims a report once (see claim-report.lua); the callback sequence number, or 0. */
  async claimReport(id: string, status: MessageStatus, onceKey: string): Promise<number> {
    return Number(await CLAIM_REPORT.run(this.redis, [this.keys.message(id)], [STATUS_CODES[status], onceKey]));
  }

  /**
   * Records that these messages wait again in a queue, in job `jobId` of route `routeKey` (moved to another route,
   * or a failed message queued again): their ids no longer name the job they are in, so the record says where.
   */
  async markQueued(msgs: readonly QueuedMessage[], routeKey: string, jobId: string, now: number, why: string): Promise<void> {
    await Promise.all(
      msgs.map((msg) =>
        REQUEUE_RECORD.run(this.redis, [this.keys.message(msg.id)], [infoOf(msg), routeKey, jobId, now, this.lifetimeMs, why]),
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
    return toRecord(id, hashOf(res));
  }

  /** The stored form of a failed message (to queue it again), or undefined. */
  async failedWire(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.message(id), FIELDS.wire)) ?? undefined;
  }

  /** Record fields a batch interrupted by a crash is checked against: status and owning job of each message. */
  async statusAndJob(ids: readonly string[]): Promise<{ status: MessageStatus | undefined; job: string | undefined }[]> {
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.keys.message(id), FIELDS.status, FIELDS.job);
    const res = (await pipe.exec()) ?? [];
    return ids.map((_, i) => {
      const [err, v] = res[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      const [s, j] = (v as (string | null)[] | null) ?? [null, null];
      return { status: statusOf(s), job: j ?? undefined };
    });
  }
}
