/** Names of the queues and keys switchboard keeps in Redis; one place, so nothing else spells them. */
export const JOB_NAME = 'sms';

/** bullmq queue of one route (queue names cannot contain ':'). */
export function routeQueueName(routeKey: string): string {
  return `r-${routeKey}`;
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
  message(id: string): string {
    return `${this.prefix}:m:${id}`;
  }
  /** A bind's published state (JSON, short TTL). */
  bindState(bind: string): string {
    return `${this.prefix}:bind:${bind}`;
  }
  /** The lease that says which gateway process runs a bind. */
  bindLease(bind: string): string {
    return `${this.prefix}:lease:${bind}`;
  }
  /** List: a message's timestamped history. */
  history(id: string): string {
    return `${this.prefix}:h:${id}`;
  }
  /** SMSC message id (normalised) on an smsc-id → "messageId part". */
  correlation(smscId: string, smscMessageId: string): string {
    return `${this.prefix}:c:${smscId}:${smscMessageId}`;
  }
  concatRef(to: string): string {
    return `${this.prefix}:ref:${to}`;
  }
}
