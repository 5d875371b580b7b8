/**
 * Puts accepted messages into their route queues. Concurrent requests for the same route share one Redis round
 * trip (group commit): while one addBulk is in flight, the next messages gather and go together when it returns.
 * No timer, so a lone request pays one round trip and nothing more (reference/stack.md §6). A message counts as
 * accepted only once its addBulk has returned.
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueuedMessage } from '../domain/message.js';
import type { Route } from '../routing/compute-route.js';
import { JOB_NAME, routeQueueName } from './queue-names.js';
import type { RouteDirectory } from './route-directory.js';

export interface ProducerOptions {
  readonly prefix: string;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
}

interface Waiting {
  readonly messages: readonly QueuedMessage[];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/** The bullmq priority for Kannel's 0..3 (higher first): 4..1, as bullmq serves 1 first. */
export function jobPriority(kannelPriority: number): number {
  return 4 - Math.max(0, Math.min(3, kannelPriority));
}

class GroupCommit {
  private waiting: Waiting[] = [];
  private inFlight = false;

  constructor(
    private readonly queue: Queue,
    private readonly jobOptions: (m: QueuedMessage) => JobsOptions,
  ) {}

  add(messages: readonly QueuedMessage[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ messages, resolve, reject });
      if (!this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      const jobs = batch.flatMap((w) => w.messages.map((m) => ({ name: JOB_NAME, data: m, opts: this.jobOptions(m) })));
      try {
        await this.queue.addBulk(jobs);
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e as Error);
      }
    }
    this.inFlight = false;
  }
}

export class Producer {
  private readonly queues = new Map<string, { queue: Queue; commit: GroupCommit }>();

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
      q = { queue, commit: new GroupCommit(queue, this.jobOptions) };
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
