/**
 * Finds a message that still waits in a route queue, from its id alone: the id names its batch (the job), and the
 * job is looked for in every known route queue (a handful of O(1) reads). Used when a message has no record.
 */
import type { Job } from 'bullmq';
import type { QueuedMessage } from '../domain/message.js';
import { parseMessageId } from './batch-id.js';
import { decodeBatch, type BatchData, type DeliveryState } from './batch-codec.js';
import type { Producer } from './producer.js';
import type { RouteDirectory } from './route-directory.js';

export interface QueuedMessageView {
  readonly msg: QueuedMessage;
  readonly state: DeliveryState;
  /** bullmq's state of the job: waiting, prioritized, active (a link has it), delayed. */
  readonly jobState: string;
  readonly jobId: string;
}

export class QueuedLookup {
  constructor(
    private readonly producer: Producer,
    private readonly directory: RouteDirectory,
  ) {}

  /** Looks in `routeKey`'s job `jobId` only (a record said where the message went), or in every route's job named by the id. */
  async find(id: string, where?: { routeKey: string; jobId: string }): Promise<QueuedMessageView | undefined> {
    const named = parseMessageId(id);
    const places = where ? [where] : named ? this.directory.routes().map((r) => ({ routeKey: r.key, jobId: named.batchId })) : [];
    const jobs = await Promise.all(
      places.map(async (p) => ({ p, job: (await this.producer.queueFor(p.routeKey).getJob(p.jobId)) as Job<BatchData> | undefined })),
    );
    for (const { p, job } of jobs) {
      if (!job?.data?.m) continue;
      const item = decodeBatch(job.data, p.routeKey).find((i) => i.msg.id === id);
      if (item) return { msg: item.msg, state: item.state, jobState: await job.getState(), jobId: p.jobId };
    }
    return undefined;
  }
}
