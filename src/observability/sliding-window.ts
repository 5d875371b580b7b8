/**
 * Rates and latency percentiles over the last minute, for the admin port (a bind's submits per second and its
 * submit-to-response latency, an account's accepted messages per second). Pure: the caller passes `now`. One slot
 * per second in a ring, so recording is O(1) and memory is fixed whatever the traffic.
 */

/** A minute of full seconds, and the current one. */
const SLOTS = 61;

/** Events per second over the last `seconds` full seconds (at most 60). */
export class SlidingCounter {
  private readonly counts = new Float64Array(SLOTS);
  private readonly stamps = new Float64Array(SLOTS);

  add(now: number, n = 1): void {
    const sec = Math.floor(now / 1000);
    const i = sec % SLOTS;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
  }

  /** Average per second over the last `seconds` full seconds (the current, partial second left out). */
  rate(now: number, seconds = SLOTS - 1): number {
    const span = Math.max(1, Math.min(SLOTS - 1, seconds));
    const sec = Math.floor(now / 1000);
    let sum = 0;
    for (let k = 1; k <= span; k++) {
      const s = sec - k;
      const i = ((s % SLOTS) + SLOTS) % SLOTS;
      if (this.stamps[i] === s) sum += this.counts[i]!;
    }
    return sum / span;
  }
}

/**
 * Bucket bounds in ms for latencies: 0.1 ms to about 60 s, each 25 % above the previous, so a percentile read from
 * a bucket is within 25 % of the truth.
 */
const BOUNDS: readonly number[] = (() => {
  const b: number[] = [];
  for (let v = 0.1; v < 60_000; v *= 1.25) b.push(v);
  b.push(Infinity);
  return b;
})();

function bucketOf(ms: number): number {
  let lo = 0;
  let hi = BOUNDS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= BOUNDS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Percentiles of values (ms) seen over the last minute. */
export class SlidingHistogram {
  private readonly slots: (Uint32Array | undefined)[] = new Array(SLOTS);
  private readonly stamps = new Float64Array(SLOTS);

  record(now: number, ms: number): void {
    const sec = Math.floor(now / 1000);
    const i = sec % SLOTS;
    let slot = this.slots[i];
    if (!slot || this.stamps[i] !== sec) {
      slot = slot ?? new Uint32Array(BOUNDS.length);
      slot.fill(0);
      this.slots[i] = slot;
      this.stamps[i] = sec;
    }
    slot[bucketOf(ms)]!++;
  }

  /** The p-quantile (0..1) over the last `seconds` (current second included), the bucket's upper bound; undefined when empty. */
  percentile(now: number, p: number, seconds = SLOTS - 1): number | undefined {
    const sec = Math.floor(now / 1000);
    const merged = new Float64Array(BOUNDS.length);
    let total = 0;
    for (let k = 0; k < Math.min(SLOTS, seconds); k++) {
      const s = sec - k;
      const i = ((s % SLOTS) + SLOTS) % SLOTS;
      const slot = this.slots[i];
      if (!slot || this.stamps[i] !== s) continue;
      for (let b = 0; b < slot.length; b++) {
        merged[b]! += slot[b]!;
        total += slot[b]!;
      }
    }
    if (total === 0) return undefined;
    const want = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (let b = 0; b < merged.length; b++) {
      seen += merged[b]!;
      if (seen >= want) return BOUNDS[b] === Infinity ? BOUNDS[b - 1] : Math.round(BOUNDS[b]! * 100) / 100;
    }
    return undefined;
  }
}
