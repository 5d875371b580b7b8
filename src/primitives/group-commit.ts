/**
 * Group commit: while one write is in flight, the next items gather, and go together when it returns. A lone caller
 * pays one round trip and nothing more (no timer: a fixed delay caps throughput at connections ÷ delay, measured in
 * reference/stack.md §6); under load, many callers share one.
 *
 * With `gatherTurns`, a write that follows another one at once (the gateway is busy) first lets the event loop
 * run that many more turns, so that the requests already read from the sockets join it. Each write costs a fixed
 * amount whatever it carries (a queue job, a round trip), so under load fewer, fuller writes cost less per item;
 * a lone caller still goes at once.
 */
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
}

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
      if (!this.inFlight) void this.flush();
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
    if (!this.inFlight) void this.flush();
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    let follows = false;
    try {
      while (this.items.length > 0) {
        if (!follows && this.opts.gatherSameTurn) await Promise.resolve();
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
