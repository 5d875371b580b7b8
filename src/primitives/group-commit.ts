/**
 * Group commit: while one write is in flight, the next items gather, and go together when it returns. A lone caller
 * pays one round trip and nothing more (no timer: a fixed delay caps throughput at connections ÷ delay, measured in
 * reference/stack.md §6); under load, many callers share one.
 *
 * With `gatherTurns`, a write that follows another one at once (the gateway is busy) first lets the event loop
 * run that many more turns, so that the requests already read from the sockets join it. Each write costs a fixed
 * amount whatever it carries (a queue job, a round trip), so under load fewer, fuller writes cost less per item;
 * a lone caller still goes at once.
 *
 * With `lingerMaxMs` (an adaptive linger), a write that starts from idle while traffic is steady first waits a
 * moment for the next callers: at ordinary rates (2 000 requests a second) no write is in flight when a request
 * comes, so without it every request would pay a write of its own. The wait is decided by lingerMs() from the
 * recent gaps between callers: none when the gateway was idle, never more than `lingerMaxMs`.
 */

/** The gaps between recent callers, as the linger reads them. */
export interface ArrivalGaps {
  /** The gap before the caller that starts this write, ms (undefined: the first caller ever). */
  readonly last: number | undefined;
  /** A moving average of the gaps between callers, ms (undefined: fewer than two callers so far). */
  readonly average: number | undefined;
}

/** Expected callers that make a wait worth it: the write then carries at least this many more. */
const WORTH_WAITING_FOR = 1;
/**
 * How many average gaps a write waits at most, per millisecond of linger configured: four with the default 2 ms (a
 * few callers, not a crowd), sixteen with 8 ms. A longer linger is an operator's choice of fewer queue jobs (each
 * costs about 1 ms of CPU whatever it carries, `npm run bench:floor`) for more latency; with a fixed four gaps it did
 * nothing at 2 000 requests a second, where four gaps are 2 ms.
 */
const GAPS_PER_LINGER_MS = 2;

/**
 * How long a write that starts from idle waits for more callers: 0 when the caller that starts it came after a gap
 * longer than `maxMs` (the gateway was idle, so a lone request never waits), or when fewer than one more caller is
 * expected within `maxMs`; else a few average gaps (more for a longer linger), at most `maxMs`. Pure.
 */
export function lingerMs(gaps: ArrivalGaps, maxMs: number): number {
  if (maxMs <= 0 || gaps.last === undefined || gaps.average === undefined) return 0;
  if (gaps.last > maxMs || gaps.average <= 0 || maxMs / gaps.average < WORTH_WAITING_FOR) return 0;
  return Math.min(maxMs, GAPS_PER_LINGER_MS * maxMs * gaps.average);
}
export interface GroupCommitOptions {
  /** Event-loop turns a write waits for more items when it follows another one directly; 0: none. */
  readonly gatherTurns?: number;
  /** No waiting once this many items are gathered. */
  readonly fullAt?: number;
  /**
   * A write that starts from idle first lets the code running now finish (one microtask), so that items that come
   * together share it: the outcomes of a window's answers arrive in one read, and the first would otherwise go alone.
   */
  readonly gatherSameTurn?: boolean;
  /** Longest adaptive linger of a write that starts from idle while traffic is steady (see lingerMs); 0: none. */
  readonly lingerMaxMs?: number;
  /** The clock the linger reads (ms); performance.now by default. */
  readonly now?: () => number;
}

/** Weight of the newest gap in the moving average: about the last ten callers count. */
const GAP_WEIGHT = 0.2;

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class GroupCommit<T> {
  private items: T[] = [];
  private waiters: Waiter[] = [];
  /** Items posted (no promise) among `items`. */
  private posted = 0;
  private inFlight = false;
  private lastArrival: number | undefined;
  private lastGap: number | undefined;
  private averageGap: number | undefined;
  /** Wakes a lingering write early once `fullAt` items are there. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: GroupCommitOptions = {},
  ) {}

  /** Resolves once these items are written (with whatever else joined them). */
  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const item of items) this.items.push(item);
      this.waiters.push({ resolve, reject });
      this.arrived();
    });
  }

  /**
   * Adds one item with no promise, for items that carry their own way of hearing that they are written (the write
   * tells each one): nothing is allocated per item. A write that fails with posted items in it has no caller to tell,
   * so its error is thrown out of the group commit (an unhandled rejection): such a write must not fail.
   */
  post(item: T): void {
    this.items.push(item);
    this.posted++;
    this.arrived();
  }

  private arrived(): void {
    if (this.opts.lingerMaxMs) {
      const now = (this.opts.now ?? performance.now.bind(performance))();
      if (this.lastArrival !== undefined) {
        const gap = now - this.lastArrival;
        this.lastGap = gap;
        this.averageGap = this.averageGap === undefined ? gap : this.averageGap + GAP_WEIGHT * (gap - this.averageGap);
      }
      this.lastArrival = now;
      if (this.wake && this.items.length >= (this.opts.fullAt ?? Infinity)) this.wake();
    }
    if (!this.inFlight) void this.flush();
  }

  /** Waits up to `ms` for more items, or until `fullAt` of them are there. */
  private linger(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    }).finally(() => (this.wake = undefined));
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    let follows = false;
    try {
      while (this.items.length > 0) {
        if (!follows && this.opts.gatherSameTurn) await Promise.resolve();
        if (!follows && this.opts.lingerMaxMs) {
          const ms = lingerMs({ last: this.lastGap, average: this.averageGap }, this.opts.lingerMaxMs);
          if (ms > 0) await this.linger(ms);
        }
        const turns = follows ? (this.opts.gatherTurns ?? 0) : 0;
        for (let i = 0; i < turns && this.items.length < (this.opts.fullAt ?? Infinity); i++) await nextTurn();
        const batch = this.items;
        const waiters = this.waiters;
        const posted = this.posted;
        this.items = [];
        this.waiters = [];
        this.posted = 0;
        try {
          await this.write(batch);
          for (const w of waiters) w.resolve();
        } catch (e) {
          for (const w of waiters) w.reject(e as Error);
          if (posted > 0) throw e;
        }
        follows = true;
      }
    } finally {
      this.inFlight = false;
    }
  }
}
