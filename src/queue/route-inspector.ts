/**
 * Looking into route queues, and acting on them, for operators: message counts by state, the age of the oldest
 * waiting message, paged peeks, and pause, resume, retry, remove and move. Cheap by construction: counts come from
 * counters and O(1) reads (bullmq's job counts, our per-route count of queued messages, the failed set's size),
 * plus the few jobs links hold right now; the oldest message is the first job of each priority; peeks are paged.
 * Nothing scans all queued messages on a read.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PeekPage, PeekedMessage, RouteCounts } from '../domain/admin-views.js';
import type { Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import { gsm7Decode, latin1Decode, ucs2Decode } from '../encoding/index.js';
import { computeRoute, type Route } from '../routing/compute-route.js';
import { decodeBatch, encodeItems, NO_STATE, type BatchData, type BatchItem } from './batch-codec.js';
import type { Producer } from './producer.js';
import { parseMessageId } from './batch-id.js';
import {
  bullmqJobKey,
  bullmqPendingKeys,
  bullmqPrioritizedKey,
  ROUTE_QUEUED_COUNT,
  routeQueueName,
  type RedisKeys,
} from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { RouteDirectory } from './route-directory.js';
import {
  keepOnly,
  requeueItems,
  rerouteWaiting,
  rewriteWaitingJobs,
  whilePaused,
  type QueuedMarker,
  type RerouteCounts,
} from './route-moves.js';

/** What the inspector needs of message records (the message store). */
export interface FailedRecords extends QueuedMarker {
  failedWire(id: string): Promise<string | undefined>;
  /** Marks a failed message removed by an operator and sends its final report; false when it was not failed. */
  removeFailed(id: string, who: string, now: number): Promise<boolean>;
  /**
   * Records a message taken out of its queue by an operator as removed, with its final report (once written); the
   * record write takes it off its route's count of queued messages.
   */
  removeWaiting(msg: QueuedMessage, who: string, now: number): Promise<void>;
}

export interface RouteSnapshot {
  readonly paused: boolean;
  readonly counts: RouteCounts;
  readonly jobs: { readonly waiting: number; readonly active: number; readonly delayed: number };
  readonly oldestAgeMs: number | undefined;
}

export class RouteNotFoundError extends Error {
  override readonly name = 'RouteNotFoundError';
  constructor(
    readonly route: string,
    readonly known: readonly string[],
  ) {
    super(`no route ${route}`);
  }
}

export const RECONCILE_ROUTE_COUNT = LuaScript.load('reconcile-route-count', { QUEUED: ROUTE_QUEUED_COUNT });

/** bullmq's prioritized score is priority × 2^32 plus a counter; our jobs use priorities 1..4. */
const PRIORITY_SPAN = 0x100000000;
const PRIORITIES = [1, 2, 3, 4];
/** Jobs read to count the messages links hold and those waiting for a delay (there are few of either). */
const MAX_HELD_JOBS_READ = 200;

/** The text of a queued message as far as it can be shown. */
export function previewText(m: Pick<QueuedMessage, 'alphabet' | 'body'>): string {
  const body = Buffer.from(m.body, 'base64');
  switch (m.alphabet) {
    case 'gsm7':
      return gsm7Decode(body);
    case 'ucs2':
      return ucs2Decode(body);
    case 'latin1':
      return latin1Decode(body);
    case 'binary':
      return body.toString('hex');
  }
}

function peeked(item: BatchItem, state: string): PeekedMessage {
  const m = item.msg;
  return {
    id: m.id,
    account: m.account,
    from: m.from,
    to: m.to,
    acceptedAt: m.acceptedAt,
    priority: m.priority,
    state,
    attempts: item.state.attempts,
    unanswered: item.state.unanswered,
    text: previewText(m),
    dataCoding: m.dataCoding,
    ...(m.dlrMask !== undefined ? { dlrMask: m.dlrMask } : {}),
  };
}

/** Sections of a route queue in the order peek lists them, and how to read each. */
const SECTIONS = ['prioritized', 'wait', 'delayed', 'active'] as const;
type Section = (typeof SECTIONS)[number];
const STATE_OF: Record<Section, string> = { prioritized: 'waiting', wait: 'waiting', delayed: 'delayed', active: 'active' };

export interface RouteInspectorOptions {
  readonly producer: Producer;
  readonly directory: RouteDirectory;
  /** A connection for our own reads (not one bullmq uses: its pipelines copy bullmq's scripts). */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly records: FailedRecords;
  readonly links: () => readonly Link[];
  readonly lifetimeMs: number;
  readonly logger: Logger;
}

/** How often the links process reconciles each route's count with its queue (an O(1) script per route). */
const RECONCILE_EVERY_MS = 10_000;

export class RouteInspector {
  private reconciler: NodeJS.Timeout | undefined;

  constructor(private readonly o: RouteInspectorOptions) {}

  /** Reconciles every route's count now and then (the links process does; one is enough, more do no harm). */
  startReconciling(): void {
    this.reconciler ??= setInterval(() => void this.reconcileAll(), RECONCILE_EVERY_MS);
    this.reconciler.unref();
  }

  stopReconciling(): void {
    clearInterval(this.reconciler);
    this.reconciler = undefined;
  }

  private async reconcileAll(): Promise<void> {
    for (const r of this.o.directory.routes()) {
      try {
        const drift = await this.reconcile(r.key);
        if (drift !== 0) this.o.logger.warn({ route: r.key, counted: drift }, 'route queue is empty but counted messages; count set to 0');
      } catch (e) {
        this.o.logger.debug({ err: e, route: r.key }, 'cannot reconcile a route count now (Redis unavailable?); tried again later');
      }
    }
  }

  private route(key: string): Route {
    const r = this.o.directory.get(key);
    if (!r)
      throw new RouteNotFoundError(
        key,
        this.o.directory.routes().map((x) => x.key),
      );
    return r;
  }

  private queue(key: string): Queue {
    return this.o.producer.queueFor(key);
  }

  /**
   * Sets the route's count of queued messages to 0 when its queue is empty (one atomic script, O(1)); returns the
   * drift it corrected. Every path that moves messages keeps the count, so this mends only what a crash left.
   */
  async reconcile(key: string): Promise<number> {
    const { lists, sortedSets } = bullmqPendingKeys(this.o.keys.prefix, routeQueueName(key));
    const was = await RECONCILE_ROUTE_COUNT.run(this.o.redis, [this.o.keys.routeStats(key), ...lists, ...sortedSets], [lists.length]);
    return Number(was);
  }

  /** Counts, the oldest waiting message's age and whether the queue is paused, from O(1) reads. */
  async snapshot(key: string, now = Date.now()): Promise<RouteSnapshot> {
    this.route(key);
    const q = this.queue(key);
    const name = routeQueueName(key);
    const prefix = this.o.keys.prefix;
    const pipe = this.o.redis.pipeline();
    pipe.hget(this.o.keys.routeStats(key), ROUTE_QUEUED_COUNT);
    pipe.zremrangebyscore(this.o.keys.routeFailed(key), '-inf', now - this.o.lifetimeMs);
    pipe.zcard(this.o.keys.routeFailed(key));
    for (const p of PRIORITIES)
      pipe.zrangebyscore(bullmqPrioritizedKey(prefix, name), p * PRIORITY_SPAN, (p + 1) * PRIORITY_SPAN - 1, 'LIMIT', 0, 1);
    const res = ((await pipe.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return v;
    });
    const [jobCounts, paused, activeJobs, delayedJobs] = await Promise.all([
      q.getJobCounts('wait', 'prioritized', 'active', 'delayed'),
      q.isPaused(),
      q.getJobs(['active'], 0, MAX_HELD_JOBS_READ - 1, true) as Promise<Job<BatchData>[]>,
      q.getJobs(['delayed'], 0, MAX_HELD_JOBS_READ - 1, true) as Promise<Job<BatchData>[]>,
    ]);
    const messagesIn = (jobs: readonly Job<BatchData>[]): number => jobs.reduce((n, j) => n + (j.data?.m?.length ?? 0), 0);
    const active = messagesIn(activeJobs);
    const delayed = messagesIn(delayedJobs);
    const firstIds = res
      .slice(3)
      .map((v) => (v as string[])[0])
      .filter((x): x is string => x !== undefined);
    let oldest: number | undefined;
    if (firstIds.length > 0) {
      const stamps = await Promise.all(firstIds.map((id) => this.o.redis.hget(bullmqJobKey(prefix, name, id), 'timestamp')));
      for (const t of stamps) if (t !== null) oldest = oldest === undefined ? Number(t) : Math.min(oldest, Number(t));
    }
    const queued = Math.max(0, Number(res[0] ?? 0));
    const failed = Number(res[2] ?? 0);
    return {
      paused,
      counts: { queued, waiting: Math.max(0, queued - active - delayed), active, delayed, failed },
      jobs: {
        waiting: (jobCounts.wait ?? 0) + (jobCounts.prioritized ?? 0),
        active: jobCounts.active ?? 0,
        delayed: jobCounts.delayed ?? 0,
      },
      oldestAgeMs: oldest === undefined ? undefined : Math.max(0, now - oldest),
    };
  }

  /**
   * A page of the route's queued messages (waiting first, in the order links take them, then delayed, then those a
   * link holds now), or of its failed ones (newest first). The cursor says where the last page ended.
   */
  async peek(key: string, state: 'queued' | 'failed', limit: number, cursor: string | undefined): Promise<PeekPage> {
    this.route(key);
    return state === 'failed' ? this.peekFailed(key, limit, cursor) : this.peekQueued(key, limit, cursor);
  }

  private async peekQueued(key: string, limit: number, cursor: string | undefined): Promise<PeekPage> {
    const q = this.queue(key);
    let [section, rank, index] = (cursor ?? '0.0.0').split('.').map(Number) as [number, number, number];
    if (![section, rank, index].every((n) => Number.isInteger(n) && n >= 0)) [section, rank, index] = [0, 0, 0];
    const out: PeekedMessage[] = [];
    while (section < SECTIONS.length && out.length < limit) {
      const s = SECTIONS[section]!;
      const jobs = (await q.getJobs([s], rank, rank + 9, true)) as Job<BatchData>[];
      if (jobs.length === 0) {
        section++;
        rank = 0;
        index = 0;
        continue;
      }
      for (const job of jobs) {
        const items = job.data?.m ? decodeBatch(job.data, key) : [];
        while (index < items.length && out.length < limit) out.push(peeked(items[index++]!, STATE_OF[s]));
        if (out.length >= limit && index < items.length) return { messages: out, next: `${section}.${rank}.${index}` };
        rank++;
        index = 0;
        if (out.length >= limit) break;
      }
    }
    return section < SECTIONS.length ? { messages: out, next: `${section}.${rank}.${index}` } : { messages: out };
  }

  private async peekFailed(key: string, limit: number, cursor: string | undefined): Promise<PeekPage> {
    const from = Math.max(0, Number(cursor ?? 0) || 0);
    const ids = await this.o.redis.zrevrange(this.o.keys.routeFailed(key), from, from + limit - 1, 'WITHSCORES');
    const out: PeekedMessage[] = [];
    const page: { id: string; failedAt: number }[] = [];
    for (let i = 0; i + 1 < ids.length; i += 2) page.push({ id: ids[i]!, failedAt: Number(ids[i + 1]) });
    // The page's reads go out together (the store connection pipelines what one tick asks).
    const [wires, outcomes] = await Promise.all([
      Promise.all(page.map((p) => this.o.records.failedWire(p.id))),
      Promise.all(page.map((p) => this.o.redis.hget(this.o.keys.message(p.id), 'o'))),
    ]);
    page.forEach((p, i) => {
      const wire = wires[i];
      const item = wire ? decodeWire(wire, key) : undefined;
      if (!item) return;
      const rec = outcomes[i];
      const outcome = rec ? (JSON.parse(rec) as [number, string, number | 0, string | 0]) : undefined;
      out.push({ ...peeked(item, 'failed'), failedAt: p.failedAt, ...(outcome ? { error: outcome[1] } : {}) });
    });
    const more = ids.length / 2 === limit;
    return more ? { messages: out, next: String(from + limit) } : { messages: out };
  }

  async pause(key: string): Promise<boolean> {
    this.route(key);
    const q = this.queue(key);
    const was = await q.isPaused();
    if (!was) await q.pause();
    return !was;
  }

  async resume(key: string): Promise<boolean> {
    this.route(key);
    const q = this.queue(key);
    const was = await q.isPaused();
    if (was) await q.resume();
    return was;
  }

  /** Ids of the route's failed messages, all (in pages) or those given that are in the failed set. */
  private async failedIds(key: string, ids: readonly string[] | undefined): Promise<string[]> {
    const set = this.o.keys.routeFailed(key);
    if (ids) {
      const scores = await Promise.all(ids.map((id) => this.o.redis.zscore(set, id)));
      return ids.filter((_, i) => scores[i] !== null);
    }
    return this.o.redis.zrange(set, '0', '-1');
  }

  /** Queues failed messages again on their route, with their attempts counted afresh. */
  async retryFailed(key: string, ids: readonly string[] | undefined): Promise<{ retried: number; missing: number }> {
    const route = this.route(key);
    const found = await this.failedIds(key, ids);
    let retried = 0;
    for (let from = 0; from < found.length; from += 200) {
      const chunk = found.slice(from, from + 200);
      const items: BatchItem[] = [];
      for (const wire of await Promise.all(chunk.map((id) => this.o.records.failedWire(id)))) {
        const item = wire ? decodeWire(wire, key) : undefined;
        if (item) items.push({ msg: item.msg, state: NO_STATE });
      }
      if (items.length === 0) continue;
      await requeueItems(this.o.producer, this.o.records, route, items, 'retried by an operator');
      await this.o.redis.zrem(this.o.keys.routeFailed(key), ...items.map((i) => i.msg.id));
      retried += items.length;
    }
    return { retried, missing: (ids?.length ?? found.length) - retried };
  }

  /** Takes failed messages out of the failed set for good; each gets its final report. */
  async removeFailed(key: string, ids: readonly string[] | undefined, who: string): Promise<{ removed: number; missing: number }> {
    this.route(key);
    const found = await this.failedIds(key, ids);
    let removed = 0;
    const now = Date.now();
    for (const id of found) {
      if (await this.o.records.removeFailed(id, who, now)) removed += 1;
      await this.o.redis.zrem(this.o.keys.routeFailed(key), id);
    }
    return { removed, missing: (ids?.length ?? found.length) - removed };
  }

  /**
   * Takes waiting messages out of the route's queue for good (these ids, or all of them), each recorded as removed
   * with its final report. The route is paused meanwhile, so no link takes a job half rewritten; messages in jobs a
   * link holds right now are being sent: they are left alone and counted.
   */
  async removeWaiting(
    key: string,
    ids: readonly string[] | undefined,
    who: string,
  ): Promise<{ removed: number; missing: number; skippedActive: number }> {
    this.route(key);
    const wanted = ids ? new Set(ids) : undefined;
    const now = Date.now();
    return whilePaused(this.o.producer, key, async () => {
      const q = this.queue(key);
      let removed = 0;
      await rewriteWaitingJobs(q, key, async (job, items) => {
        const gone = items.filter((i) => wanted === undefined || wanted.has(i.msg.id));
        if (gone.length === 0) return 'kept';
        const left = await keepOnly(
          job,
          items.filter((i) => !gone.includes(i)),
        );
        // Recording each one failed takes it off the route's count of queued messages (write-outcomes.lua).
        for (const i of gone) await this.o.records.removeWaiting(i.msg, who, now);
        removed += gone.length;
        return left;
      });
      const held = (await q.getJobs(['active'], 0, MAX_HELD_JOBS_READ - 1, true)) as Job<BatchData>[];
      const heldIds = held.flatMap((j) => (j.data?.m ? decodeBatch(j.data, key).map((i) => i.msg.id) : []));
      const skippedActive = wanted ? heldIds.filter((id) => wanted.has(id)).length : heldIds.length;
      return { removed, missing: (ids?.length ?? removed) - removed - (wanted ? skippedActive : 0), skippedActive };
    });
  }

  /**
   * Kannel's remove-message: one message by id, failed or waiting, wherever it is; it gets its final report.
   * 'active': a link holds it right now (it is being sent; try again in a moment).
   */
  async removeMessage(id: string, who: string, recordedJob?: string): Promise<'removed' | 'active' | 'not-found'> {
    const routes = this.o.directory.routes();
    for (const r of routes) {
      if ((await this.o.redis.zscore(this.o.keys.routeFailed(r.key), id)) !== null) {
        const done = await this.removeFailed(r.key, [id], who);
        return done.removed > 0 ? 'removed' : 'not-found';
      }
    }
    const named = parseMessageId(id);
    const jobIds = [...new Set([recordedJob, named?.batchId].filter((j): j is string => j !== undefined))];
    for (const r of routes) {
      for (const jobId of jobIds) {
        const job = (await this.queue(r.key).getJob(jobId)) as Job<BatchData> | undefined;
        if (!job?.data?.m || !decodeBatch(job.data, r.key).some((i) => i.msg.id === id)) continue;
        if ((await job.getState()) === 'active') return 'active';
        const done = await whilePaused(this.o.producer, r.key, async () => {
          const fresh = (await this.queue(r.key).getJob(jobId)) as Job<BatchData> | undefined;
          if (!fresh?.data?.m || (await fresh.getState()) === 'active') return false;
          const items = decodeBatch(fresh.data, r.key);
          const gone = items.find((i) => i.msg.id === id);
          if (!gone) return false;
          const keep = items.filter((i) => i !== gone);
          if (keep.length === 0) await fresh.remove();
          else await fresh.updateData(encodeItems(keep));
          await this.o.records.removeWaiting(gone.msg, who, Date.now());
          return true;
        });
        return done ? 'removed' : 'active';
      }
    }
    return 'not-found';
  }

  /**
   * Routes the route's waiting messages again as if they had asked for `smscId`, and moves them to the queues of
   * their new routes. The route is paused meanwhile (so no link takes a job half moved); jobs a link holds are left
   * alone and counted; messages the new smsc-id cannot route stay where they are.
   */
  async move(key: string, smscId: string): Promise<RerouteCounts> {
    this.route(key);
    const links = this.o.links();
    return whilePaused(this.o.producer, key, () =>
      rerouteWaiting(
        { producer: this.o.producer, marker: this.o.records, redis: this.o.redis, keys: this.o.keys },
        key,
        (item) => {
          const decision = computeRoute(links, smscId, item.msg.to);
          return decision.kind === 'reject' ? 'stay' : { route: decision.route, msg: { ...item.msg, smscId } };
        },
        (to) => `moved by an operator to smsc-id ${smscId} (route ${to.key})`,
      ),
    );
  }
}

/** A failed message as its record keeps it (the batch codec's form of one message). */
function decodeWire(wire: string, route: string): BatchItem | undefined {
  try {
    const [item] = decodeBatch({ m: [JSON.parse(wire) as BatchData['m'][number]] }, route);
    return item;
  } catch {
    return undefined;
  }
}
