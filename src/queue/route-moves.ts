/**
 * Moving messages that wait in one route queue into other routes' queues: when a configuration change leaves a
 * route with no link (orphan-routes.ts), and when an operator moves a route's messages to another smsc-id or queues
 * failed messages again. Each message keeps its id; since the id no longer names the job it waits in, its record
 * says where it went (and lookups read the record first).
 *
 * New jobs are written before the old job is removed (or shortened): a crash in between can send a message twice,
 * never lose it.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueuedMessage } from '../domain/message.js';
import { ROUTE_QUEUED_COUNT, type RedisKeys } from '../redis/keys.js';
import type { Route } from '../routing/compute-route.js';
import { decodeBatch, encodeItems, type BatchData, type BatchItem } from './batch-codec.js';
import type { Producer } from './producer.js';

/** Jobs read to count the messages links hold meanwhile (there are few). */
const MAX_HELD_JOBS_READ = 200;

/** Where moved messages are recorded (the message store). */
export interface QueuedMarker {
  /** `why` goes into each message's history (who or what queued it again). */
  markQueued(msgs: readonly QueuedMessage[], routeKey: string, jobId: string, now: number, why: string): Promise<void>;
}

/** Queues `items` in `route`'s queue, one job per priority, and records where each went. */
export async function requeueItems(
  producer: Producer,
  marker: QueuedMarker,
  route: Route,
  items: readonly BatchItem[],
  why: string,
): Promise<void> {
  const byPriority = new Map<number, BatchItem[]>();
  for (const i of items) {
    const list = byPriority.get(i.msg.priority) ?? [];
    list.push({ msg: { ...i.msg, route: route.key }, state: i.state });
    byPriority.set(i.msg.priority, list);
  }
  for (const [priority, list] of byPriority) {
    // The records first: once the job is written a link may send it at once, and its outcome must not be
    // overwritten by "queued again" arriving later.
    const jobId = producer.nextJobId();
    await marker.markQueued(
      list.map((i) => i.msg),
      route.key,
      jobId,
      Date.now(),
      why,
    );
    await producer.requeue(route, encodeItems(list), priority, 0, jobId);
  }
}

/** What becomes of one waiting message when its route's queue is routed again. */
export type Reroute = { readonly route: Route; readonly msg: QueuedMessage } | 'stay';

export interface RerouteDeps {
  readonly producer: Producer;
  readonly marker: QueuedMarker;
  readonly redis: Redis;
  readonly keys: RedisKeys;
}

export interface RerouteCounts {
  readonly moved: number;
  readonly stayed: number;
  /** Messages in jobs a link held meanwhile: left alone (they are being sent). */
  readonly skippedActive: number;
}

/**
 * Routes every waiting message of a route's queue again with `decide`, and moves those that go elsewhere to the
 * queues of their new routes (one job per route and priority); a job keeps the messages that stay. The caller
 * pauses the queue meanwhile (whilePaused), so no link takes a job half moved; jobs links hold are left alone and
 * counted. The route's count of queued messages loses what left it (the new routes' counts gain it in requeue), so
 * the counts stay equal to the messages queued.
 */
export async function rerouteWaiting(
  deps: RerouteDeps,
  key: string,
  decide: (item: BatchItem) => Reroute,
  why: (to: Route) => string,
): Promise<RerouteCounts> {
  const q = deps.producer.queueFor(key);
  let moved = 0;
  let stayed = 0;
  await rewriteWaitingJobs(q, key, async (job, items) => {
    const groups = new Map<string, { route: Route; items: BatchItem[] }>();
    const keep: BatchItem[] = [];
    for (const item of items) {
      const to = decide(item);
      if (to === 'stay' || to.route.key === key) {
        keep.push(item);
        continue;
      }
      const g = groups.get(to.route.key) ?? { route: to.route, items: [] };
      g.items.push({ msg: to.msg, state: item.state });
      groups.set(to.route.key, g);
    }
    stayed += keep.length;
    if (groups.size === 0) return 'kept';
    for (const g of groups.values()) {
      await requeueItems(deps.producer, deps.marker, g.route, g.items, why(g.route));
      moved += g.items.length;
    }
    await deps.redis.hincrby(deps.keys.routeStats(key), ROUTE_QUEUED_COUNT, keep.length - items.length);
    return keepOnly(job, keep);
  });
  const held = (await q.getJobs(['active'], 0, MAX_HELD_JOBS_READ - 1, true)) as Job<BatchData>[];
  const skippedActive = held.reduce((n, j) => n + (j.data?.m?.length ?? 0), 0);
  return { moved, stayed, skippedActive };
}

/**
 * Hands `rewrite` every job waiting in a route's queue (not those links hold) with its messages, page by page, for a
 * change that may remove the job: it says whether the job is still there, so that the next page starts right after
 * the jobs that stayed (a removed job shifts the rest up).
 */
export async function rewriteWaitingJobs(
  q: Queue,
  key: string,
  rewrite: (job: Job<BatchData>, items: BatchItem[]) => Promise<'kept' | 'removed'>,
): Promise<void> {
  for (const section of ['prioritized', 'wait', 'delayed'] as const) {
    let rank = 0;
    for (;;) {
      const jobs = (await q.getJobs([section], rank, rank + 49, true)) as Job<BatchData>[];
      if (jobs.length === 0) break;
      for (const job of jobs) if ((await rewrite(job, job.data?.m ? decodeBatch(job.data, key) : [])) === 'kept') rank++;
    }
  }
}

/** Leaves only `keep` in the job, removing it when nothing is left. */
export async function keepOnly(job: Job<BatchData>, keep: readonly BatchItem[]): Promise<'kept' | 'removed'> {
  if (keep.length === 0) {
    await job.remove();
    return 'removed';
  }
  await job.updateData(encodeItems(keep));
  return 'kept';
}

/** Calls `visit` with each message waiting in a route's queue (not those links hold), reading the jobs in pages. */
export async function forEachWaiting(producer: Producer, key: string, visit: (item: BatchItem) => void): Promise<void> {
  const q = producer.queueFor(key);
  for (const section of ['prioritized', 'wait', 'delayed'] as const) {
    for (let rank = 0; ; rank += 50) {
      const jobs = (await q.getJobs([section], rank, rank + 49, true)) as Job<BatchData>[];
      if (jobs.length === 0) break;
      for (const job of jobs) if (job.data?.m) for (const item of decodeBatch(job.data, key)) visit(item);
    }
  }
}

/**
 * Runs `work` with the route's queue paused for every gateway process (bullmq's pause), and resumes it after unless
 * an operator had paused it already.
 */
export async function whilePaused<T>(producer: Producer, key: string, work: () => Promise<T>): Promise<T> {
  const q = producer.queueFor(key);
  const pausedHere = !(await q.isPaused());
  if (pausedHere) await q.pause();
  try {
    return await work();
  } finally {
    if (pausedHere) await q.resume();
  }
}
