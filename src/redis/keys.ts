/**
 * Every name switchboard gives to something in Redis: the bullmq queues, the keys it keeps beside them, and the one
 * key of bullmq's own layout it reads. One place, like bullmq's queue-keys.ts, so nothing else spells a name
 * (test/unit/redis/keys.test.ts greps src/ for strays). Every key starts with the configured prefix.
 */

/** bullmq queue of receipts waiting to be matched again (they came before their submit's record). */
export const RECEIPT_QUEUE = 'receipts';

/** bullmq queue of reports to clients (dlr-url, callbackUrl). */
export const CALLBACK_QUEUE = 'callbacks';

/** bullmq queue of MO messages waiting for their service (keys `<prefix>:mo:*`, bullmq's own layout). */
export const MO_QUEUE = 'mo';

/**
 * bullmq queue of the deliver_sm (receipts, MO) waiting for one account's SMPP binds. The name is percent-encoded:
 * queue names cannot contain ':'.
 */
export function smppDeliverQueueName(account: string): string {
  return `smpp-${encodeURIComponent(account)}`;
}

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

/**
 * bullmq's lists and sorted sets of a queue's jobs that wait or are being processed (its layout, read only): what
 * says whether a route queue is empty, for the reconciliation of its count (queue/route-inspector.ts).
 */
export function bullmqPendingKeys(prefix: string, queueName: string): { readonly lists: string[]; readonly sortedSets: string[] } {
  const k = (type: string): string => `${prefix}:${queueName}:${type}`;
  return { lists: [k('wait'), k('paused'), k('active')], sortedSets: [k('prioritized'), k('delayed'), k('waiting-children')] };
}

/**
 * The sorted set bullmq keeps a queue's prioritized jobs in (score: priority × 2^32 + a counter). Read only, for
 * the age of a route's oldest waiting message in each priority (queue/route-inspector.ts).
 */
export function bullmqPrioritizedKey(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:prioritized`;
}

/** The field of a route's stats hash (RedisKeys.routeStats) that counts its accepted, not yet finished messages. */
export const ROUTE_QUEUED_COUNT = 'queued';

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
  /** Hash: a message's record (see messages/record-codec.ts for its fields). */
  message(id: string): string {
    return `${this.recordPrefix}${id}`;
  }
  /** What every record key starts with, the message id following (for a script that finds the id in Redis). */
  get recordPrefix(): string {
    return `${this.prefix}:m:`;
  }
  /** Hash: a route queue's message counts (ROUTE_QUEUED_COUNT: accepted and not yet submitted or failed). */
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
  /** The node that held a bind's lease last, kept for minutes after the lease itself expires (renew-lease.lua). */
  bindLeaseHolder(bind: string): string {
    return `${this.prefix}:lease-holder:${bind}`;
  }
  /** String of lines "messageId part receiver": the submits that got this SMSC message id (normalised) on an smsc-id. */
  correlation(smscId: string, smscMessageId: string): string {
    return `${this.prefix}:c:${smscId}:${smscMessageId}`;
  }
  /** SCAN pattern of every correlation (flush-dlr), and the start of one smsc-id's. */
  get correlationPattern(): string {
    return `${this.prefix}:c:*`;
  }
  correlationPrefix(smscId: string): string {
    return `${this.prefix}:c:${smscId}:`;
  }
  /** List: the last items a background queue gave up on (newest first, capped), for an operator to see. */
  givenUp(queueName: string): string {
    return `${this.prefix}:${queueName}:given-up`;
  }
  /**
   * String: the fingerprint of the links configuration a gateway process applied last (queue/route-rehoming.ts). A
   * process re-homes routes only while this is its own, so one still on an older configuration never does.
   */
  get linksConfig(): string {
    return `${this.prefix}:links-config`;
  }
  /** String, expiring: the process re-homing a route's messages after a reload now (one at a time per route). */
  rehomeLock(routeKey: string): string {
    return `${this.prefix}:rehome:${routeKey}`;
  }
  /** String, briefly: whether a commit of several jobs was written whole ('ok') or not ('failed'). */
  commit(id: string): string {
    return `${this.prefix}:commit:${id}`;
  }
  /** Counter: the next concatenation reference for a receiver (long messages' UDH or SAR reference). */
  concatRef(to: string): string {
    return `${this.prefix}:ref:${to}`;
  }
  /** String, expiring: a rate limit's token bucket (GCRA arrival time, ms; accounts/limit-gate.ts). */
  clientRateBucket(client: string): string {
    return `${this.prefix}:lim:ip:${client}`;
  }
  /** String, expiring: an account's request-rate bucket. */
  accountRequestBucket(username: string): string {
    return `${this.prefix}:lim:req:${username}`;
  }
  /** String, expiring: an account's max-tps bucket. */
  accountTpsBucket(username: string): string {
    return `${this.prefix}:lim:tps:${username}`;
  }
  /** Sorted set: an account's SMPP sessions on the smpp-server ports of every process, scored by when each claim expires. */
  smppBinds(username: string): string {
    return `${this.prefix}:smpp-binds:${username}`;
  }
  /** Hash: session id → a bound SMPP client session's published state (JSON with its expiry), every process's. */
  get smppSessions(): string {
    return `${this.prefix}:smpp-sessions`;
  }
  /** String, expiring: SMS an account sent in a quota period (`2026-12-01` or `2026-12`). */
  accountQuota(username: string, period: string): string {
    return `${this.prefix}:lim:q:${username}:${period}`;
  }
}

/** Parts of one concatenated MO: sender, receiver, reference size, reference and total, as Kannel groups them. */
export interface GroupIdentity {
  readonly from: string;
  readonly to: string;
  readonly refBits: 8 | 16;
  readonly ref: number;
  readonly total: number;
}

/** The keys of MO reassembly (mo/mo-reassembly-store.ts). */
export class MoKeys {
  /** Everything of the reassembly lives under this, apart from bullmq's `<prefix>:mo:` namespace. */
  readonly base: string;
  constructor(readonly prefix: string) {
    this.base = `${prefix}:mo-reassembly`;
  }

  /** Addresses are percent-encoded so a ':' in an alphanumeric sender cannot make two groups share a key. */
  groupId(g: GroupIdentity): string {
    return `${g.refBits}:${g.ref}:${g.total}:${encodeURIComponent(g.from)}:${encodeURIComponent(g.to)}`;
  }

  /** Hash seq → stored part of a group still waiting for parts. */
  get groupPrefix(): string {
    return `${this.base}:group:`;
  }
  group(groupId: string): string {
    return `${this.groupPrefix}${groupId}`;
  }

  /** Sorted set: group key scored by when its first part arrived (ms), for the sweeper. */
  get groups(): string {
    return `${this.base}:groups`;
  }

  /** Hash seq → digest of the parts of the last group handed on under this identity, to drop late duplicates. */
  get donePrefix(): string {
    return `${this.base}:done:`;
  }
  done(groupId: string): string {
    return `${this.donePrefix}${groupId}`;
  }

  /** Hash seq → stored part of a group taken out of reassembly and not yet confirmed in the MO queue. */
  get readyPrefix(): string {
    return `${this.base}:ready:`;
  }
  ready(moId: string): string {
    return `${this.readyPrefix}${moId}`;
  }

  /** A ready hash whose parts could not be read, set aside for a person to look at (never expires). */
  corrupt(moId: string): string {
    return `${this.base}:corrupt:${moId}`;
  }

  /** Sorted set: MO id of each ready hash, scored by when it was taken (ms), to recover after a crash. */
  get readyIndex(): string {
    return `${this.base}:ready`;
  }
}
