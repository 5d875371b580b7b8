/**
 * One batch's messages on their way through a link: fed to the link's window, each outcome recorded as it comes
 * (submitted, or failed for good), and what the link could not finish gathered to go back to the queue in the same
 * job: messages the link lost, or that waited past the link's share of time, or that must wait (a temporary error's
 * backoff, a long message's parts pinned to another link). What becomes of each message is decided by
 * delivery-decision.ts; whether the link may take work, by may-take-work.ts; this carries both out.
 */
import type { Logger } from 'pino';
import type { SendAttempt, SendJob, SendProgress, SubmitOutcomes } from '../domain/delivery.js';
import type { Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import { encodeMessage, type DeliveryState } from '../queue/batch-codec.js';
import type { HandBack, TakenBatch } from '../queue/route-workers.js';
import { decideDelivery, type DeliveryDecision, type DeliveryPolicy } from './delivery-decision.js';
import { mayTakeWork, type LinkWorkState } from './may-take-work.js';

/**
 * The link a drain feeds (link-runtime.ts): it takes messages, says whether it will send them, and hears when their
 * outcomes are recorded so that it may take more.
 */
export interface LinkSender {
  readonly link: Link;
  /** Some bind will send what the link is given now (bound and answering, perhaps paused by throttling). */
  willSend(): boolean;
  /** Whether a message needs a concatenation reference before it is given to the link. */
  needsRef(msg: QueuedMessage, progress: SendProgress | undefined): boolean;
  enqueue(job: SendJob, front?: boolean): void;
  /** Takes back the messages given and not started yet that match. */
  withdraw(match: (job: SendJob) => boolean): SendJob[];
  /** Parts whose outcome is recorded: the link may take as many more. */
  confirm(parts: number): void;
  /** The most parts the link holds unconfirmed. */
  readonly maxUnconfirmed: number;
  on(event: 'available' | 'health' | 'bindState', listener: () => void): unknown;
  off(event: 'available' | 'health' | 'bindState', listener: () => void): unknown;
}

/** Counts a run adds to (its drain's, for status and metrics); every one of them only grows. */
export interface RunCounters {
  submitted: number;
  failed: number;
  /** Messages sent again after an unanswered submit (the SMSC may have the earlier one). */
  resentUnanswered: number;
}

/** What every run of one link shares (links/link-drain.ts builds it once). */
export interface RunContext {
  readonly runtime: LinkSender;
  readonly policy: DeliveryPolicy;
  readonly outcomes: SubmitOutcomes;
  readonly concatRefs: { next(receivers: readonly string[]): Promise<number[]> };
  /** How long a link may hold a batch's unsent messages before they go back to the queue for any link. */
  readonly timeShareMs: number;
  readonly lockDurationMs: number;
  readonly counters: RunCounters;
  readonly logger: Logger;
  /** The link's state now (closing, stopped by operators, able to send). */
  linkState(): LinkWorkState;
  /** Hears each message the SMSC accepted (metrics: the wait from accept to submit). */
  readonly onSubmitted?: ((msg: QueuedMessage, now: number) => void) | undefined;
}

/**
 * One message of the batch while the link has it, and the job the link sends (one object for both: this runs for
 * every message). `progress` and `ref` are set each time it is given to the link.
 */
class RunEntry implements SendJob {
  progress: SendProgress | undefined = undefined;
  ref: number | undefined = undefined;
  /** Not before this time (a temporary error's backoff, or a pinned long message), or 0. */
  notBefore = 0;
  finished = false;
  resends = 0;

  constructor(
    readonly run: BatchRun,
    readonly msg: QueuedMessage,
    public state: DeliveryState,
  ) {}

  done(a: SendAttempt): void {
    this.run.answered(this, a);
  }
}

const WITHDRAWN = { kind: 'withdrawn' } as const;

export class BatchRun {
  private readonly entries: RunEntry[];
  private readonly link: Link;
  private readonly log: Logger;
  /** Entries given to the link and not finished. */
  private open = 0;
  /** Entries going back to the queue. */
  private readonly back: RunEntry[] = [];
  private settle: (() => void) | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private withdrawing = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly batch: TakenBatch,
  ) {
    this.link = ctx.runtime.link;
    this.log = ctx.logger;
    this.entries = batch.items.map((i) => new RunEntry(this, i.msg, i.state));
  }

  get jobId(): string {
    return this.batch.jobId;
  }

  async execute(): Promise<HandBack | undefined> {
    const now = Date.now();
    const linkTakesWork = !this.batch.unwanted && mayTakeWork(this.ctx.linkState());
    const event = { kind: 'taken', now, linkId: this.link.id, linkTakesWork } as const;
    const ready: RunEntry[] = [];
    const notNow: RunEntry[] = [];
    for (const e of this.entries) {
      const d = decideDelivery(e, event, this.ctx.policy);
      if (d.kind === 'fail') {
        this.open++;
        this.carryOut(e, d, now, 0);
      } else if (d.kind === 'send' || d.kind === 'back') {
        if (d.state) e.state = d.state;
        if (d.kind === 'send') ready.push(e);
        else if (d.why === 'not-taking') notNow.push(e);
        else {
          e.notBefore = d.notBefore;
          this.back.push(e);
        }
      }
    }
    if (notNow.length > 0) {
      // Taken while the worker is being paused: back at once, after a breath so that a worker not paused yet
      // does not spin taking and returning the same job.
      this.back.push(...notNow);
      await new Promise((r) => setTimeout(r, 50));
    } else if (ready.length > 0) await this.dispatch(ready);
    if (this.open > 0) {
      // Never longer than half the job's lock: what a link sends is always under a lock it holds, even when
      // Redis stops answering and the lock can no longer be renewed (lock-duration < 2 × time-share otherwise).
      const holdMs = Math.min(this.ctx.timeShareMs, this.ctx.lockDurationMs / 2);
      this.deadline = setTimeout(() => this.withdraw('its share of time is used'), holdMs);
      await new Promise<void>((r) => (this.settle = r));
      clearTimeout(this.deadline);
    }
    if (this.back.length === 0) return undefined;
    return { items: this.back, delayUntil: Math.min(...this.back.map((e) => e.notBefore)) };
  }

  /** Gives the ready messages to the link, with the concatenation references long ones need. */
  private async dispatch(ready: readonly RunEntry[]): Promise<void> {
    const needRef = ready.filter((e) => this.ctx.runtime.needsRef(e.msg, e.state.progress));
    const refs = needRef.length > 0 ? await this.ctx.concatRefs.next(needRef.map((e) => e.msg.to)) : [];
    const refOf = new Map(needRef.map((e, i) => [e, refs[i]]));
    for (const e of ready) {
      this.open++;
      this.send(e, refOf.get(e), false);
    }
  }

  private send(e: RunEntry, ref: number | undefined, front: boolean): void {
    const progress = e.state.progress;
    e.progress = progress && progress.link === this.link.id ? progress : undefined;
    e.ref = ref;
    this.ctx.runtime.enqueue(e, front);
  }

  /** What became of one message on the link. */
  answered(e: RunEntry, a: SendAttempt): void {
    const r = a.result;
    const now = Date.now();
    // An answer that settled nothing: its parts are confirmed at once (there is no outcome to record first).
    if (r.kind === 'retry') this.ctx.runtime.confirm(a.parts);
    const linkTakesWork = r.kind === 'retry' && !this.withdrawing && mayTakeWork(this.ctx.linkState());
    const d = decideDelivery(e, { kind: 'answered', attempt: a, now, linkTakesWork }, this.ctx.policy);
    this.carryOut(e, d, now, r.kind === 'retry' ? 0 : a.parts, a);
  }

  /**
   * Does what was decided for a message. `confirmParts`: parts written for it that are confirmed once its outcome
   * is recorded; `attempt`, the link's try that led to the decision (for the log).
   */
  private carryOut(e: RunEntry, d: DeliveryDecision, now: number, confirmParts: number, attempt?: SendAttempt): void {
    if (d.kind !== 'submitted' && d.state) e.state = d.state;
    const m = e.msg;
    const bind = attempt?.bind;
    const detail = attempt && attempt.result.kind !== 'submitted' ? attempt.result.detail : undefined;
    switch (d.kind) {
      case 'submitted': {
        this.ctx.counters.submitted++;
        this.ctx.onSubmitted?.(m, now);
        this.ctx.outcomes.submitted(m, this.link, d.parts, now, () => this.finish(e, confirmParts));
        return;
      }
      case 'fail':
        if (d.why === 'refused') this.log.warn({ id: m.id, to: m.to, detail: d.detail, bind }, 'message refused by the SMSC');
        else if (d.why === 'attempts-used-up')
          this.log.warn({ id: m.id, detail, attempts: e.state.attempts }, 'message failed: attempts used up');
        else if (d.why === 'unanswered')
          this.log.warn(
            { id: m.id, to: m.to, unanswered: e.state.unanswered, bind },
            'message failed: the SMSC never answered its submits',
          );
        this.fail(e, d.detail, d.status, d.onLink ? this.link : undefined, now, confirmParts);
        return;
      case 'send':
      case 'back':
        if (d.unanswered) {
          this.ctx.counters.resentUnanswered++;
          this.log.warn(
            { id: m.id, detail, bind, unanswered: e.state.unanswered },
            'submit unanswered; sending again (the SMSC may have it)',
          );
        }
        if (d.kind === 'send') {
          e.resends++;
          this.send(e, undefined, d.front);
        } else {
          e.notBefore = d.notBefore;
          this.goBack(e);
        }
    }
  }

  /** Records the message as failed; `confirmParts` of its parts were written and are confirmed once recorded. */
  private fail(e: RunEntry, detail: string, status: number | undefined, link: Link | undefined, now: number, confirmParts: number): void {
    this.ctx.counters.failed++;
    const wire = JSON.stringify(encodeMessage(e.msg.id, e.msg));
    this.ctx.outcomes.failed(e.msg, detail, status, link, now, wire, () => this.finish(e, confirmParts));
  }

  private finish(e: RunEntry, confirmParts: number): void {
    if (confirmParts > 0) this.ctx.runtime.confirm(confirmParts);
    this.close(e);
  }

  private goBack(e: RunEntry): void {
    this.back.push(e);
    this.close(e);
  }

  private close(e: RunEntry): void {
    if (e.finished) return;
    e.finished = true;
    if (--this.open === 0) this.settle?.();
  }

  lockLost(): void {
    this.withdraw("the job's lock expired while Redis was unavailable; the gateway that takes the job sends them");
  }

  /** The link's state changed (or the drain closes): when it can no longer send, what has not started goes back. */
  linkChanged(): void {
    const link = this.ctx.linkState();
    if (mayTakeWork(link)) return;
    this.withdraw(link.stopped ? 'the link was stopped or drained by an operator, or the gateway is stopping' : 'the link cannot send');
  }

  private withdraw(why: string): void {
    this.withdrawing = true;
    const taken = this.ctx.runtime.withdraw((j) => j instanceof RunEntry && j.run === this);
    if (taken.length === 0) return;
    this.log.info({ route: this.batch.routeKey, messages: taken.length, why }, 'unsent messages go back to the route queue');
    const now = Date.now();
    for (const j of taken) if (j instanceof RunEntry) this.carryOut(j, decideDelivery(j, WITHDRAWN, this.ctx.policy), now, 0);
  }
}
