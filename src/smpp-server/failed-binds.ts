/**
 * Failed binds per client address: after `limit` failures within `windowMs`, the address's binds are refused
 * without looking at the password until the window has passed, so guessing passwords over SMPP costs a client a
 * connection per try and stops after a few. Bounded: at most `maxAddresses` are tracked (the oldest go). Pure: the
 * caller passes the time.
 */
export interface FailedBindsOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly maxAddresses: number;
}

interface Entry {
  since: number;
  failures: number;
}

export class FailedBinds {
  private readonly byAddress = new Map<string, Entry>();

  constructor(private readonly opts: FailedBindsOptions) {}

  /** Whether binds from this address are refused now. */
  blocked(address: string, nowMs: number): boolean {
    const e = this.byAddress.get(address);
    if (!e) return false;
    if (nowMs - e.since >= this.opts.windowMs) {
      this.byAddress.delete(address);
      return false;
    }
    return e.failures >= this.opts.limit;
  }

  failed(address: string, nowMs: number): void {
    const e = this.byAddress.get(address);
    if (e && nowMs - e.since < this.opts.windowMs) {
      e.failures++;
      return;
    }
    this.byAddress.delete(address);
    if (this.byAddress.size >= this.opts.maxAddresses) {
      const oldest = this.byAddress.keys().next();
      if (!oldest.done) this.byAddress.delete(oldest.value);
    }
    this.byAddress.set(address, { since: nowMs, failures: 1 });
  }
}
