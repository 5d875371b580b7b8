/**
 * Puts accepted messages into their route queues, several messages per job. Concurrent requests share one commit
 * (group commit, see group-commit.ts): the commit writes one job per route and priority (split so that no job holds
 * more than a link of the route sends in about a second), and every job of the commit goes in one MULTI, across
 * routes. A message counts as accepted only once the commit is known whole.
 *
 * A request is queued whole or not at all. MULTI makes the jobs appear together, and Redis refuses a whole MULTI
 * when it refuses writes (out of memory, read-only replica, failed persistence); but a command that fails while
 * the MULTI runs (a key of the wrong type) does not undo the others. So a commit of several jobs is checked right
 * after (one script: every job exists) and marked: 'ok', or 'failed' after the jobs that were written are removed.
 * A link that takes a young job of such a commit waits for the mark and drops the job of a failed one (route-workers.ts).
 */
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Route } from '../routing/compute-route.js';
import { BatchIds, messageId } from './batch-id.js';
import { encodeMessage, type BatchData, type NewMessage } from './batch-codec.js';
import { GroupCommit } from '../primitives/group-commit.js';
import { BATCH_JOB_NAME, bullmqJobKey, ROUTE_QUEUED_COUNT, routeKeyOfQueue, routeQueueName, type RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { redisErrorListener } from '../redis/redis-error-log.js';

/** How long a commit's mark is kept: longer than a link may wait for it (COMMIT_WAIT_MS in route-workers.ts). */
export const COMMIT_MARK_TTL_MS = 120_000;

/**
 * Messages held until a time (max-tps in pace mode) go in delayed jobs, one per route, priority and slice of this
 * length: a job's messages leave together when its first one is due, so an account's rate holds to within a slice,
 * at no more than 1000 ÷ PACE_SLICE_MS jobs a second per route, however fast it may send.
 */
export const PACE_SLICE_MS = 100;

/**
 * A commit's mark: 'ok' when every job of it was written, 'failed' when one was not (link-drain.ts reads it before it
 * takes a young job of the commit).
 */
export const COMMIT_MARK = { ok: 'ok', failed: 'failed' } as const;

/** Marks a commit after checking its jobs (exported for its test). */
export const CHECK_COMMIT = LuaScript.load('check-commit', { MARK: COMMIT_MARK });

/** Some job of a commit could not be written; the others were removed: nothing of its requests is queued. */
export class CommitFailedError extends Error {
  override readonly name = 'CommitFailedError';
}
import type { RouteDirectory } from './route-directory.js';

export interface ProducerOptions {
  readonly keys: RedisKeys;
  /** Most messages one job of this route may hold (what its links send in about a second). */
  readonly batchLimit: (route: Route) => number;
  /** bullmq keeps this many events per queue stream (it trims older ones on every write). */
  readonly eventsMaxLen: number;
  /** Hears how many messages of each account a commit queued (account statistics; not awaited). */
  readonly accepted?: (account: string, n: number) => void;
  /**
   * Runs each commit's write (redis/redis-circuit.ts): refuses it at once while Redis is known not to answer, so
   * that requests gathered behind a write that timed out are not written into a connection Redis does not read.
   */
  readonly guard?: <T>(write: () => Promise<T>) => Promise<T>;
  /** Longest adaptive linger of a commit that starts from idle while requests come steadily (group-commit.ts). */
  readonly lingerMaxMs?: number;
}

/** The bullmq priority for Kannel's 0..3 (higher first): 4..1, as bullmq serves 1 first. */
export function jobPriority(kannelPriority: number): number {
  return 4 - Math.max(0, Math.min(3, kannelPriority));
}

/**
 * Options every route job gets. Our processor never fails a job (messages fail one by one, in their records), so
 * attempts and backoff only cover an unexpected error in the processor itself: it is tried again, never dropped.
 */
export function routeJobOptions(batchId: string, priority: number): JobsOptions {
  return {
    jobId: batchId,
    priority: jobPriority(priority),
    attempts: 1_000_000,
    backoff: { type: 'switchboard' },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

interface Pending {
  readonly message: NewMessage;
  readonly route: Route;
  /** Held in the queue until this epoch ms (pacing); 0: at once. */
  readonly notBefore: number;
  /** Set by the commit. */
  id: string;
}

export class Producer {
  private readonly queues = new Map<string, Queue>();
  private readonly flows: FlowProducer;
  private readonly ids = new BatchIds();
  private readonly commit: GroupCommit<Pending>;
  private readonly guard: <T>(op: () => Promise<T>) => Promise<T>;
  /** Commits written, the jobs and messages in them (messages ÷ commits is the batching the load allows). */
  readonly counters = { commits: 0, jobs: 0, messages: 0 };

  constructor(
    private readonly connection: Redis,
    private readonly directory: RouteDirectory,
    private readonly opts: ProducerOptions,
  ) {
    this.flows = new FlowProducer({ connection, prefix: opts.keys.prefix });
    this.flows.on('error', redisErrorListener(connection, 'flow producer'));
    this.guard = opts.guard ?? ((op) => op());
    this.commit = new GroupCommit<Pending>((items) => this.guard(() => this.write(items)), {
      gatherTurns: 1,
      fullAt: 500,
      lingerMaxMs: opts.lingerMaxMs ?? 0,
    });
  }

  /** The bullmq queue of a route (created on first use; its options, such as the events cap, are written then). */
  queueFor(routeKey: string): Queue {
    let q = this.queues.get(routeKey);
    if (!q) {
      q = new Queue(routeQueueName(routeKey), {
        connection: this.connection,
        prefix: this.opts.keys.prefix,
        streams: { events: { maxLen: this.opts.eventsMaxLen } },
      });
      q.on('error', redisErrorListener(this.connection, 'route queue', { route: routeKey }));
      this.queues.set(routeKey, q);
    }
    return q;
  }

  /**
   * Resolves with each message's id, in order, once every one is durably in Redis; rejects with none queued. A
   * message with `notBefore` waits in its queue until then.
   */
  async enqueue(
    items: ReadonlyArray<{ readonly message: NewMessage; readonly route: Route; readonly notBefore?: number }>,
  ): Promise<string[]> {
    for (const { route } of items) {
      if (!this.directory.get(route.key)) await this.guard(() => this.directory.register(route));
      this.queueFor(route.key);
    }
    const pending: Pending[] = items.map((i) => ({ message: i.message, route: i.route, notBefore: i.notBefore ?? 0, id: '' }));
    await this.commit.add(pending);
    return pending.map((p) => p.id);
  }

  /** The id of a job requeue() will write: taken first, so the messages' records can name it before it runs. */
  nextJobId(): string {
    return this.ids.next(Date.now());
  }

  /** Puts messages that are already named (a retry, a move) into a route's queue as one job, with their state. */
  async requeue(route: Route, data: BatchData, priority: number, delayMs = 0, batchId = this.nextJobId()): Promise<string> {
    if (!this.directory.get(route.key)) await this.directory.register(route);
    await this.queueFor(route.key).add(BATCH_JOB_NAME, data, {
      ...routeJobOptions(batchId, priority),
      ...(delayMs > 0 ? { delay: delayMs } : {}),
    });
    await this.connection.hincrby(this.opts.keys.routeStats(route.key), ROUTE_QUEUED_COUNT, data.m.length);
    return batchId;
  }

  private async write(items: Pending[]): Promise<void> {
    const now = Date.now();
    const groups = new Map<string, { route: Route; priority: number; items: Pending[]; notBefore: number }>();
    for (const p of items) {
      const held = p.notBefore > now;
      const k = held
        ? `${p.route.key}/${p.message.priority}/${Math.floor(p.notBefore / PACE_SLICE_MS)}`
        : `${p.route.key}/${p.message.priority}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { route: p.route, priority: p.message.priority, items: [], notBefore: held ? p.notBefore : 0 }));
      else if (held) g.notBefore = Math.min(g.notBefore, p.notBefore);
      g.items.push(p);
    }
    const jobs: FlowJob[] = [];
    const counts = new Map<string, number>();
    for (const g of groups.values()) {
      const limit = Math.max(1, this.opts.batchLimit(g.route));
      for (let from = 0; from < g.items.length; from += limit) {
        const chunk = g.items.slice(from, from + limit);
        const batchId = this.ids.next(now);
        const m = chunk.map((p, i) => {
          p.id = messageId(batchId, i);
          return encodeMessage(p.id, p.message);
        });
        const opts = routeJobOptions(batchId, g.priority);
        if (g.notBefore > now) opts.delay = g.notBefore - now;
        jobs.push({ name: BATCH_JOB_NAME, queueName: routeQueueName(g.route.key), data: { m } satisfies BatchData, opts });
      }
      counts.set(g.route.key, (counts.get(g.route.key) ?? 0) + g.items.length);
    }
    this.counters.commits++;
    this.counters.jobs += jobs.length;
    this.counters.messages += items.length;
    const accepted = this.opts.accepted;
    if (accepted) {
      // Counted as the commit is written (in the same write); a commit that fails then takes nothing back, which
      // only skews a statistic.
      const perAccount = new Map<string, number>();
      for (const p of items) perAccount.set(p.message.account, (perAccount.get(p.message.account) ?? 0) + 1);
      for (const [account, n] of perAccount) accepted(account, n);
    }
    if (jobs.length === 1) {
      // The common case, one route and priority: one job, which is atomic by itself. Queue.add sends one script
      // call (no MULTI, no FlowProducer tree: a third of the CPU per commit), and the count goes in the same write;
      // it is taken back if the job was refused.
      const job = jobs[0]!;
      const [route, n] = [...counts][0]!;
      const stats = this.opts.keys.routeStats(route);
      const [added] = await Promise.allSettled([
        this.queueFor(route).add(BATCH_JOB_NAME, job.data as BatchData, job.opts),
        this.connection.hincrby(stats, ROUTE_QUEUED_COUNT, n),
      ]);
      if (added.status === 'rejected') {
        // Not awaited: the request's answer must not wait a second deadline for a statistic.
        void this.connection.hincrby(stats, ROUTE_QUEUED_COUNT, -n).catch(() => undefined);
        throw added.reason as Error;
      }
      return;
    }
    const commitId = String(jobs[0]!.opts?.jobId);
    for (const j of jobs) (j.data as { c?: string }).c = commitId;
    await this.flows.addBulk(jobs);
    await this.checkCommit(commitId, jobs);
    // Counts for queue inspection (a miss here only skews them until the queue is empty again; see route stats).
    await Promise.all(
      [...counts].map(([route, n]) => this.connection.hincrby(this.opts.keys.routeStats(route), ROUTE_QUEUED_COUNT, n)),
    ).catch(() => undefined);
  }

  private async checkCommit(commitId: string, jobs: readonly FlowJob[]): Promise<void> {
    const jobKeys = jobs.map((j) => bullmqJobKey(this.opts.keys.prefix, j.queueName, String(j.opts?.jobId)));
    const mark = await CHECK_COMMIT.run(this.connection, [this.opts.keys.commit(commitId), ...jobKeys], [COMMIT_MARK_TTL_MS]);
    if (mark === COMMIT_MARK.ok) return;
    // Links hold young jobs of this commit until its mark says 'ok', so removing them here beats any link to them;
    // one that cannot be removed is dropped by the link that holds it, which reads 'failed'.
    await Promise.all(
      jobs.map((j) =>
        this.queueFor(routeKeyOfQueue(j.queueName))
          .remove(String(j.opts?.jobId))
          .catch(() => 0),
      ),
    );
    throw new CommitFailedError(`a queue write of this commit failed (${jobs.length} jobs): nothing of it is queued`);
  }

  async close(): Promise<void> {
    await this.flows.close();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
