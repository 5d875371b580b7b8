/**
 * Says whether to write a log line for an event that may come in a flood (failed logins from one client): the
 * first event of a key in each interval is written; the others of that interval are counted, and the count is
 * handed back once the interval is over (by sweep, or with the key's next written line).
 *
 * Pure: the caller passes the time. Bounded: at most `maxKeys` keys are tracked; beyond that, new keys share one
 * overflow slot, so a flood of always-new keys (random user names) is still one line per interval.
 */
export interface LogThrottleOptions {
  readonly intervalMs: number;
  readonly maxKeys: number;
}

export type ThrottleDecision =
  /** Write the line; `suppressed` events of this key were left out since its previous line. */
  { readonly log: true; readonly suppressed: number; readonly overflow: boolean } | { readonly log: false };

export interface SuppressedCount {
  readonly key: string;
  /** True for the shared slot of keys beyond maxKeys. */
  readonly overflow: boolean;
  readonly suppressed: number;
}

interface Slot {
  since: number;
  suppressed: number;
}

const OVERFLOW = '\u0000overflow';

export class LogThrottle {
  /** Insertion order is the order of each key's last written line, oldest first (what sweep relies on). */
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly opts: LogThrottleOptions) {}

  hit(key: string, nowMs: number): ThrottleDecision {
    const own = this.slots.get(key);
    const k = own || this.slots.size < this.opts.maxKeys ? key : OVERFLOW;
    const slot = own ?? this.slots.get(k);
    if (slot && nowMs - slot.since < this.opts.intervalMs) {
      slot.suppressed++;
      return { log: false };
    }
    const suppressed = slot?.suppressed ?? 0;
    this.slots.delete(k);
    this.slots.set(k, { since: nowMs, suppressed: 0 });
    return { log: true, suppressed, overflow: k === OVERFLOW };
  }

  /** Forgets the keys whose interval is over; returns those that had events left out, for one closing line each. */
  sweep(nowMs: number): SuppressedCount[] {
    const out: SuppressedCount[] = [];
    for (const [key, slot] of this.slots) {
      if (nowMs - slot.since < this.opts.intervalMs) break;
      this.slots.delete(key);
      if (slot.suppressed > 0) out.push({ key: key === OVERFLOW ? '' : key, overflow: key === OVERFLOW, suppressed: slot.suppressed });
    }
    return out;
  }

  /** Keys tracked now. */
  get size(): number {
    return this.slots.size;
  }
}
