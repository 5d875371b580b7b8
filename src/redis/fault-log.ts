/**
 * Logs the Redis faults one activity meets (accepting messages, taking receipts, taking MO): a line when a fault
 * starts, one when it turns into another, one when it is over, each with how long the previous state lasted and
 * how many operations it refused. Never a line per operation: a flood of requests during an outage stays quiet.
 */
import type { Logger } from 'pino';
import { StateChanges } from '../observability/state-changes.js';
import { classifyRedisError, describeFault, type RedisFault } from './redis-fault.js';

/** 'unexpected': an error that is not a Redis fault (a bug); its first occurrence is logged with its stack. */
type State = 'ok' | RedisFault | 'unexpected';

export interface FaultLogOptions {
  /** Who is affected: "sendsms and the JSON API". */
  readonly activity: string;
  /** What they do meanwhile: "answer 503 with Retry-After". */
  readonly meanwhile: string;
  readonly now?: () => number;
}

export class FaultLog {
  private readonly states: StateChanges<State>;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    private readonly opts: FaultLogOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.states = new StateChanges<State>('ok', this.now());
  }

  /** An operation failed with `e`; returns the Redis fault it stands for (undefined: not a Redis fault). */
  failed(e: unknown): RedisFault | undefined {
    const fault = classifyRedisError(e);
    this.observe(fault ?? 'unexpected', e);
    return fault;
  }

  /** An operation refused at once because of a fault already known. */
  refused(fault: RedisFault): void {
    this.observe(fault, undefined);
  }

  /** An operation succeeded; costs a compare while nothing is wrong. */
  succeeded(): void {
    if (this.states.state !== 'ok') this.observe('ok', undefined);
  }

  get state(): State {
    return this.states.state;
  }

  private observe(state: State, err: unknown): void {
    const change = this.states.observe(state, this.now());
    if (!change) return;
    const { activity, meanwhile } = this.opts;
    const before = change.from === 'ok' ? {} : { before: change.from, lastedMs: change.lastedMs, refused: change.count };
    if (change.to === 'ok') {
      this.logger.warn(
        before,
        change.from === 'unexpected' ? `${activity} back to normal` : `Redis answers again: ${activity} back to normal`,
      );
      return;
    }
    const detail = change.to === 'unexpected' ? 'an unexpected error' : describeFault(change.to);
    this.logger.error(
      { fault: change.to, ...before, ...(change.to === 'unexpected' ? { err } : {}) },
      `${detail}: ${activity} ${meanwhile} until it is over (logged again when it changes)`,
    );
  }
}
