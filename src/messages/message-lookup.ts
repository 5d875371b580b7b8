/**
 * A message by id for the API: its record when it has one (submitted, failed, moved), else the queue job it waits
 * in. What the API shows of either is the same shape.
 */
import type { QueuedMessage } from '../domain/message.js';
import type { HistoryEntry, MessageRecord } from '../domain/message-record.js';

export interface MessageView {
  readonly id: string;
  readonly status: string;
  readonly account: string;
  readonly [k: string]: unknown;
}

/** The record side (the message store). */
export interface RecordSource {
  get(id: string): Promise<(MessageRecord & { history: HistoryEntry[] }) | undefined>;
}

/** The queue side (queue/queued-lookup.ts). */
export interface QueuedSource {
  find(
    id: string,
    where?: { routeKey: string; jobId: string },
  ): Promise<{ msg: QueuedMessage; state: { attempts: number; unanswered: number }; jobState: string; jobId: string } | undefined>;
}

export class MessageLookup {
  constructor(
    private readonly records: RecordSource,
    private readonly queued: QueuedSource,
  ) {}

  async find(id: string): Promise<MessageView | undefined> {
    const rec = await this.records.get(id);
    if (rec && rec.status !== 'queued') {
      const { route: _route, job: _job, ...view } = rec;
      return view;
    }
    const q = await this.queued.find(id, rec?.route && rec.job ? { routeKey: rec.route, jobId: rec.job } : undefined);
    if (!q) return rec ? { ...rec, queueState: 'moving' } : undefined;
    const m = q.msg;
    return {
      id,
      status: 'queued',
      queueState: q.jobState,
      account: m.account,
      from: m.from,
      to: m.to,
      acceptedAt: m.acceptedAt,
      route: m.route,
      ...(m.billing ? { billing: m.billing } : {}),
      attempts: q.state.attempts,
      unanswered: q.state.unanswered,
      history: rec?.history ?? [{ at: m.acceptedAt, event: 'accepted' }],
    };
  }
}
