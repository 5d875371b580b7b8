/**
 * Accepting a submission: prepare (pure), queue durably, and say per receiver whether a link can take it now
 * (Kannel's "0: Accepted for delivery") or it waits for one ("3: Queued for later delivery"). Both HTTP interfaces
 * use it, so they accept exactly the same things.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Account } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import type { NewMessage } from '../domain/message.js';
import { NO_LISTS, type LoadedLists } from '../domain/number-lists.js';
import type { Route } from '../routing/compute-route.js';
import type { Admission, LimitRefusal } from '../accounts/limit-gate.js';
import { RedisUnavailableError } from '../redis/redis-fault.js';
import { prepareSubmission, type PrepareError, type Submission } from './prepare-submission.js';

export interface Enqueuer {
  /**
   * Resolves with each message's id once all are durably queued; rejects when none is (never some). A message with
   * `notBefore` is held in its queue until then (max-tps in pace mode).
   */
  enqueue(items: ReadonlyArray<{ readonly message: NewMessage; readonly route: Route; readonly notBefore?: number }>): Promise<string[]>;
}

/** An account's request rate, max-tps and quotas (limit-gate.ts): a request is admitted whole or refused whole. */
export interface Admissions {
  admit(account: Account, partsPerMessage: readonly number[]): Promise<Admission>;
}

export interface RouteHealth {
  anyHealthy(linkIds: readonly string[]): boolean;
}

export type ReceiverResult =
  | { readonly to: string; readonly status: 'accepted' | 'queued'; readonly id: string; readonly parts: number }
  | { readonly to: string; readonly status: 'not-routable'; readonly reason: string };

export type AcceptResult =
  | { readonly ok: true; readonly receivers: readonly ReceiverResult[]; readonly denied: readonly string[] }
  | { readonly ok: false; readonly error: PrepareError }
  /** Redis could not take the messages: nothing was accepted, the client should retry. */
  | { readonly ok: false; readonly error: { readonly code: 'unavailable'; readonly detail: string } }
  /** Over a rate limit, max-tps or a quota of the account: nothing was accepted. */
  | { readonly ok: false; readonly error: { readonly code: 'limited'; readonly refusal: LimitRefusal } };

export class AcceptService {
  private linksById: ReadonlyMap<string, Link>;

  constructor(
    private config: Config,
    private readonly enqueuer: Enqueuer,
    private readonly health: RouteHealth,
    private readonly logger: Logger,
    /** Hears how many messages of an account were refused (account statistics; not awaited). */
    private readonly refused: (account: string, n: number) => void = () => undefined,
    /** Accounts' limits; consulted only for an account that has some. */
    private readonly admissions?: Admissions,
  ) {
    this.linksById = new Map(config.links.map((l) => [l.id, l]));
  }

  private lists: LoadedLists = NO_LISTS;

  /** Loaded white and black lists (messages/number-lists.ts), for the next request. */
  setLists(lists: LoadedLists): void {
    this.lists = lists;
  }

  /** A reload's links (routing) take effect for the next request; requests in progress finish with the old ones. */
  reconfigure(config: Config): void {
    this.config = config;
    this.linksById = new Map(config.links.map((l) => [l.id, l]));
  }

  async accept(sub: Submission): Promise<AcceptResult> {
    const [r] = await this.acceptAll([sub]);
    return r!.result;
  }

  /**
   * Accepts several submissions as one: every one is checked before any is queued, so a batch with a bad
   * message queues nothing; the first problem is returned with its index.
   */
  async acceptBatch(
    subs: readonly Submission[],
  ): Promise<{ ok: true; results: AcceptResult[] } | { ok: false; index: number; result: AcceptResult }> {
    const all = await this.acceptAll(subs);
    const bad = all.find((r) => !r.result.ok);
    return bad ? { ok: false, index: bad.index, result: bad.result } : { ok: true, results: all.map((r) => r.result) };
  }

  private async acceptAll(subs: readonly Submission[]): Promise<{ index: number; result: AcceptResult }[]> {
    const now = Date.now();
    const prepared = subs.map((sub) =>
      prepareSubmission(sub, {
        links: this.config.links,
        linksById: this.linksById,
        globalSender: this.config.http.globalSender,
        sendsmsChars: this.config.http.sendsmsChars,
        nowMs: now,
        unifiedPrefix: this.config.numbers.unifiedPrefix,
        lists: this.lists,
      }),
    );
    const firstBad = prepared.findIndex((p) => !p.ok);
    if (firstBad >= 0) {
      const sub = subs[firstBad]!;
      this.refused(
        sub.account.username,
        subs.reduce((n, x) => n + x.receivers.length, 0),
      );
      const p = prepared[firstBad]!;
      return [{ index: firstBad, result: p.ok ? { ok: false, error: { code: 'unavailable', detail: 'unreachable' } } : p }];
    }
    let toQueue: { message: NewMessage; route: Route; parts: number; notBefore?: number }[] = prepared.flatMap((p) =>
      p.ok ? p.outcomes.flatMap((o) => (o.kind === 'queue' ? [{ message: o.message, route: o.route, parts: o.parts }] : [])) : [],
    );
    // Both interfaces send one account's submissions per call (a JSON batch is one account's), one request each.
    const account = subs[0]?.account;
    let admission: Admission | undefined;
    if (this.admissions && account?.limits) {
      try {
        admission = await this.admissions.admit(
          account,
          toQueue.map((q) => q.parts),
        );
      } catch (e) {
        // A Redis fault is logged once per outage where it is seen (redis/redis-circuit.ts), not once per request.
        if (!(e instanceof RedisUnavailableError)) this.logger.error({ err: e }, "cannot check the account's limits");
        return [{ index: 0, result: { ok: false, error: { code: 'unavailable', detail: (e as Error).message } } }];
      }
      if (!admission.ok) {
        this.refused(
          account.username,
          subs.reduce((n, x) => n + x.receivers.length, 0),
        );
        return [{ index: 0, result: { ok: false, error: { code: 'limited', refusal: admission.refusal } } }];
      }
      const notBefore = admission.notBefore;
      if (notBefore) toQueue = toQueue.map((q, i) => ({ ...q, notBefore: notBefore[i]! }));
    }
    let ids: string[] = [];
    if (toQueue.length > 0) {
      try {
        ids = await this.enqueuer.enqueue(toQueue);
      } catch (e) {
        if (admission?.ok)
          await admission
            .release()
            .catch((err: unknown) =>
              this.logger.debug({ err }, 'cannot give back the quota of a request that was not queued; it stays counted'),
            );
        // A Redis fault is logged once per outage where it is seen (redis/redis-circuit.ts), not once per request.
        if (!(e instanceof RedisUnavailableError)) this.logger.error({ err: e }, 'cannot queue messages');
        const result: AcceptResult = { ok: false, error: { code: 'unavailable', detail: (e as Error).message } };
        return [{ index: 0, result }];
      }
    }
    let next = 0;
    return prepared.map((p, index) => {
      if (!p.ok) return { index, result: p };
      const receivers = p.outcomes.map((o): ReceiverResult => {
        if (o.kind === 'not-routable') {
          this.refused(subs[index]?.account.username ?? '', 1);
          this.logger.info({ account: subs[index]?.account.username, to: o.to, reason: o.reason }, 'message not routable');
          return { to: o.to, status: 'not-routable', reason: o.reason };
        }
        const up = this.health.anyHealthy([...o.route.preferred, ...o.route.fallback]);
        return { to: o.message.to, status: up ? 'accepted' : 'queued', id: ids[next++] ?? '', parts: o.parts };
      });
      return { index, result: { ok: true, receivers, denied: p.denied } };
    });
  }
}
