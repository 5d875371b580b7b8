/**
 * What each account sent, for the admin port: counters in Redis (accepted, refused, delivered, failed), shared by
 * every gateway process, and the current rate, read from the counter's growth over the last minute. The counters
 * are summed in memory and written every half second (one pipeline for all accounts), so they cost no Redis command
 * and no promise per message; a crash loses at most the last half second of a statistic.
 */
import type { Redis } from 'ioredis';
import type { AccountView } from '../domain/admin-views.js';
import type { RedisKeys } from '../redis/keys.js';

export type AccountCounter = 'accepted' | 'refused' | 'delivered' | 'failed';

const FIELDS: readonly AccountCounter[] = ['accepted', 'refused', 'delivered', 'failed'];
/** How far back the rate looks, and how many samples are kept for it. */
const RATE_WINDOW_MS = 60_000;
const MAX_SAMPLES = 64;
/** How long increments gather before they are written. */
const FLUSH_MS = 500;

export class AccountStats {
  /** accepted counts seen, oldest first, per account: [time, count]. */
  private readonly samples = new Map<string, [number, number][]>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Pending increments by account and counter, written by flush(). */
  private pending = new Map<string, Map<AccountCounter, number>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Adds to a counter (written within FLUSH_MS). */
  count(username: string, counter: AccountCounter, n = 1): void {
    let byCounter = this.pending.get(username);
    if (!byCounter) this.pending.set(username, (byCounter = new Map()));
    byCounter.set(counter, (byCounter.get(counter) ?? 0) + n);
    if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is left, once; nothing is written after (the connection is about to close). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Writes what was counted (by the timer). A failed write puts its increments back for the next turn. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const pipe = this.redis.pipeline();
    for (const [username, byCounter] of batch) for (const [counter, n] of byCounter) pipe.hincrby(this.keys.account(username), counter, n);
    const failed = await pipe.exec().then(
      (res) => (res ?? []).some(([err]) => err),
      () => true,
    );
    if (failed && !this.closed)
      for (const [username, byCounter] of batch) for (const [counter, n] of byCounter) this.count(username, counter, n);
  }

  /** Every account's counters now, and its accepted rate over the last minute (from the reads of earlier calls). */
  async read(usernames: readonly string[], now: number): Promise<AccountView[]> {
    const pipe = this.redis.pipeline();
    for (const u of usernames) pipe.hmget(this.keys.account(u), ...FIELDS);
    const res = (await pipe.exec()) ?? [];
    return usernames.map((username, i) => {
      const [err, v] = res[i] ?? [null, []];
      if (err) throw err;
      const [accepted, refused, delivered, failed] = ((v as (string | null)[] | null) ?? []).map((x) => Number(x ?? 0)) as [
        number,
        number,
        number,
        number,
      ];
      return { username, counters: { accepted, refused, delivered, failed }, ratePerSecond: this.rate(username, now, accepted) };
    });
  }

  private rate(username: string, now: number, accepted: number): number {
    const list = this.samples.get(username) ?? [];
    while (list.length > 1 && now - list[1]![0] >= RATE_WINDOW_MS) list.shift();
    list.push([now, accepted]);
    if (list.length > MAX_SAMPLES) list.splice(1, list.length - MAX_SAMPLES);
    this.samples.set(username, list);
    const [t0, c0] = list[0]!;
    const dt = now - t0;
    return dt <= 0 ? 0 : Math.round(((accepted - c0) * 1000 * 10) / dt) / 10;
  }
}
