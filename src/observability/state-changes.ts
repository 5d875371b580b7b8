/**
 * Says when to write a log line for a condition that is observed again and again (every request while Redis is
 * down, every reconnect attempt): once when the state changes, with how many times the previous state was seen
 * and how long it lasted, and never in between. An outage of 13 minutes is two lines, not one per attempt.
 *
 * Pure: the caller passes the time.
 */
export interface StateChange<S extends string> {
  readonly from: S;
  readonly to: S;
  /** Times `from` was observed, the first one included. */
  readonly count: number;
  /** How long `from` lasted, from its first observation to this change. */
  readonly lastedMs: number;
}

export class StateChanges<S extends string> {
  private current: S;
  private since: number;
  private seen = 0;

  constructor(initial: S, nowMs: number) {
    this.current = initial;
    this.since = nowMs;
  }

  /** Records one observation; returns the change to log when it differs from the current state, else undefined. */
  observe(state: S, nowMs: number): StateChange<S> | undefined {
    if (state === this.current) {
      this.seen++;
      return undefined;
    }
    const change: StateChange<S> = { from: this.current, to: state, count: this.seen, lastedMs: nowMs - this.since };
    this.current = state;
    this.since = nowMs;
    this.seen = 1;
    return change;
  }

  get state(): S {
    return this.current;
  }

  /** Observations of the current state so far. */
  get count(): number {
    return this.seen;
  }
}
