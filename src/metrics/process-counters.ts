/**
 * The counters the components keep (per bind, per reply, per callback) brought into this process's Prometheus
 * series before each publication, and a timed Redis round trip. The components count in plain fields on their hot
 * paths; prom-client is touched only here, every few seconds.
 */
import type { ProcessMetrics } from './metrics.js';

export interface BindCounterSource {
  readonly name: string;
  readonly link: { readonly id: string };
  readonly counters: {
    readonly accepted: number;
    readonly throttled: number;
    readonly refused: number;
    readonly unanswered: number;
    readonly mo: number;
    readonly receipts: Readonly<Record<string, number>>;
  };
}

export interface CounterSources {
  readonly binds: Iterable<BindCounterSource>;
  /** sendsms replies by HTTP status. */
  readonly replies: ReadonlyMap<number, number>;
  readonly callbacks: {
    readonly sent: number;
    readonly retried: number;
    readonly givenUp: number;
    readonly refused: number;
    readonly gapsSkipped: number;
  };
  readonly recordWriteRetries: number;
  readonly drains: Iterable<{ readonly counters: { readonly resentUnanswered: number; readonly possibleResends: number } }>;
  /** One Redis round trip, timed. */
  readonly ping: () => Promise<unknown>;
  /** This process's view of the Redis primary: failovers followed, time without one. */
  readonly redis: { readonly node: string; readonly failovers: number; readonly withoutPrimaryMs: number };
  /** WAITs of acknowledged replication (redis.wait-replicas), by write. */
  readonly replication: Readonly<Record<'commit' | 'records', ReplicationCounters>>;
}

export interface ReplicationCounters {
  readonly waits: number;
  readonly late: number;
  readonly lost: number;
  readonly waitMs: number;
}

export async function refreshProcessMetrics(m: ProcessMetrics, s: CounterSources): Promise<void> {
  for (const b of s.binds) {
    const c = b.counters;
    const labels = { link: b.link.id, bind: b.name };
    m.addTotal(m.submits, { ...labels, result: 'accepted' }, c.accepted);
    m.addTotal(m.submits, { ...labels, result: 'throttled' }, c.throttled);
    m.addTotal(m.submits, { ...labels, result: 'refused' }, c.refused - c.throttled);
    m.addTotal(m.submits, { ...labels, result: 'unanswered' }, c.unanswered);
    for (const [state, n] of Object.entries(c.receipts)) m.addTotal(m.receipts, { link: b.link.id, state }, n);
    m.addTotal(m.mo, { link: b.link.id }, c.mo);
  }
  for (const [status, n] of s.replies) m.addTotal(m.httpRequests, { interface: 'sendsms', status: String(status) }, n);
  const cb = s.callbacks;
  m.addTotal(m.callbacks, { result: 'sent' }, cb.sent);
  m.addTotal(m.callbacks, { result: 'retried' }, cb.retried);
  m.addTotal(m.callbacks, { result: 'given_up' }, cb.givenUp);
  m.addTotal(m.callbacks, { result: 'refused' }, cb.refused);
  m.addTotal(m.reportGaps, {}, cb.gapsSkipped);
  m.addTotal(m.writeRetries, {}, s.recordWriteRetries);
  let unanswered = 0;
  let crash = 0;
  for (const d of s.drains) {
    unanswered += d.counters.resentUnanswered;
    crash += d.counters.possibleResends;
  }
  m.addTotal(m.resends, { why: 'unanswered' }, unanswered);
  m.addTotal(m.resends, { why: 'crash' }, crash);
  m.addTotal(m.redisFailovers, { node: s.redis.node }, s.redis.failovers);
  m.addTotal(m.redisWithoutPrimary, { node: s.redis.node }, s.redis.withoutPrimaryMs / 1000);
  for (const [write, c] of Object.entries(s.replication)) {
    m.addTotal(m.replicationWaits, { write, result: 'confirmed' }, c.waits - c.late - c.lost);
    m.addTotal(m.replicationWaits, { write, result: 'late' }, c.late);
    m.addTotal(m.replicationWaits, { write, result: 'lost' }, c.lost);
    m.addTotal(m.replicationWaitSeconds, { write }, c.waitMs / 1000);
  }
  const t0 = process.hrtime.bigint();
  await s.ping();
  m.redisRoundTrip.observe(Number(process.hrtime.bigint() - t0) / 1e9);
}
