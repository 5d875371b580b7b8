/**
 * How long one process has been without a usable Redis primary, and how many times the primary changed under it
 * (a Sentinel failover), for /metrics. Two things say the primary is missing: a connection of the process is lost
 * (redis-error-log.ts), or the request path's circuit is open (redis-circuit.ts: a primary that froze closes no
 * connection, but stops answering). The time counted is when either holds, counted once when both do.
 *
 * Pure: the caller passes the time.
 */
export class RedisAvailability {
  private readonly missing = new Set<string>();
  private since = 0;
  private closedMs = 0;
  private primary: string | undefined;
  /** Times a connection came back to another address than the primary's before (a failover seen by this process). */
  failovers = 0;

  /** `source` sees no primary from `now` on. */
  lost(source: string, now: number): void {
    if (this.missing.size === 0) this.since = now;
    this.missing.add(source);
  }

  /** `source` sees a primary again. */
  found(source: string, now: number): void {
    if (!this.missing.delete(source) || this.missing.size > 0) return;
    this.closedMs += now - this.since;
  }

  /**
   * A connection is ready at `address`: returns the address it replaces when that is a change of primary (the first
   * connection of the process, or one to the same primary, returns undefined).
   */
  connectedTo(address: string): string | undefined {
    const before = this.primary;
    this.primary = address;
    if (before === undefined || before === address) return undefined;
    this.failovers++;
    return before;
  }

  /** Milliseconds without a primary since start, the current stretch included. */
  withoutPrimaryMs(now: number): number {
    return this.closedMs + (this.missing.size > 0 ? now - this.since : 0);
  }
}
