/** Names of the queues and keys switchboard keeps in Redis; one place, so nothing else spells them. */
/** bullmq job name of a batch of messages in a route queue. */
export const BATCH_JOB_NAME = 'sms';

/** bullmq queue of one route (queue names cannot contain ':'). */
export function routeQueueName(routeKey: string): string {
  return `r-${routeKey}`;
}

/** The route key of a route queue's name (routeQueueName's inverse). */
export function routeKeyOfQueue(queueName: string): string {
  return queueName.startsWith('r-') ? queueName.slice(2) : queueName;
}

/**
 * The hash bullmq keeps a job in (its layout, QueueKeys: prefix, queue name, job id). Read only, to check that
 * the jobs of a commit exist (producer.ts); nothing here writes bullmq's keys.
 */
export function bullmqJobKey(prefix: string, queueName: string, jobId: string): string {
  return `${prefix}:${queueName}:${jobId}`;
}

export class RedisKeys {
  constructor(readonly prefix: string) {}
  /** Hash: route key → route definition, so a queue is never stranded by a config change. */
  get routes(): string {
    return `${this.prefix}:routes`;
  }
  /** Pub/sub channel for routes added and link state changes. */
  get events(): string {
    return `${this.prefix}:events`;
  }
  /** Hash: a message's record (see messages/message-store.ts for its fields). */
  message(id: string): string {
    return `${this.prefix}:m:${id}`;
  }
  /** Hash: a route queue's message counts (`queued`: accepted and not yet submitted or failed). */
  routeStats(routeKey: string): string {
    return `${this.prefix}:rs:${routeKey}`;
  }
  /** Sorted set: ids of a route's failed messages, by failure time (for inspection and retry). */
  routeFailed(routeKey: string): string {
    return `${this.prefix}:rf:${routeKey}`;
  }
  /** Hash: what operators decided (link id → stopped | draining | removed; `gateway` → suspended | isolated; `log-level`). */
  get control(): string {
    return `${this.prefix}:control`;
  }
  /** Hash: an account's counters (accepted, refused, delivered, failed), for the admin port. */
  account(username: string): string {
    return `${this.prefix}:acct:${username}`;
  }
  /** Hash: node id → that gateway process's metrics (prom-client JSON and when it was published). */
  get metrics(): string {
    return `${this.prefix}:metrics`;
  }
  /** A bind's published state (JSON, short TTL). */
  bindState(bind: string): string {
    return `${this.prefix}:bind:${bind}`;
  }
  /** The lease that says which gateway process runs a bind. */
  bindLease(bind: string): string {
    return `${this.prefix}:lease:${bind}`;
  }
  /** String of lines "messageId part receiver": the submits that got this SMSC message id (normalised) on an smsc-id. */
  correlation(smscId: string, smscMessageId: string): string {
    return `${this.prefix}:c:${smscId}:${smscMessageId}`;
  }
  /** List: the last items a background queue gave up on (newest first, capped), for an operator to see. */
  givenUp(queueName: string): string {
    return `${this.prefix}:${queueName}:given-up`;
  }
  /** String, briefly: whether a commit of several jobs was written whole ('ok') or not ('failed'). */
  commit(id: string): string {
    return `${this.prefix}:commit:${id}`;
  }
  concatRef(to: string): string {
    return `${this.prefix}:ref:${to}`;
  }
  /** String, expiring: a rate limit's token bucket (GCRA arrival time, ms; messages/limit-gate.ts). */
  clientRateBucket(client: string): string {
    return `${this.prefix}:lim:ip:${client}`;
  }
  accountRequestBucket(username: string): string {
    return `${this.prefix}:lim:req:${username}`;
  }
  accountTpsBucket(username: string): string {
    return `${this.prefix}:lim:tps:${username}`;
  }
  /** String, expiring: SMS an account sent in a quota period (`2026-12-01` or `2026-12`). */
  accountQuota(username: string, period: string): string {
    return `${this.prefix}:lim:q:${username}:${period}`;
  }
}
