/**
 * Rate limits, max-tps and quotas, counted in Redis so that every gateway process shares them: a client address's
 * requests (http.ip-rate-limit), an account's requests (request-rate-limit), its SMS per second (max-tps, refused
 * or paced) and its SMS per UTC day and month (daily-quota, monthly-quota).
 *
 * Why not @fastify/rate-limit with its Redis store: an account's limits must be counted after the account is
 * authenticated (keyed on a claimed username, anyone could use up another account's limit), and max-tps needs the
 * request's SMS count, known only once the text is encoded; that plugin keys and counts before the handler runs.
 * And here every limit of a request is one script call, and concurrent requests share it (group commit, as the
 * queue writes do): under load a check costs a fraction of a round trip, and a lone request pays one. Nothing is
 * called at all for an account without limits, or when client addresses are not limited.
 */
import type { Redis } from 'ioredis';
import type { Account, RateLimit } from '../domain/account.js';
import { GroupCommit } from '../queue/group-commit.js';
import type { RedisKeys } from '../queue/queue-names.js';
import { LuaScript } from '../redis/lua-script.js';
import { rateLimitClient } from '../security/rate-limit-client.js';
import { quotaPeriods, type QuotaPeriod } from './quota-periods.js';
import { bucketRule, messageDelays, SLACK_MS, toleranceMs, type BucketRule } from './token-bucket.js';

/**
 * Runs the checks of several requests at once, each all or nothing (token-bucket.ts has the bucket arithmetic,
 * GCRA; the unit tests hold the two together).
 *
 * KEYS: for each check, in order, the keys its flags name: request bucket (1), tps bucket (2), daily quota (4),
 *   monthly quota (8).
 * ARGV[1]: now, epoch ms. Then for each check: its flags, then for each flag set, in the same order:
 *   request bucket: intervalMs, toleranceMs (one unit, no waiting)
 *   tps bucket: intervalMs, toleranceMs, units, maxDelayMs
 *   quota: limit, units, TTL in seconds (set when the period's counter is created)
 * Returns two values per check: a code and a value. 0 admitted (value: the tps reservation's first slot, or ''),
 *   1 over the request rate (value: ms until a request fits), 2 over max-tps (ms until it fits, -1: never),
 *   3 daily quota used up, 4 monthly quota used up (value: SMS counted so far).
 * The request bucket counts the request even when its other limits refuse it; the rest is written only when all of
 * it fits. A bucket's key lives until the bucket is full again, and a second more (for processes whose clocks differ).
 */
const ADMIT = new LuaScript(`
local now = tonumber(ARGV[1])
local a, k = 2, 1
local function num() local v = tonumber(ARGV[a]); a = a + 1; return v end
local function key() local v = KEYS[k]; k = k + 1; return v end
local SLACK = ${SLACK_MS}
local function bucket(bk, T, tau, n, maxDelay)
  local tat0 = math.max(tonumber(redis.call('get', bk)) or 0, now)
  local lastDelay = tat0 + (n - 1) * T - tau - now
  if lastDelay <= maxDelay + SLACK then return true, tat0, tat0 + n * T end
  if (n - 1) * T - tau > maxDelay + SLACK then return false, -1 end
  return false, math.ceil(lastDelay - maxDelay)
end
local function store(bk, tat)
  redis.call('set', bk, string.format('%.3f', tat), 'px', math.ceil(tat - now) + 1000)
end
local out = {}
while a <= #ARGV do
  local flags = num()
  local code, value = 0, ''
  if flags % 2 == 1 then
    local bk, T, tau = key(), num(), num()
    local ok, v, tat = bucket(bk, T, tau, 1, 0)
    if ok then store(bk, tat) else code, value = 1, v end
  end
  local tpsKey, tat0, tpsTat
  if math.floor(flags / 2) % 2 == 1 then
    tpsKey = key()
    local T, tau, n, maxDelay = num(), num(), num(), num()
    if code == 0 then
      local ok, v, tat = bucket(tpsKey, T, tau, n, maxDelay)
      if ok then tat0, tpsTat = v, tat else code, value = 2, v end
    end
  end
  local quotas = {}
  for bit = 2, 3 do
    if math.floor(flags / (2 ^ bit)) % 2 == 1 then
      local qk, limit, n, ttl = key(), num(), num(), num()
      if code == 0 then
        local used = tonumber(redis.call('get', qk)) or 0
        if used + n > limit then code, value = bit + 1, used else quotas[#quotas + 1] = { qk, n, ttl, used } end
      end
    end
  end
  if code == 0 then
    if tpsTat then
      store(tpsKey, tpsTat)
      value = string.format('%.3f', tat0)
    end
    for _, q in ipairs(quotas) do
      redis.call('incrby', q[1], q[2])
      if q[4] == 0 then redis.call('expire', q[1], q[3]) end
    end
  end
  out[#out + 1] = code
  out[#out + 1] = tostring(value)
end
return out`);

const FLAG_REQUESTS = 1;
const FLAG_TPS = 2;
const FLAG_DAILY = 4;
const FLAG_MONTHLY = 8;

export type LimitReason = 'client-rate' | 'account-rate' | 'over-tps' | 'too-many-at-once' | 'daily-quota' | 'monthly-quota';

export interface LimitRefusal {
  readonly reason: LimitReason;
  /** When the same request may fit; undefined when it never can (too-many-at-once). */
  readonly retryAfterMs: number | undefined;
  /** One sentence for the client, naming the limit. */
  readonly detail: string;
}

export type LimitVerdict = { readonly ok: true } | { readonly ok: false; readonly refusal: LimitRefusal };

export type Admission =
  | {
      readonly ok: true;
      /** Per message, the epoch ms it may go at (max-tps in pace mode); undefined: every one now. */
      readonly notBefore: readonly number[] | undefined;
      /** Gives back the quota this admission took, when its messages could not be queued after all. */
      release(): Promise<void>;
    }
  | { readonly ok: false; readonly refusal: LimitRefusal };

/** One request's checks, as the script takes them, and what it answered. */
interface Check {
  readonly keys: readonly string[];
  readonly args: readonly number[];
  now: number;
  code: number;
  value: string;
}

export interface LimitGateOptions {
  /** http.ip-rate-limit; undefined: client addresses are not limited. */
  readonly clientRate: RateLimit | undefined;
  /** Hears every refusal (metrics). */
  readonly onRefused?: (reason: LimitReason) => void;
  /** Hears how many messages of an admission are held for max-tps (metrics). */
  readonly onPaced?: (messages: number) => void;
  /** The clock (epoch ms); Date.now unless a test drives it. Every process's clock must agree, as bullmq's delays need. */
  readonly now?: () => number;
  /** Runs each script call: the request path's Redis circuit (redis/redis-circuit.ts), which answers at once while Redis does not. */
  readonly guard?: <T>(op: () => Promise<T>) => Promise<T>;
}

const ADMITTED = Promise.resolve({ ok: true } as const);
const perSecond = (r: RateLimit): string => `${r.perSecond} per second`;

export class LimitGate {
  private readonly gather: GroupCommit<Check>;
  private readonly clientRule: BucketRule | undefined;
  private readonly clock: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly opts: LimitGateOptions,
  ) {
    this.gather = new GroupCommit<Check>((checks) => this.run(checks));
    this.clientRule = opts.clientRate && bucketRule(opts.clientRate.perSecond, opts.clientRate.burst);
    this.clock = opts.now ?? Date.now;
  }

  /** Whether client addresses are limited (else checkClient needs no call). */
  get limitsClients(): boolean {
    return this.clientRule !== undefined;
  }

  /** http.ip-rate-limit for one request from this address. */
  async checkClient(ip: string): Promise<LimitVerdict> {
    const rule = this.clientRule;
    if (!rule) return { ok: true };
    const c = await this.check([this.keys.clientRateBucket(rateLimitClient(ip))], [FLAG_REQUESTS, rule.intervalMs, toleranceMs(rule)]);
    if (c.code === 0) return { ok: true };
    return this.refuse(
      'client-rate',
      Number(c.value),
      `too many requests from this client address (http.ip-rate-limit: ${perSecond(this.opts.clientRate!)})`,
    );
  }

  /** The account's request-rate-limit for a request that sends nothing (a message lookup). */
  checkRequest(account: Account): Promise<LimitVerdict> {
    const requests = account.limits?.requests;
    if (!requests) return ADMITTED;
    const rule = bucketRule(requests.perSecond, requests.burst);
    return this.check([this.keys.accountRequestBucket(account.username)], [FLAG_REQUESTS, rule.intervalMs, toleranceMs(rule)]).then((c) =>
      c.code === 0 ? { ok: true } : this.refuse('account-rate', Number(c.value), this.requestDetail(account)),
    );
  }

  /**
   * One sending request of the account, with the SMS count of each message it queues: its request rate, then
   * max-tps and the quotas for all its SMS together. Admitted whole (in pace mode with each message's wait) or
   * refused whole.
   */
  async admit(account: Account, partsPerMessage: readonly number[]): Promise<Admission> {
    const limits = account.limits;
    if (!limits) return { ok: true, notBefore: undefined, release: async () => undefined };
    const units = partsPerMessage.reduce((a, b) => a + b, 0);
    const keys: string[] = [];
    const args: number[] = [0];
    let tpsRule: BucketRule | undefined;
    if (limits.requests) {
      const rule = bucketRule(limits.requests.perSecond, limits.requests.burst);
      keys.push(this.keys.accountRequestBucket(account.username));
      args.push(rule.intervalMs, toleranceMs(rule));
      args[0]! |= FLAG_REQUESTS;
    }
    if (limits.tps && units > 0) {
      tpsRule = bucketRule(limits.tps.perSecond, limits.tps.burst, limits.tps.maxDelayMs);
      keys.push(this.keys.accountTpsBucket(account.username));
      args.push(tpsRule.intervalMs, toleranceMs(tpsRule), units, tpsRule.maxDelayMs);
      args[0]! |= FLAG_TPS;
    }
    const now = this.clock();
    const periods = quotaPeriods(now);
    const quotaKeys: string[] = [];
    for (const [flag, limit, period] of [
      [FLAG_DAILY, limits.dailyQuota, periods.daily],
      [FLAG_MONTHLY, limits.monthlyQuota, periods.monthly],
    ] as const) {
      if (limit === undefined || units === 0) continue;
      const key = this.keys.accountQuota(account.username, period.id);
      keys.push(key);
      quotaKeys.push(key);
      // Kept a day past its period, for an operator to look at.
      args.push(limit, units, Math.ceil((period.endsAt - now) / 1000) + 86_400);
      args[0]! |= flag;
    }
    if (args[0] === 0) return { ok: true, notBefore: undefined, release: async () => undefined };
    const c = await this.check(keys, args);
    switch (c.code) {
      case 0: {
        const release = (): Promise<void> => this.release(quotaKeys, units);
        if (!tpsRule || limits.tps?.mode !== 'pace') return { ok: true, notBefore: undefined, release };
        const delays = messageDelays(tpsRule, Number(c.value), c.now, partsPerMessage);
        const held = delays.filter((d) => d > 0).length;
        if (held === 0) return { ok: true, notBefore: undefined, release };
        this.opts.onPaced?.(held);
        return { ok: true, notBefore: delays.map((d) => c.now + d), release };
      }
      case 1:
        return this.refuse('account-rate', Number(c.value), this.requestDetail(account));
      case 2:
        return this.tpsRefusal(account, units, Number(c.value));
      case 3:
      case 4: {
        const period = c.code === 3 ? periods.daily : periods.monthly;
        const limit = (c.code === 3 ? limits.dailyQuota : limits.monthlyQuota) ?? 0;
        return this.quotaRefusal(period, limit, Number(c.value), units, now);
      }
      default:
        throw new Error(`limit script answered an unknown code ${c.code}`);
    }
  }

  private check(keys: readonly string[], args: readonly number[]): Promise<Check> {
    const c: Check = { keys, args, now: 0, code: -1, value: '' };
    return this.gather.add([c]).then(() => c);
  }

  /** One script call for every check gathered while the previous one was in flight. */
  private async run(checks: Check[]): Promise<void> {
    const now = this.clock();
    const keys: string[] = [];
    const args: number[] = [now];
    for (const c of checks) {
      keys.push(...c.keys);
      args.push(...c.args);
    }
    const call = (): Promise<unknown> => ADMIT.run(this.redis, keys, args);
    const res = (await (this.opts.guard ? this.opts.guard(call) : call())) as (number | string)[];
    checks.forEach((c, i) => {
      c.now = now;
      c.code = Number(res[2 * i]);
      c.value = String(res[2 * i + 1]);
    });
  }

  private async release(quotaKeys: readonly string[], units: number): Promise<void> {
    if (quotaKeys.length === 0) return;
    await Promise.all(quotaKeys.map((k) => this.redis.decrby(k, units)));
  }

  private refuse(reason: LimitReason, retryAfterMs: number | undefined, detail: string): { ok: false; refusal: LimitRefusal } {
    this.opts.onRefused?.(reason);
    return { ok: false, refusal: { reason, retryAfterMs, detail } };
  }

  private requestDetail(account: Account): string {
    return `too many requests for this account (request-rate-limit: ${perSecond(account.limits!.requests!)})`;
  }

  private tpsRefusal(account: Account, units: number, retry: number): { ok: false; refusal: LimitRefusal } {
    const tps = account.limits!.tps!;
    const rate = `max-tps: ${perSecond(tps)}, max-tps-burst: ${tps.burst}`;
    if (retry < 0) {
      const most =
        tps.mode === 'pace'
          ? `${tps.burst + Math.floor((tps.maxDelayMs / 1000) * tps.perSecond)} (what max-tps-delay can pace)`
          : `${tps.burst} at once`;
      return this.refuse(
        'too-many-at-once',
        undefined,
        `the request has ${units} SMS; this account's max-tps lets through at most ${most} (${rate}); send fewer per request`,
      );
    }
    const why =
      tps.mode === 'pace'
        ? `pacing these ${units} SMS would hold them longer than max-tps-delay (${tps.maxDelayMs / 1000} s)`
        : `this account is sending above its max-tps`;
    return this.refuse('over-tps', retry, `${why} (${rate})`);
  }

  private quotaRefusal(period: QuotaPeriod, limit: number, used: number, units: number, now: number): { ok: false; refusal: LimitRefusal } {
    const reason = period.kind === 'daily' ? 'daily-quota' : 'monthly-quota';
    const left = Math.max(0, limit - used);
    const detail = `the ${period.kind} quota of ${limit} SMS is used up (${used} sent in ${period.id} UTC, ${left} left, this request has ${units}); it starts again at ${new Date(period.endsAt).toISOString()}`;
    return this.refuse(reason, period.endsAt - now, detail);
  }
}
