/**
 * Waits on Redis with a deadline, for work that comes once per message (a receipt's deliver_sm must be answered
 * whether Redis answers or not): one interval timer for every wait in flight instead of a timer each. Every wait
 * has the same length, so they expire in the order they started, and a sweep stops at the first that has time left.
 * A wait ends within `ms` plus one tick (a tenth of `ms`).
 */
interface Wait {
  readonly since: number;
  readonly expire: () => void;
}

export class Deadlines {
  private readonly waits = new Set<Wait>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;

  constructor(
    private readonly ms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tickMs = Math.max(5, Math.round(ms / 10));
  }

  /** The outcome of `work`, or 'timeout' once it has taken `ms`; `work` goes on either way. */
  race<T>(work: Promise<T>): Promise<T | 'timeout'> {
    return new Promise<T | 'timeout'>((resolve, reject) => {
      const wait: Wait = { since: this.now(), expire: () => resolve('timeout') };
      this.waits.add(wait);
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), this.tickMs);
        this.timer.unref();
      }
      work.then(
        (v) => {
          this.waits.delete(wait);
          resolve(v);
        },
        (e: unknown) => {
          this.waits.delete(wait);
          reject(e);
        },
      );
    });
  }

  /** Waits in flight. */
  get size(): number {
    return this.waits.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const w of this.waits) {
      if (now - w.since < this.ms) break;
      this.waits.delete(w);
      w.expire();
    }
    if (this.waits.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
