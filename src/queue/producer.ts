/**
 * Puts accepted messages into their route queues. Concurrent requests for the same route share one Redis round
 * trip (group commit, see group-commit.ts). A message counts as accepted only once its addBulk has returned.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueuedMessage } from '../domain/message.js';
import type { Route } from '../routing/compute-route.js';
import { GroupCommit } from './group-commit.js';
import { JOB_NAME, routeQueueName } from './queue-names.js';
import type { RouteDirectory } from './route-directory.js';

export interface ProducerOptions {
  readonly prefix: string;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
}

/** The bullmq priority for Kannel's 0..3 (higher first): 4..1, as bullmq serves 1 first. */
export function jobPriority(kannelPriority: number): number {
  return 4 - Math.max(0, Math.min(3, kannelPriority));
}

export class Producer {
  private readonly queues = new Map<string, { queue: Queue; commit: GroupCommit<QueuedMessage> }>();

  constructor(
    private readonly connection: Redis,
    private readonly directory: RouteDirectory,
    private readonly opts: ProducerOptions,
  ) {}

  private jobOptions = (m: QueuedMessage): JobsOptions => ({
    jobId: m.id,
    priority: jobPriority(m.priority),
    attempts: this.opts.maxAttempts,
    backoff: { type: 'exponential', delay: this.opts.retryDelayMs },
    removeOnComplete: true,
    removeOnFail: false,
  });

  queueFor(routeKey: string): Queue {
    let q = this.queues.get(routeKey);
    if (!q) {
      const queue = new Queue(routeQueueName(routeKey), { connection: this.connection, prefix: this.opts.prefix });
      const commit = new GroupCommit<QueuedMessage>(async (messages) => {
        await queue.addBulk(messages.map((m) => ({ name: JOB_NAME, data: m, opts: this.jobOptions(m) })));
      });
      q = { queue, commit };
      this.queues.set(routeKey, q);
    }
    return q.queue;
  }

  /** Resolves once every message is durably in Redis. */
  async enqueue(items: ReadonlyArray<{ readonly message: QueuedMessage; readonly route: Route }>): Promise<void> {
    const byRoute = new Map<string, { route: Route; messages: QueuedMessage[] }>();
    for (const { message, route } of items) {
      const g = byRoute.get(route.key) ?? { route, messages: [] };
      g.messages.push(message);
      byRoute.set(route.key, g);
    }
    await Promise.all(
      [...byRoute.values()].map(async ({ route, messages }) => {
        await this.directory.register(route);
        this.queueFor(route.key);
        await this.queues.get(route.key)!.commit.add(messages);
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.queue.close()));
  }
}
