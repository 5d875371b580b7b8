/**
 * Acknowledged replication (redis.wait-replicas): a write counts once that many replicas hold it, so that a
 * failover, which promotes a replica, loses none of it. After the write, one WAIT on the same connection asks the
 * primary to confirm that its replicas have everything this connection wrote; it is one round trip per write (a
 * group commit of many messages, a batch of outcomes), not per message. With 0 replicas nothing is waited for.
 *
 * WAIT counts what *this connection* wrote. A connection made again in between (the primary died or froze, and
 * ioredis reconnected to the promoted replica, perhaps re-sending the WAIT there) would confirm at once, on a
 * primary that may never have had the write. So each write notes the connection's generation (counted at each
 * 'ready'), and a write whose connection changed before its WAIT was answered is reported as possibly lost: the
 * request path answers 503, the outcome writer writes it again.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FaultLog } from './fault-log.js';
import { RedisUnavailableError } from './redis-fault.js';

export interface ReplicaAckOptions {
  /** Replicas that must confirm each write; 0: none (no WAIT at all). */
  readonly replicas: number;
  /** Longest one WAIT waits for them. */
  readonly timeoutMs: number;
}

/** The replicas did not confirm a write in time, or the connection changed before they did. */
export class ReplicationError extends RedisUnavailableError {
  constructor(
    message: string,
    /** True when the connection changed: the write itself may be gone, not only unconfirmed. */
    readonly possiblyLost: boolean,
  ) {
    super('not-replicated', message);
  }
}

export class ReplicaAck {
  private generation = 0;
  /** WAITs sent, those that timed out before enough replicas confirmed, writes possibly lost, total WAIT time. */
  readonly counters = { waits: 0, late: 0, lost: 0, waitMs: 0 };
  private readonly faults: FaultLog | undefined;

  constructor(
    private readonly client: Redis,
    private readonly opts: ReplicaAckOptions,
    /** For persistently(): who waits, logged once when replicas stop confirming and once when they confirm again. */
    log?: { readonly logger: Logger; readonly activity: string },
  ) {
    client.on('ready', () => this.generation++);
    this.faults = log && new FaultLog(log.logger, { activity: log.activity, meanwhile: 'wait for the replicas' });
  }

  get enabled(): boolean {
    return this.opts.replicas > 0;
  }

  /**
   * Runs `write`, then waits for the replicas once: rejects with a ReplicationError when they do not confirm within
   * the timeout or the connection changed meanwhile (the write may then be on the primary all the same).
   */
  async after<T>(write: () => Promise<T>): Promise<T> {
    if (this.opts.replicas === 0) return write();
    const generation = this.writingOn();
    const result = await write();
    const confirmed = await this.waitOnce(generation);
    if (confirmed < this.opts.replicas) {
      this.counters.late++;
      throw new ReplicationError(
        `${confirmed} of ${this.opts.replicas} Redis replicas confirmed the write within ${this.opts.timeoutMs} ms`,
        false,
      );
    }
    return result;
  }

  /**
   * Runs `write`, then waits for the replicas for as long as it takes: a WAIT that timed out is sent again (the
   * write is on the primary and needs no second copy). Rejects only when the connection changed (the write may be
   * lost: write it again) or the connection fails.
   */
  async persistently<T>(write: () => Promise<T>): Promise<T> {
    if (this.opts.replicas === 0) return write();
    const generation = this.writingOn();
    const result = await write();
    for (;;) {
      const confirmed = await this.waitOnce(generation);
      if (confirmed >= this.opts.replicas) {
        this.faults?.succeeded();
        return result;
      }
      this.counters.late++;
      this.faults?.refused('not-replicated');
    }
  }

  /**
   * The generation of the connection a write started now goes on: this one when connected, else the next one (ioredis
   * holds the commands until it is connected, and sends them then).
   */
  private writingOn(): number {
    return this.client.status === 'ready' ? this.generation : this.generation + 1;
  }

  /** One WAIT: how many replicas confirmed. Throws when the connection changed since `generation`. */
  private async waitOnce(generation: number): Promise<number> {
    const started = Date.now();
    this.counters.waits++;
    let confirmed: number;
    try {
      confirmed = await this.client.wait(this.opts.replicas, this.opts.timeoutMs);
    } finally {
      this.counters.waitMs += Date.now() - started;
    }
    if (this.generation !== generation) {
      this.counters.lost++;
      throw new ReplicationError('the Redis connection changed before the replicas confirmed the write: it may be lost', true);
    }
    return confirmed;
  }
}
