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
import { GroupCommit } from '../primitives/group-commit.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { rateLimitClient } from '../security/rate-limit-client.js';
import { quotaPeriods, type QuotaPeriod } from './quota-periods.js';
import { bucketRule, messageDelays, SLACK_MS, toleranceMs, type BucketRule } from '../primitives/gcra.js';

/** Which limits a check names (a sum of these), each with one key and its arguments, in this order. */
export const ADMIT_FLAG = { requests: 1, tps: 2, daily: 4, monthly: 8 } as const;

/** What the script answers for a check (the value that comes with each is in admit-limits.lua's header). */
export const ADMIT_CODE = { admitted: 0, requestRate: 1, tps: 2, daily: 3, monthly: 4 } as const;

/** The tps value of a request with more SMS than the bucket can ever take (too-many-at-once). */
export const ADMIT_NEVER = -1;

/** The limits' script, with the flags, codes and GCRA slack it shares with this file (exported for its test). */
export const ADMIT_LIMITS = LuaScript.load('admit-limits', { FLAG: ADMIT_FLAG, CODE: ADMIT_CODE, NEVER: ADMIT_NEVER, SLACK: SLACK_MS });

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
    const c = await this.check(
      [this.keys.clientRateBucket(rateLimitClient(ip))],
      [ADMIT_FLAG.requests, rule.intervalMs, toleranceMs(rule)],
    );
    if (c.code === ADMIT_CODE.admitted) return { ok: true };
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
    return this.check([this.keys.accountRequestBucket(account.username)], [ADMIT_FLAG.requests, rule.intervalMs, toleranceMs(rule)]).then(
      (c) => (c.code === ADMIT_CODE.admitted ? { ok: true } : this.refuse('account-rate', Number(c.value), this.requestDetail(account))),
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
      args[0]! |= ADMIT_FLAG.requests;
    }
    if (limits.tps && units > 0) {
      tpsRule = bucketRule(limits.tps.perSecond, limits.tps.burst, limits.tps.maxDelayMs);
      keys.push(this.keys.accountTpsBucket(account.username));
      args.push(tpsRule.intervalMs, toleranceMs(tpsRule), units, tpsRule.maxDelayMs);
      args[0]! |= ADMIT_FLAG.tps;
    }
    const now = this.clock();
    const periods = quotaPeriods(now);
    const quotaKeys: string[] = [];
    for (const [flag, limit, period] of [
      [ADMIT_FLAG.daily, limits.dailyQuota, periods.daily],
      [ADMIT_FLAG.monthly, limits.monthlyQuota, periods.monthly],
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
      case ADMIT_CODE.admitted: {
        const release = (): Promise<void> => this.release(quotaKeys, units);
        if (!tpsRule || limits.tps?.mode !== 'pace') return { ok: true, notBefore: undefined, release };
        const delays = messageDelays(tpsRule, Number(c.value), c.now, partsPerMessage);
        const held = delays.filter((d) => d > 0).length;
        if (held === 0) return { ok: true, notBefore: undefined, release };
        this.opts.onPaced?.(held);
        return { ok: true, notBefore: delays.map((d) => c.now + d), release };
      }
      case ADMIT_CODE.requestRate:
        return this.refuse('account-rate', Number(c.value), this.requestDetail(account));
      case ADMIT_CODE.tps:
        return this.tpsRefusal(account, units, Number(c.value));
      case ADMIT_CODE.daily:
      case ADMIT_CODE.monthly: {
        const period = c.code === ADMIT_CODE.daily ? periods.daily : periods.monthly;
        const limit = (c.code === ADMIT_CODE.daily ? limits.dailyQuota : limits.monthlyQuota) ?? 0;
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
    const call = (): Promise<unknown> => ADMIT_LIMITS.run(this.redis, keys, args);
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
    if (retry === ADMIT_NEVER) {
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
