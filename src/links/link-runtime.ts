/**
 * A link at run time: its binds, which of them can take a message now, and sending one message over one bind
 * (split for this link, all parts in order on the same bind).
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BindMode, Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import { buildParts, countParts } from '../encoding/index.js';
import { Bind, type BindState, type InboundAnswer } from '../smpp/bind.js';
import type { InboundSm } from '../smpp/inbound.js';
import { classifyOutcomes, type AcceptedPart, type SendResult } from './classify-outcomes.js';
import { submitPdu } from './submit-pdu.js';

/** Where a partly sent long message stands: the rest must go over the same link with the same reference. */
export interface SendProgress {
  readonly link: string;
  readonly ref: number;
  readonly accepted: readonly AcceptedPart[];
}

export interface SendAttempt {
  readonly result: SendResult;
  readonly bind: string | undefined;
  readonly progress: SendProgress | undefined;
}

export interface LinkRuntimeEvents {
  /** Whether some bind can take a message now changed. */
  available: [available: boolean];
  /** Whether the link is healthy for routing (some bind bound and answering in time) changed. */
  health: [healthy: boolean];
  bindState: [bind: Bind, state: BindState];
}

export interface LinkRuntimeOptions {
  readonly link: Link;
  readonly logger: Logger;
  readonly onInbound?: (sm: InboundSm, bind: Bind) => Promise<InboundAnswer>;
  /** A concatenation reference for a long message to this receiver, unique per receiver over a long period. */
  readonly nextRef: (to: string) => Promise<number>;
}

export class LinkRuntime extends EventEmitter<LinkRuntimeEvents> {
  readonly link: Link;
  /** Binds that send (transmitter or transceiver), by instance. */
  readonly senders: Bind[] = [];
  /** Receiver-only binds (receive-port), by instance. */
  readonly receivers: Bind[] = [];
  private lastAvailable = false;
  private lastHealthy = false;
  private throttleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LinkRuntimeOptions) {
    super();
    const { link } = opts;
    this.link = link;
    for (let i = 1; i <= link.instances; i++) {
      if (link.port !== 0) this.senders.push(this.makeBind(link.transceiver ? 'transceiver' : 'transmitter', link.port, i));
      if (link.receivePort !== 0) this.receivers.push(this.makeBind('receiver', link.receivePort, i));
    }
  }

  private makeBind(mode: BindMode, port: number, instance: number): Bind {
    const bind = new Bind({ link: this.link, mode, port, instance, logger: this.opts.logger, ...(this.opts.onInbound ? { onInbound: this.opts.onInbound } : {}) });
    bind.on('state', (s) => {
      this.emit('bindState', bind, s);
      this.reevaluate();
    });
    bind.on('health', () => this.reevaluate());
    bind.on('throttled', () => this.reevaluate());
    return bind;
  }

  get binds(): Bind[] {
    return [...this.senders, ...this.receivers];
  }

  /** Start these instances' binds (all by default; the cluster lease decides in a shared deployment). */
  start(instances?: readonly number[]): void {
    for (const b of this.binds) if (!instances || instances.includes(this.instanceOf(b))) b.start();
  }

  instanceOf(b: Bind): number {
    const i = this.senders.indexOf(b);
    return (i >= 0 ? i : this.receivers.indexOf(b)) + 1;
  }

  async stop(drainMs: number): Promise<void> {
    clearTimeout(this.throttleTimer);
    await Promise.all(this.binds.map((b) => b.stop(drainMs)));
  }

  /** Some sending bind is bound and answering in time (throttling does not make a link unhealthy). */
  healthy(now = Date.now()): boolean {
    return this.senders.some((b) => b.healthy(now));
  }

  /** Some sending bind can take a message now: answering in time and not paused by throttling. */
  available(now = Date.now()): boolean {
    return this.senders.some((b) => b.canTake(now));
  }

  /** Messages this process can have in flight on the link: the windows of its bound senders. */
  capacity(): number {
    return this.senders.reduce((n, b) => n + (b.state.kind === 'bound' ? b.window : 0), 0);
  }

  /** Re-reads availability and health; called on every bind event and when a throttle pause ends. */
  reevaluate(): void {
    const now = Date.now();
    const healthy = this.healthy(now);
    if (healthy !== this.lastHealthy) {
      this.lastHealthy = healthy;
      this.emit('health', healthy);
    }
    const available = this.available(now);
    if (available !== this.lastAvailable) {
      this.lastAvailable = available;
      this.emit('available', available);
    }
    clearTimeout(this.throttleTimer);
    if (!available && this.senders.some((b) => b.throttled(now))) {
      // Paused by throttling: look again when the pause ends.
      this.throttleTimer = setTimeout(() => this.reevaluate(), 25);
      this.throttleTimer.unref();
    }
  }

  /** The least loaded bind that can take a message now. */
  pickBind(now = Date.now()): Bind | undefined {
    let best: Bind | undefined;
    let bestLoad = Infinity;
    for (const b of this.senders) {
      if (!b.canTake(now)) continue;
      const load = b.outstanding / b.window;
      if (load < bestLoad) {
        best = b;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Sends one message (the parts not yet accepted, for a retry) on the least loaded available bind. */
  async send(msg: QueuedMessage, progress: SendProgress | undefined): Promise<SendAttempt> {
    const bind = this.pickBind();
    if (!bind) {
      return { result: { kind: 'retry', attempt: false, detail: `no bind of ${this.link.id} can send now`, accepted: progress?.accepted ?? [], maybeDelivered: false }, bind: undefined, progress };
    }
    const payload = Buffer.from(msg.body, 'base64');
    const udh = msg.udh ? Buffer.from(msg.udh, 'base64') : undefined;
    const { concatenation, gsmPacked } = this.link;
    let ref = progress?.ref;
    if (ref === undefined && countParts(msg.alphabet, payload, concatenation, udh) > 1) ref = await this.opts.nextRef(msg.to);
    const built = buildParts(msg.alphabet, payload, concatenation, ref ?? 0, udh, gsmPacked);
    if (!built.ok) {
      return { result: { kind: 'failed', status: undefined, detail: `cannot split for ${this.link.id}: ${built.detail}`, accepted: [] }, bind: bind.name, progress };
    }
    const done = new Set((progress?.accepted ?? []).map((p) => p.seq));
    const todo = built.parts.map((part, i) => ({ seq: i + 1, part })).filter((p) => !done.has(p.seq));
    const outcomes = await bind.submitSequence(todo.map((p) => submitPdu(this.link, msg, p.part)));
    const result = classifyOutcomes(
      todo.map((p, i) => ({ seq: p.seq, outcome: outcomes[i] ?? { kind: 'not-sent', detail: 'missing outcome' } })),
      progress?.accepted ?? [],
    );
    const accepted = result.kind === 'submitted' ? result.parts : result.accepted;
    return {
      result,
      bind: bind.name,
      progress: ref !== undefined && accepted.length > 0 ? { link: this.link.id, ref, accepted } : progress,
    };
  }
}
