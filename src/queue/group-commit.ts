/**
 * Group commit: while one write is in flight, the next items gather, and go together when it returns. A lone caller
 * pays one round trip and nothing more (no timer: a fixed delay caps throughput at connections ÷ delay, measured in
 * reference/stack.md §6); under load, many callers share one.
 */
export class GroupCommit<T> {
  private waiting: { items: readonly T[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  private inFlight = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  /** Resolves once these items are written (with whatever else joined them). */
  add(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      if (!this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.write(batch.flatMap((w) => w.items));
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e as Error);
      }
    }
    this.inFlight = false;
  }
}
