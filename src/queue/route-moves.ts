/**
 * Moving messages that wait in one route queue into other routes' queues: when a configuration change leaves a
 * route with no link (orphan-routes.ts), and when an operator moves a route's messages to another smsc-id or queues
 * failed messages again. Each message keeps its id; since the id no longer names the job it waits in, its record
 * says where it went (and lookups read the record first).
 *
 * New jobs are written before the old job is removed: a crash in between can send a message twice, never lose it.
 */
import type { QueuedMessage } from '../domain/message.js';
import type { Route } from '../routing/compute-route.js';
import { encodeItems, type BatchItem } from './batch-codec.js';
import type { Producer } from './producer.js';

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
