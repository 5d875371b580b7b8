/**
 * How long a bind pauses after ESME_RTHROTTLED (or ESME_RMSGQFUL). Kannel sleeps a fixed second each time; a
 * throttled message then waits that second, and an SMSC that throttles now and then (every Nth submit, or at the
 * edge of its rate) costs a second of silence per throttle. Here the first pause is short, and it doubles only while
 * the SMSC goes on throttling without accepting anything in between, up to the link's `throttle-pause`: an SMSC
 * that is really full is left alone as long as Kannel would, one that throttles now and then costs little.
 *
 * Answers that arrive during a pause (to submits sent before it began) neither extend nor escalate it.
 */
export const FIRST_PAUSE_MS = 100;

export class ThrottleBackoff {
  private currentMs = 0;
  private acceptedSincePause = 0;
  private until = 0;

  constructor(private readonly maxMs: number) {}

  /** Epoch ms until which the bind sends nothing (0 or past: not paused). */
  get pausedUntil(): number {
    return this.until;
  }

  accepted(): void {
    this.acceptedSincePause++;
  }

  /** A throttle answer at `now`: the pause it starts (ms), or undefined when the bind is already paused. */
  throttled(now: number): number | undefined {
    if (now < this.until) return undefined;
    const first = Math.min(FIRST_PAUSE_MS, this.maxMs);
    this.currentMs = this.currentMs === 0 || this.acceptedSincePause > 0 ? first : Math.min(this.currentMs * 2, this.maxMs);
    this.acceptedSincePause = 0;
    this.until = now + this.currentMs;
    return this.currentMs;
  }
}
