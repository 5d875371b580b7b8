/**
 * What happened to each message after it left its queue, kept in Redis for the message lifetime: submitted (with
 * the SMSC's message ids, per part) or failed (with the reason). Written before the queue job completes, so a
 * message is never in neither place.
 */
import type { Redis } from 'ioredis';
import type { QueuedMessage } from '../domain/message.js';
import type { AcceptedPart } from '../links/classify-outcomes.js';
import type { RedisKeys } from '../queue/queue-names.js';

export type MessageStatus = 'queued' | 'submitted' | 'failed';

export interface MessageRecord {
  readonly id: string;
  readonly status: MessageStatus;
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly acceptedAt: number;
  readonly updatedAt: number;
  readonly link?: string;
  readonly smscId?: string;
  readonly parts?: readonly AcceptedPart[];
  readonly error?: string;
  readonly commandStatus?: number;
}

export class MessageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly lifetimeMs: number,
  ) {}

  private async write(msg: QueuedMessage, fields: Record<string, string>): Promise<void> {
    const key = this.keys.message(msg.id);
    await this.redis
      .multi()
      .hset(key, {
        account: msg.account,
        from: msg.from,
        to: msg.to,
        acceptedAt: String(msg.acceptedAt),
        ...fields,
      })
      .pexpire(key, this.lifetimeMs)
      .exec();
  }

  async recordSubmitted(msg: QueuedMessage, link: { id: string; smscId: string }, parts: readonly AcceptedPart[], now: number): Promise<void> {
    await this.write(msg, { status: 'submitted', updatedAt: String(now), link: link.id, smscId: link.smscId, parts: JSON.stringify(parts) });
  }

  async recordFailed(msg: QueuedMessage, error: string, commandStatus: number | undefined, link: string | undefined, now: number): Promise<void> {
    await this.write(msg, {
      status: 'failed',
      updatedAt: String(now),
      error,
      ...(commandStatus !== undefined ? { commandStatus: String(commandStatus) } : {}),
      ...(link ? { link } : {}),
    });
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.message(id));
    if (!h.status) return undefined;
    return {
      id,
      status: h.status as MessageStatus,
      account: h.account ?? '',
      from: h.from ?? '',
      to: h.to ?? '',
      acceptedAt: Number(h.acceptedAt),
      updatedAt: Number(h.updatedAt),
      ...(h.link ? { link: h.link } : {}),
      ...(h.smscId ? { smscId: h.smscId } : {}),
      ...(h.parts ? { parts: JSON.parse(h.parts) as AcceptedPart[] } : {}),
      ...(h.error ? { error: h.error } : {}),
      ...(h.commandStatus ? { commandStatus: Number(h.commandStatus) } : {}),
    };
  }

  /** A concatenation reference for a long message to `to`: a per-receiver counter, kept for a week. */
  async nextConcatRef(to: string): Promise<number> {
    const key = this.keys.concatRef(to);
    const [[, n]] = (await this.redis.multi().incr(key).pexpire(key, 7 * 86_400_000).exec()) as [[Error | null, number], unknown];
    return n & 0xffff;
  }
}
