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
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class GroupCommit<T> {
  private waiting: { items: readonly T[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  private waitingItems = 0;
  private inFlight = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: GroupCommitOptions = {},
  ) {}

  /** Resolves once these items are written (with whatever else joined them). */
  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.waitingItems += items.length;
      if (!this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    let follows = false;
    while (this.waiting.length > 0) {
      const turns = follows ? (this.opts.gatherTurns ?? 0) : 0;
      for (let i = 0; i < turns && this.waitingItems < (this.opts.fullAt ?? Infinity); i++) await nextTurn();
      const batch = this.waiting;
      this.waiting = [];
      this.waitingItems = 0;
      try {
        await this.write(batch.flatMap((w) => w.items));
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e as Error);
      }
      follows = true;
    }
    this.inFlight = false;
  }
}
