/**
 * How a gateway process ends: the first signal starts the orderly stop (stop accepting, drain, unbind, close
 * Redis), and the process exits when it is done or when its bound is reached, whichever comes first, so that a
 * frozen or vanished Redis cannot hold it. A later reason can only bring the deadline closer (the links process
 * learns that its parent is gone); a second signal exits at once.
 */
import type { Logger } from 'pino';

/**
 * A links process whose parent is gone has this long to unbind: someone will start the gateway again, and binds
 * an orphan still holds would count against the SMSC's limit.
 */
export const PARENT_GONE_BOUND_MS = 1500;

/**
 * The links process's own bound, inside the gateway's: it exits by itself before its parent gives up on it (and
 * kills it), so its binds close with an unbind whenever Redis lets it get that far.
 */
export function linksBoundMs(shutdownTimeoutMs: number): number {
  return shutdownTimeoutMs - Math.min(1000, shutdownTimeoutMs / 10);
}

export interface GracefulExitOptions {
  readonly log: Logger;
  /** The orderly stop. */
  readonly stop: () => Promise<void>;
  /** Ends the process now (kills what it started first); process.exit in production. */
  readonly exit: (code: number) => void;
  /** Whether to log the start of the shutdown (the links process lets its parent say it). */
  readonly announce: boolean;
  readonly now?: () => number;
}

export class GracefulExit {
  private startedAt = 0;
  private deadline = Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: GracefulExitOptions) {
    this.now = opts.now ?? Date.now;
  }

  get stopping(): boolean {
    return this.startedAt > 0;
  }

  /** A signal (SIGTERM, SIGINT): the first stops in order within `boundMs`, a second one exits at once. */
  signal(name: string, boundMs: number): void {
    if (this.stopping) {
      // The same Ctrl-C often arrives twice (the terminal's process group, and a wrapper relaying it).
      if (this.now() - this.startedAt < 1000) return;
      this.opts.log.warn({ signal: name }, 'second signal: exiting now');
      this.opts.exit(1);
      return;
    }
    this.begin(name, boundMs);
  }

  /** Stops in order, exiting at the latest `boundMs` from now; when already stopping, only the deadline can move closer. */
  begin(why: string, boundMs: number): void {
    this.bound(why, boundMs);
    if (this.stopping) return;
    this.startedAt = this.now();
    if (this.opts.announce) this.opts.log.info({ why, boundMs }, 'shutting down (send the signal again to force)');
    this.opts.stop().then(
      () => this.opts.exit(0),
      (e: unknown) => {
        this.opts.log.error({ err: e }, 'error during shutdown');
        this.opts.exit(1);
      },
    );
  }

  private bound(why: string, boundMs: number): void {
    const at = this.now() + boundMs;
    if (at >= this.deadline) return;
    this.deadline = at;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.opts.log.error({ why, boundMs }, 'shutdown did not finish in time (process.shutdown-timeout): exiting now');
      this.opts.exit(1);
    }, boundMs);
  }
}
