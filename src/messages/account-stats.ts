/**
 * What each account sent, for the admin port: counters in Redis (accepted, refused, delivered, failed), shared by
 * every gateway process, and the current rate, read from the counter's growth over the last minute. The counters
 * are bumped where the messages already cost a Redis write (a commit per route, a record write, a receipt), so they
 * add no round trip per message.
 */
import type { Redis } from 'ioredis';
import type { AccountView } from '../domain/admin-views.js';
import type { RedisKeys } from '../queue/queue-names.js';

export type AccountCounter = 'accepted' | 'refused' | 'delivered' | 'failed';

const FIELDS: readonly AccountCounter[] = ['accepted', 'refused', 'delivered', 'failed'];
/** How far back the rate looks, and how many samples are kept for it. */
const RATE_WINDOW_MS = 60_000;
const MAX_SAMPLES = 64;

export class AccountStats {
  /** accepted counts seen, oldest first, per account: [time, count]. */
  private readonly samples = new Map<string, [number, number][]>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Adds to a counter; not awaited by callers on the message path (a lost increment only skews a statistic). */
  count(username: string, counter: AccountCounter, n = 1): Promise<unknown> {
    return this.redis.hincrby(this.keys.account(username), counter, n).catch(() => undefined);
  }

  /** Every account's counters now, and its accepted rate over the last minute (from the reads of earlier calls). */
  async read(usernames: readonly string[], now: number): Promise<AccountView[]> {
    const pipe = this.redis.pipeline();
    for (const u of usernames) pipe.hmget(this.keys.account(u), ...FIELDS);
    const res = (await pipe.exec()) ?? [];
    return usernames.map((username, i) => {
      const [err, v] = res[i] ?? [null, []];
      if (err) throw err;
      const [accepted, refused, delivered, failed] = ((v as (string | null)[] | null) ?? []).map((x) => Number(x ?? 0)) as [number, number, number, number];
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
