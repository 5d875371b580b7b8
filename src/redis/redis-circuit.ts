/**
 * The request path's view of Redis (sendsms, the JSON API, message lookups): a client must hear "try again later"
 * within a second, whatever Redis does. Each command there has a deadline (ioredis commandTimeout on the request
 * path's connection); the first write that misses it, or finds no connection, opens this circuit, and while it is
 * open requests are answered 503 at once, without writing anything more into a connection Redis does not read
 * (every such write would land when Redis wakes up, after its client was told it failed). One probe at a time
 * (PING on the same connection) closes it as soon as Redis answers: a probe sent to a frozen Redis is answered the
 * moment it thaws, so accepting starts again within a round trip of its return.
 *
 * A Redis that answers but refuses writes (OOM, READONLY, MISCONF) needs no circuit: its refusals come back at once.
 * Each fault is logged once when it starts and once when it ends, with the count of operations it refused.
 */
import type { Logger } from 'pino';
import type { RedisAvailability } from './availability.js';
import { FaultLog } from './fault-log.js';
import { classifyRedisError, describeFault, isConnectionFault, RedisUnavailableError } from './redis-fault.js';

export interface RedisCircuitOptions {
  /** Asks Redis something trivial (PING on the request path's connection); resolves once it answers. */
  readonly probe: () => Promise<unknown>;
  /** Wait between probes that failed at once (no connection); a probe that timed out is followed at once. */
  readonly probeIntervalMs: number;
  readonly logger: Logger;
  /** Who answers 503 meanwhile, for the log lines. */
  readonly activity: string;
  readonly now?: () => number;
  /** Hears when the circuit opens and closes (time without a primary, for /metrics). */
  readonly availability?: RedisAvailability;
}

export class RedisCircuit {
  private readonly faults: FaultLog;
  private readonly now: () => number;
  /** Set while open: the connection fault that opened it, and the error every refused operation gets. */
  private open: RedisUnavailableError | undefined;
  private probing = false;
  private stopped = false;
  private sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;

  constructor(private readonly opts: RedisCircuitOptions) {
    this.now = opts.now ?? Date.now;
    this.faults = new FaultLog(opts.logger, { activity: opts.activity, meanwhile: 'answer 503 with Retry-After', now: this.now });
  }

  /** Whether operations are refused at once now. */
  get isOpen(): boolean {
    return this.open !== undefined;
  }

  /**
   * Runs a request-path operation: refused at once while the circuit is open; a Redis fault of the operation
   * becomes a RedisUnavailableError (and a connection fault opens the circuit). Other errors pass unchanged.
   */
  run<T>(op: () => Promise<T>): Promise<T> {
    const refused = this.open;
    if (refused) {
      this.faults.refused(refused.fault);
      return Promise.reject(refused);
    }
    return op().then(
      (v) => {
        this.faults.succeeded();
        return v;
      },
      (e: unknown) => {
        throw this.failed(e);
      },
    );
  }

  private failed(e: unknown): unknown {
    // Not Redis's fault (a bug, a commit refused for another reason): the caller reports it as it does now.
    const fault = classifyRedisError(e);
    if (!fault) return e;
    this.faults.failed(e);
    const err = e instanceof RedisUnavailableError ? e : new RedisUnavailableError(fault, describeFault(fault), { cause: e });
    if (isConnectionFault(fault) && !this.open && !this.stopped) {
      this.open = err;
      this.opts.availability?.lost('requests', this.now());
      void this.probeUntilAnswered();
    }
    return err;
  }

  private async probeUntilAnswered(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      while (this.open && !this.stopped) {
        const started = this.now();
        try {
          await this.opts.probe();
          this.open = undefined;
          this.opts.availability?.found('requests', this.now());
          this.faults.succeeded();
          return;
        } catch (e) {
          const fault = classifyRedisError(e);
          // LOADING or BUSY answer a PING too: still no use for writes. Anything else: the same outage.
          if (fault && fault !== this.open?.fault) {
            this.faults.refused(fault);
            this.open = new RedisUnavailableError(fault, describeFault(fault), { cause: e });
          }
        }
        const wait = this.opts.probeIntervalMs - (this.now() - started);
        if (wait > 0) await this.pause(wait);
      }
    } finally {
      this.probing = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((wake) => {
      const timer = setTimeout(() => {
        this.sleep = undefined;
        wake();
      }, ms);
      timer.unref();
      this.sleep = { timer, wake };
    });
  }

  /** Stops probing (the connection is closing). */
  stop(): void {
    this.stopped = true;
    if (this.sleep) {
      clearTimeout(this.sleep.timer);
      this.sleep.wake();
      this.sleep = undefined;
    }
  }
}
