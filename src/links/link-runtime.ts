/**
 * A link at run time: its binds, and the dispatcher that feeds them. Messages given to the link wait in one FIFO;
 * each goes, whole, to the least loaded bind that can write its first part at once (all parts of a message on one
 * bind, in order), so the binds' windows stay full and a slow or throttled bind simply takes less. Nothing here
 * waits on a promise per message: binds call back, and the dispatcher runs again whenever a bind has room.
 *
 * The link also bounds what it holds unconfirmed: parts written (or about to be) whose outcome the caller has not
 * yet recorded durably. A crash can therefore re-send at most that many, the sum of the binds' windows.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BindMode, Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import { buildParts, countParts } from '../encoding/index.js';
import { Bind, type BindState, type InboundAnswer, type SubmitOutcome } from '../smpp/bind.js';
import type { InboundSm } from '../smpp/inbound.js';
import { encodeSubmitSm } from '../smpp/submit-codec.js';
import { classifyOutcome, classifyOutcomes } from './classify-outcomes.js';
import type { SendJob, SendProgress } from '../domain/delivery.js';
import { submitPdu } from './submit-pdu.js';

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
  private fifo: (SendJob | undefined)[] = [];
  private head = 0;
  private unconfirmed = 0;
  private pumping = false;
  private wakeTimer: NodeJS.Timeout | undefined;

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
    const bind = new Bind({
      link: this.link,
      mode,
      port,
      instance,
      logger: this.opts.logger,
      ...(this.opts.onInbound ? { onInbound: this.opts.onInbound } : {}),
    });
    bind.on('state', (s) => {
      this.emit('bindState', bind, s);
      this.reevaluate();
    });
    bind.on('health', () => this.reevaluate());
    bind.on('throttled', () => this.reevaluate());
    bind.onReady = () => this.pump();
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
    clearTimeout(this.wakeTimer);
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

  /** Some sending bind is bound and answering, perhaps paused by throttling: what is given to the link will go. */
  willSend(now = Date.now()): boolean {
    return this.senders.some((b) => b.state.kind === 'bound' && (b.canTake(now) || b.throttled(now)));
  }

  /** Messages this process can have in flight on the link: the windows of its bound senders. */
  capacity(): number {
    return this.senders.reduce((n, b) => n + (b.state.kind === 'bound' ? b.window : 0), 0);
  }

  /** The most parts the link holds unconfirmed: every configured sender's full window. */
  get maxUnconfirmed(): number {
    return this.senders.length * this.link.maxPendingSubmits;
  }

  /** Messages given to the link and not started yet. */
  get waiting(): number {
    return this.fifo.length - this.head;
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
    if (available) this.pump();
  }

  /** Whether a message needs a concatenation reference before it is given to this link (it goes in several parts). */
  needsRef(msg: QueuedMessage, progress: SendProgress | undefined): boolean {
    if (progress) return false;
    const udh = msg.udh ? Buffer.from(msg.udh, 'base64') : undefined;
    return countParts(msg.alphabet, Buffer.from(msg.body, 'base64'), this.link.concatenation, udh) > 1;
  }

  /** Gives the link a message; `front` puts it before everything waiting (a message coming back to be sent again). */
  enqueue(job: SendJob, front = false): void {
    if (front) {
      if (this.head > 0) this.fifo[--this.head] = job;
      else this.fifo.unshift(job);
    } else this.fifo.push(job);
    this.pump();
  }

  /** Takes back the waiting messages that match (they have not started); they will hear nothing more from here. */
  withdraw(match: (job: SendJob) => boolean): SendJob[] {
    const keep: SendJob[] = [];
    const taken: SendJob[] = [];
    for (let i = this.head; i < this.fifo.length; i++) {
      const job = this.fifo[i];
      if (job) (match(job) ? taken : keep).push(job);
    }
    this.fifo = keep;
    this.head = 0;
    return taken;
  }

  /** The caller has recorded the outcome of `parts` parts: the link may hold that many more. */
  confirm(parts: number): void {
    this.unconfirmed -= parts;
    this.pump();
  }

  /** The least loaded bind that can write a new message at once. */
  private pickBind(now: number): Bind | undefined {
    let best: Bind | undefined;
    let bestLoad = Infinity;
    for (const b of this.senders) {
      if (!b.canAccept(now)) continue;
      const load = b.outstanding / b.window;
      if (load < bestLoad) {
        best = b;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Starts waiting messages on binds with room, while the link holds less than its unconfirmed bound. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const limit = this.maxUnconfirmed;
      while (this.head < this.fifo.length && this.unconfirmed < limit) {
        const now = Date.now();
        const bind = this.pickBind(now);
        if (!bind) {
          this.wakeForTokens(now);
          break;
        }
        const job = this.fifo[this.head];
        this.fifo[this.head++] = undefined;
        if (job) this.begin(job, bind);
      }
      if (this.head === this.fifo.length) {
        this.fifo = [];
        this.head = 0;
      } else if (this.head > 1024) {
        this.fifo = this.fifo.slice(this.head);
        this.head = 0;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** No bind can take a message now; if one will by itself (a token, a pause ending), look again then. */
  private wakeForTokens(now: number): void {
    let soonest: number | undefined;
    for (const b of this.senders) {
      const ms = b.acceptableInMs(now);
      if (ms !== undefined && (soonest === undefined || ms < soonest)) soonest = ms;
    }
    if (soonest === undefined || this.wakeTimer) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.pump();
      },
      Math.max(1, soonest),
    );
  }

  /** Builds the message's parts for this link and gives them all to one bind. */
  private begin(job: SendJob, bind: Bind): void {
    const { msg, progress } = job;
    const link = this.link;
    const ref = progress?.ref ?? job.ref;
    const built = buildParts(
      msg.alphabet,
      Buffer.from(msg.body, 'base64'),
      link.concatenation,
      ref ?? 0,
      msg.udh ? Buffer.from(msg.udh, 'base64') : undefined,
      link.gsmPacked,
      // Kannel re-encodes only data_coding 0 into alt-charset; 0xFx stays GSM.
      msg.dataCoding === 0 ? link.interop.altCharset : undefined,
    );
    if (!built.ok) {
      job.done({
        result: { kind: 'failed', status: undefined, detail: `cannot split for ${link.id}: ${built.detail}`, accepted: [] },
        bind: bind.name,
        progress,
        parts: 0,
      });
      return;
    }
    const frames: { seq: number; frame: Buffer }[] = [];
    const now = Date.now();
    try {
      built.parts.forEach((part, i) => {
        if (progress?.accepted.some((a) => a.seq === i + 1)) return;
        frames.push({ seq: i + 1, frame: encodeSubmitSm(submitPdu(link, msg, part, now)) });
      });
    } catch (e) {
      job.done({
        result: { kind: 'failed', status: undefined, detail: `cannot encode for ${link.id}: ${(e as Error).message}`, accepted: [] },
        bind: bind.name,
        progress,
        parts: 0,
      });
      return;
    }
    this.unconfirmed += frames.length;
    if (frames.length === 1 && !progress && built.parts.length === 1) {
      // The common case, one part: no arrays, no sequence bookkeeping.
      bind.send(frames[0]!.frame, (o) => job.done({ result: classifyOutcome(o), bind: bind.name, progress: undefined, parts: 1 }));
      return;
    }
    const outcomes: { seq: number; outcome: SubmitOutcome }[] = [];
    for (const f of frames) {
      bind.send(f.frame, (outcome) => {
        outcomes.push({ seq: f.seq, outcome });
        if (outcomes.length < frames.length) return;
        outcomes.sort((a, b) => a.seq - b.seq);
        const result = classifyOutcomes(outcomes, progress?.accepted ?? []);
        const accepted = result.kind === 'submitted' ? result.parts : result.accepted;
        job.done({
          result,
          bind: bind.name,
          progress: ref !== undefined && accepted.length > 0 ? { link: link.id, ref, accepted } : progress,
          parts: frames.length,
        });
      });
    }
  }
}
