/**
 * One bind of a link, kept alive: connect, bind, keep-alive with a response deadline, reconnect after any loss
 * with capped, jittered backoff; a window of outstanding submits, a throughput limit, a pause after throttling,
 * answers to every inbound PDU, and a graceful unbind. Its state is a typed value that says why it is down.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BindMode, Link } from '../domain/link.js';
import { jitteredBackoffMs } from '../primitives/capped-backoff.js';
import { cstring, type RawPdu } from './codec.js';
import { STATUS, statusAction, statusName, type StatusAction } from './command-status.js';
import { ConnectionClosedError, type ResponseTimeoutError, SmppConnection, describeClose, type CloseReason } from './connection.js';
import { parseInbound, type InboundSm } from './inbound.js';
import { declaredTlvValues } from './tlv.js';
import { openSocket } from './open-socket.js';
import { encodeSubmitSm } from './submit-codec.js';
import type { SubmitPart } from './submit-part.js';
import { ThrottleBackoff } from './throttle-backoff.js';
import { TokenBucket } from './token-bucket.js';
import { SlidingCounter, SlidingHistogram } from '../observability/sliding-window.js';

export type DownReason =
  | { readonly kind: 'refused'; readonly detail: string }
  | { readonly kind: 'connect-timeout' }
  /** The TLS handshake failed (certificate, name, protocol) or a TLS file is unusable; retried over TLS only. */
  | { readonly kind: 'tls'; readonly detail: string }
  | { readonly kind: 'bind-rejected'; readonly status: number }
  | { readonly kind: 'bind-timeout' }
  | { readonly kind: 'lost'; readonly detail: string }
  | { readonly kind: 'unbound-by-smsc' };

export function describeDown(r: DownReason): string {
  switch (r.kind) {
    case 'refused':
      return `connection refused or failed (${r.detail})`;
    case 'connect-timeout':
      return 'connect timed out';
    case 'tls':
      return `TLS failed: ${r.detail}`;
    case 'bind-rejected':
      return `bind rejected with ${statusName(r.status)}`;
    case 'bind-timeout':
      return 'no bind response in time';
    case 'lost':
      return `session lost: ${r.detail}`;
    case 'unbound-by-smsc':
      return 'the SMSC unbound the session';
  }
}

export type BindState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly since: number }
  | { readonly kind: 'binding'; readonly since: number }
  | { readonly kind: 'bound'; readonly since: number }
  | { readonly kind: 'down'; readonly since: number; readonly reason: DownReason; readonly retryAt: number }
  | { readonly kind: 'unbinding'; readonly since: number }
  | { readonly kind: 'stopped'; readonly since: number };

/** What became of one submit_sm. */
export type SubmitOutcome =
  | { readonly kind: 'accepted'; readonly messageId: string }
  | { readonly kind: 'refused'; readonly status: number; readonly action: Exclude<StatusAction, 'ok'> }
  /** Written, but the session ended before an answer: the SMSC may have it (a resend may duplicate). */
  | { readonly kind: 'unanswered'; readonly detail: string }
  /** Never written: safe to send anywhere. */
  | { readonly kind: 'not-sent'; readonly detail: string };

/**
 * How to answer an inbound deliver_sm / data_sm, decided once it has been handled durably: ok, retry-later
 * (ESME_RX_T_APPN: the SMSC sends it again), or reject (ESME_RX_R_APPN: refused for good, as Kannel refuses an MO
 * its white or black lists refuse).
 */
export type InboundAnswer = 'ok' | 'retry-later' | 'reject';

export interface BindEvents {
  state: [state: BindState];
  /** Routing health changed: bound and answering in time. */
  health: [healthy: boolean];
  /** The SMSC throttled us: this bind sends nothing until `until` (epoch ms). */
  throttled: [until: number];
  /** max-error-count connect or bind attempts failed in a row: the bind stopped retrying. */
  gaveUp: [reason: DownReason];
}

export interface BindOptions {
  readonly link: Link;
  readonly mode: BindMode;
  readonly port: number;
  readonly instance: number;
  readonly logger: Logger;
  readonly onInbound?: (sm: InboundSm, bind: Bind) => Promise<InboundAnswer>;
  /** For tests: a deterministic jitter source in [0, 1). */
  readonly random?: () => number;
}

/** Called once with what became of a part. */
export type OutcomeCallback = (outcome: SubmitOutcome) => void;

interface QueuedPart {
  readonly frame: Buffer;
  readonly cb: OutcomeCallback;
}

/**
 * deliver_sm/data_sm (and other requests) from the SMSC that we are still handling, at which a bind stops reading
 * the SMSC until one is answered: far above any SMSC's window, and a bound on what a flood can make us hold.
 */
const MAX_UNANSWERED_INBOUND = 1000;

export class Bind extends EventEmitter<BindEvents> {
  readonly link: Link;
  readonly mode: BindMode;
  readonly name: string;
  private readonly log: Logger;
  private current: BindState = { kind: 'idle' };
  private conn: SmppConnection | undefined;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private lastInboundAt = 0;
  private inFlight = 0;
  /** Parts given to this bind and not written yet, in order: they leave as the window, the limit and pauses allow. */
  private readonly queued: QueuedPart[] = [];
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = 0;
  private readonly bucket: TokenBucket;
  private readonly throttle: ThrottleBackoff;
  private lastHealthy = false;
  private lastCanTake = false;
  private stopping = false;
  /**
   * Set when a session was closed because the SMSC stopped answering submits. After the rebind the bind takes one
   * message at a time and stays out of routing until the SMSC answers one: a half-open circuit breaker, so an SMSC
   * that binds and answers enquire_link but swallows submits costs one message per cycle, not a window.
   */
  private probation = false;
  private readonly random: () => number;
  /** Submits written on this bind since start, and answered: for status and tests. */
  readonly counters = {
    submitted: 0,
    accepted: 0,
    refused: 0,
    unanswered: 0,
    throttled: 0,
    inbound: 0,
    sessions: 0,
    mo: 0,
    receipts: {} as Record<string, number>,
  };
  /** Submits written per second, and submit_sm → submit_sm_resp latency, over the last minute (for the admin port). */
  readonly recent = { submits: new SlidingCounter(), latencyMs: new SlidingHistogram() };
  /** Called when the bind may take more parts (a slot freed, a pause or a token wait ended, a session bound). */
  onReady: (() => void) | undefined;
  /** Hears each answered submit's submit_sm → submit_sm_resp time (metrics). */
  onAnswered: ((ms: number) => void) | undefined;

  constructor(private readonly opts: BindOptions) {
    super();
    this.link = opts.link;
    this.mode = opts.mode;
    this.name = `${opts.link.id}/${opts.mode === 'receiver' ? 'rx' : opts.mode === 'transmitter' ? 'tx' : 'trx'}${opts.instance}`;
    this.log = opts.logger.child({ bind: this.name });
    this.bucket = new TokenBucket(opts.link.throughput, Date.now());
    this.throttle = new ThrottleBackoff(opts.link.throttlePauseMs);
    this.random = opts.random ?? Math.random;
  }

  get state(): BindState {
    return this.current;
  }

  get canSubmit(): boolean {
    return this.mode !== 'receiver';
  }

  /** How long a submit may wait for its answer: wait-ack-expire 0x02 waits for ever (enquire_link still times out). */
  private get submitTimeoutMs(): number {
    return this.link.interop.waitAckExpire === 'wait' ? Number.POSITIVE_INFINITY : this.link.responseTimeoutMs;
  }

  get window(): number {
    return this.probation ? 1 : this.link.maxPendingSubmits;
  }

  get outstanding(): number {
    return this.inFlight;
  }

  get onProbation(): boolean {
    return this.probation;
  }

  /**
   * Bound and answering: nothing waits past unhealthy-after, or the SMSC answered something within it. One submit an
   * SMSC swallows while it answers the rest does not make the bind unhealthy (it times out on its own); an SMSC
   * that answers nothing at all does.
   */
  private answering(now: number): boolean {
    const conn = this.conn;
    if (this.current.kind !== 'bound' || !conn || conn.closed) return false;
    const oldest = conn.oldestPendingSentAt();
    const limit = this.link.unhealthyAfterMs;
    return oldest === undefined || now - oldest < limit || now - conn.lastResponseAt < limit;
  }

  /** Healthy for routing: bound, answering within unhealthy-after, and not on probation. */
  healthy(now = Date.now()): boolean {
    return !this.probation && this.answering(now);
  }

  /** Can take a message now: bound, answering, not paused by throttling (probation allows one at a time). */
  canTake(now = Date.now()): boolean {
    return this.mode !== 'receiver' && this.answering(now) && this.throttle.pausedUntil <= now;
  }

  /** Can write a new message's first part at once: canTake, nothing queued here, room in the window, a token. */
  canAccept(now: number): boolean {
    return this.queued.length === 0 && this.inFlight < this.window && this.canTake(now) && this.bucket.waitMs(now) === 0;
  }

  /**
   * When a bind that cannot accept now will by itself: the ms until its throttle pause ends or its next token, or
   * undefined when it waits for an event instead (a response freeing the window, a bind), which calls onReady.
   */
  acceptableInMs(now: number): number | undefined {
    if (this.queued.length > 0 || this.inFlight >= this.window || this.mode === 'receiver' || !this.answering(now)) return undefined;
    return Math.max(this.throttle.pausedUntil - now, this.bucket.waitMs(now), 0);
  }

  throttled(now = Date.now()): boolean {
    return this.throttle.pausedUntil > now;
  }

  start(): void {
    if (this.current.kind !== 'idle' && this.current.kind !== 'stopped') return;
    this.stopping = false;
    clearInterval(this.healthTimer);
    this.healthTimer = setInterval(() => this.checkHealth(), Math.min(250, Math.max(20, this.link.unhealthyAfterMs / 4)));
    this.healthTimer.unref();
    void this.connect();
  }

  private setState(s: BindState): void {
    this.current = s;
    this.emit('state', s);
    this.checkHealth();
  }

  private checkHealth(): void {
    const now = Date.now();
    const h = this.healthy(now);
    const c = this.canTake(now);
    if (h === this.lastHealthy && c === this.lastCanTake) return;
    if (h !== this.lastHealthy) {
      if (!h && this.current.kind === 'bound' && !this.probation) {
        this.log.warn(
          { oldestPendingMs: now - (this.conn?.oldestPendingSentAt() ?? now) },
          'bind unhealthy: responses overdue; routing around it',
        );
      } else if (h) this.log.info('bind healthy');
    }
    this.lastHealthy = h;
    this.lastCanTake = c;
    this.emit('health', h);
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.setState({ kind: 'connecting', since: Date.now() });
    const { link } = this;
    const opened = await openSocket({
      host: link.host,
      port: this.opts.port,
      timeoutMs: link.connectTimeoutMs,
      tls: link.tls,
      log: this.log,
    });
    if (!opened.ok) {
      this.scheduleReconnect(opened.reason);
      return;
    }
    const { socket } = opened;
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const conn = new SmppConnection(socket, {
      maxUnansweredRequests: MAX_UNANSWERED_INBOUND,
      // wait-ack-expire 0x00: any submit unanswered in time ends the session (its window is sent again elsewhere).
      closeOnAnyTimeout: link.interop.waitAckExpire === 'reconnect',
    });
    this.conn = conn;
    this.counters.sessions++;
    conn.on('request', (pdu, frame) => this.onRequest(conn, pdu, frame));
    conn.on('orphanResponse', (commandId, sequence) =>
      this.log.warn(
        { commandId: `0x${commandId.toString(16)}`, sequence },
        'response to nothing we are waiting for (late, or to a request given up); ignored',
      ),
    );
    conn.on('close', (reason) => this.onClose(conn, reason));
    this.setState({ kind: 'binding', since: Date.now() });
    let resp: RawPdu;
    try {
      resp = await conn.request(
        `bind_${this.mode}`,
        {
          system_id: link.systemId,
          password: link.password,
          system_type: link.systemType,
          interface_version: link.interop.interfaceVersion,
          addr_ton: link.interop.bindAddrTon,
          addr_npi: link.interop.bindAddrNpi,
          address_range: link.addressRange,
        },
        link.connectTimeoutMs,
      );
    } catch (e) {
      // onClose already scheduled the reconnect when the connection ended; a timeout closes it too.
      if (!(e instanceof ConnectionClosedError)) conn.destroy({ kind: 'local', detail: (e as Error).message });
      return;
    }
    if (resp.command_status !== STATUS.ESME_ROK && resp.command_status !== STATUS.ESME_RALYBND) {
      this.pendingDownReason = { kind: 'bind-rejected', status: resp.command_status };
      conn.close('bind rejected');
      return;
    }
    if (this.stopping) {
      await this.unbindConnection(conn);
      return;
    }
    this.failures = 0;
    this.lastInboundAt = Date.now();
    this.log.info({ smsc: cstring(resp, 'system_id'), remote: conn.remote }, 'bound');
    this.setState({ kind: 'bound', since: Date.now() });
    this.scheduleKeepAlive();
    this.onReady?.();
  }

  /** Set just before we close a connection on purpose, so onClose reports why. */
  private pendingDownReason: DownReason | undefined;

  private onClose(conn: SmppConnection, reason: CloseReason): void {
    if (conn !== this.conn) return;
    this.conn = undefined;
    clearTimeout(this.keepAliveTimer);
    this.failQueued(`session ended (${describeClose(reason)})`);
    const wasBound = this.current.kind === 'bound' || this.current.kind === 'unbinding';
    if (wasBound && reason.kind === 'response-timeout') {
      if (!this.probation)
        this.log.warn('the SMSC stopped answering; after the rebind this bind sends one message at a time until it answers');
      this.probation = true;
    }
    if (this.stopping) {
      this.setState({ kind: 'stopped', since: Date.now() });
      return;
    }
    let down: DownReason;
    if (this.pendingDownReason) down = this.pendingDownReason;
    else if (this.current.kind === 'binding')
      down = reason.kind === 'response-timeout' ? { kind: 'bind-timeout' } : { kind: 'lost', detail: describeClose(reason) };
    else down = { kind: 'lost', detail: describeClose(reason) };
    this.pendingDownReason = undefined;
    if (wasBound) this.log.warn({ reason: describeDown(down) }, 'session lost');
    this.scheduleReconnect(down, wasBound);
  }

  private scheduleReconnect(reason: DownReason, afterBound = false): void {
    if (this.stopping) {
      this.setState({ kind: 'stopped', since: Date.now() });
      return;
    }
    // A session that was working is retried promptly; repeated failures back off, doubling up to the cap.
    const attempt = afterBound ? 0 : this.failures++;
    const maxErrors = this.link.interop.maxErrorCount;
    if (!afterBound && maxErrors > 0 && this.failures >= maxErrors) {
      // Kannel's max-error-count: give up and say so loudly; an operator's start-smsc tries again.
      this.log.error(
        { reason: describeDown(reason), failures: this.failures },
        'max-error-count reached: the link is stopped until an operator starts it',
      );
      this.failures = 0;
      this.setState({ kind: 'down', since: Date.now(), reason, retryAt: Number.POSITIVE_INFINITY });
      this.emit('gaveUp', reason);
      return;
    }
    const delay = jitteredBackoffMs(attempt, this.link.reconnectDelayMs, this.link.reconnectDelayMaxMs, this.random());
    const now = Date.now();
    if (!afterBound) this.log.warn({ reason: describeDown(reason), retryInMs: delay }, 'bind failed');
    this.setState({ kind: 'down', since: now, reason, retryAt: now + delay });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private scheduleKeepAlive(): void {
    clearTimeout(this.keepAliveTimer);
    const interval = this.link.enquireLinkIntervalMs;
    this.keepAliveTimer = setTimeout(
      () => {
        const conn = this.conn;
        if (!conn || this.current.kind !== 'bound') return;
        // Only an idle session needs probing: any PDU from the SMSC already proves it alive.
        if (Date.now() - this.lastInboundAt >= interval) {
          conn.request('enquire_link', {}, this.link.responseTimeoutMs).then(
            () => {
              this.lastInboundAt = Date.now();
            },
            () => undefined, // a timeout closes the connection; onClose reports it
          );
        }
        this.scheduleKeepAlive();
      },
      Math.max(10, interval - (Date.now() - this.lastInboundAt)),
    );
    this.keepAliveTimer.unref();
  }

  private onRequest(conn: SmppConnection, pdu: RawPdu, frame: Buffer): void {
    this.lastInboundAt = Date.now();
    switch (pdu.command) {
      case 'enquire_link':
        conn.respond(pdu, STATUS.ESME_ROK);
        return;
      case 'unbind':
        conn.respond(pdu, STATUS.ESME_ROK);
        this.pendingDownReason = { kind: 'unbound-by-smsc' };
        conn.close('unbind from the SMSC');
        return;
      case 'deliver_sm':
      case 'data_sm': {
        this.counters.inbound++;
        const parsed = parseInbound(pdu);
        // The TLVs smpp-tlv declares for this link go on as meta-data (Kannel's group `smpp`); read from the bytes,
        // since the package's decoder drops tags it does not know.
        const tlvs = parsed === undefined ? undefined : declaredTlvValues(frame, this.link.tlvs);
        const sm = tlvs === undefined ? parsed : { ...parsed!, tlvs };
        const handler = this.opts.onInbound;
        if (!sm) {
          // Malformed: asking the SMSC to send it again would bring the same bytes back.
          this.log.warn({ command: pdu.command, sequence: pdu.sequence_number }, 'malformed PDU from the SMSC; refused');
          conn.respond(pdu, STATUS.ESME_RX_P_APPN);
          return;
        }
        if (!handler) {
          // Nothing here can take it durably: ask the SMSC to keep it and try again later.
          conn.respond(pdu, STATUS.ESME_RX_T_APPN, pdu.command === 'deliver_sm' ? { message_id: '' } : {});
          return;
        }
        handler(sm, this).then(
          (answer) =>
            conn.respond(
              pdu,
              answer === 'ok' ? STATUS.ESME_ROK : answer === 'reject' ? STATUS.ESME_RX_R_APPN : STATUS.ESME_RX_T_APPN,
              pdu.command === 'deliver_sm' ? { message_id: '' } : {},
            ),
          (e: unknown) => {
            this.log.error({ err: e }, 'inbound handler failed; the SMSC will retry');
            conn.respond(pdu, STATUS.ESME_RX_T_APPN);
          },
        );
        return;
      }
      case 'alert_notification':
        return; // has no response in SMPP 3.4
      default:
        conn.respond(pdu, STATUS.ESME_RINVCMDID);
    }
  }

  /**
   * Gives this bind one part (a submit_sm frame from encodeSubmitSm; its sequence number is written when it leaves).
   * Parts leave in the order given, each when the window, the throughput limit and any throttle pause allow;
   * `cb` hears once what became of it. A part still here when the session ends comes back not-sent.
   */
  send(frame: Buffer, cb: OutcomeCallback): void {
    if (this.stopping || this.current.kind !== 'bound' || !this.conn || this.conn.closed) {
      cb({ kind: 'not-sent', detail: `bind is ${this.stopping ? 'stopping' : this.conn?.closed ? 'closing' : this.current.kind}` });
      return;
    }
    this.queued.push({ frame, cb });
    this.pump();
  }

  /** Counts what came in on this bind: an MO, or a receipt in this state. */
  countInbound(kind: 'mo' | 'receipt', state?: string): void {
    if (kind === 'mo') this.counters.mo++;
    else if (state !== undefined) this.counters.receipts[state] = (this.counters.receipts[state] ?? 0) + 1;
  }

  /** Sends one submit_sm when the window and the throughput limit allow, and says what became of it. */
  submit(part: SubmitPart): Promise<SubmitOutcome> {
    let frame: Buffer;
    try {
      frame = encodeSubmitSm(part);
    } catch {
      // The SMSC would refuse it the same way (the link layer splits texts before they get here).
      return Promise.resolve({ kind: 'refused', status: STATUS.ESME_RINVMSGLEN, action: 'permanent' });
    }
    return new Promise((resolve) => this.send(frame, resolve));
  }

  /** Writes queued parts while the window, the token bucket and any pause allow; arranges a wake-up otherwise. */
  private pump(): void {
    const conn = this.conn;
    if (!conn || conn.closed || this.current.kind !== 'bound') return;
    while (this.queued.length > 0 && this.inFlight < this.window) {
      const now = Date.now();
      const wait = this.throttle.pausedUntil > now ? this.throttle.pausedUntil - now : this.bucket.take(now);
      if (wait > 0) {
        this.wakeIn(wait);
        return;
      }
      const part = this.queued.shift()!;
      this.inFlight++;
      this.counters.submitted++;
      this.recent.submits.add(now);
      conn.submit(part.frame, this.submitTimeoutMs, (err, status, messageId) => this.answered(conn, part.cb, err, status, messageId, now));
    }
  }

  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.wakeTimer && this.wakeAt <= at) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.pump();
      this.checkHealth();
      this.onReady?.();
    }, ms);
  }

  private answered(
    conn: SmppConnection,
    cb: OutcomeCallback,
    err: ConnectionClosedError | ResponseTimeoutError | null,
    status: number,
    messageId: string,
    sentAt: number,
  ): void {
    this.inFlight--;
    if (!err) {
      const now = Date.now();
      this.recent.latencyMs.record(now, now - sentAt);
      this.onAnswered?.(now - sentAt);
    }
    let outcome: SubmitOutcome;
    if (err) {
      if (err.written) {
        this.counters.unanswered++;
        outcome = { kind: 'unanswered', detail: err instanceof ConnectionClosedError ? describeClose(err.reason) : err.detail };
      } else outcome = { kind: 'not-sent', detail: err.message };
    } else {
      const action = statusAction(status);
      if (action === 'ok') {
        this.counters.accepted++;
        this.throttle.accepted();
        if (this.probation) {
          this.probation = false;
          this.log.info('the SMSC answers again; full window restored');
          this.checkHealth();
        }
        outcome = { kind: 'accepted', messageId };
      } else {
        this.counters.refused++;
        if (action === 'throttle') {
          this.counters.throttled++;
          const pauseMs = this.throttle.throttled(Date.now());
          if (pauseMs !== undefined) {
            // Once per pause, not per answer; the full figures are in the bind's counters and /metrics.
            this.log.warn(
              { status: statusName(status), pauseMs, throttledSoFar: this.counters.throttled },
              'throttled by the SMSC; pausing this bind',
            );
            this.wakeIn(pauseMs);
            this.emit('throttled', this.throttle.pausedUntil);
          }
        } else if (action === 'drop-session') {
          this.log.warn({ status: statusName(status) }, 'SMSC says we are not bound; rebinding');
          conn.destroy({ kind: 'local', detail: `submit answered ${statusName(status)}` });
        }
        outcome = { kind: 'refused', status, action };
      }
    }
    cb(outcome);
    this.pump();
    this.onReady?.();
  }

  private failQueued(detail: string): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    for (const p of this.queued.splice(0)) p.cb({ kind: 'not-sent', detail });
  }

  private async unbindConnection(conn: SmppConnection): Promise<void> {
    try {
      await conn.request('unbind', {}, Math.min(this.link.responseTimeoutMs, 2000));
    } catch {
      // The SMSC did not answer the unbind; closing the socket ends the session anyway.
    }
    conn.close('unbound');
  }

  /** Stops taking submits, lets the window drain (bounded), unbinds and closes. */
  async stop(drainMs = 5000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.healthTimer);
    clearTimeout(this.keepAliveTimer);
    const conn = this.conn;
    if (!conn) {
      this.setState({ kind: 'stopped', since: Date.now() });
      return;
    }
    this.failQueued('bind stopping');
    if (this.current.kind === 'bound') {
      this.setState({ kind: 'unbinding', since: Date.now() });
      const deadline = Date.now() + drainMs;
      while (conn.pendingCount > 0 && !conn.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (!conn.closed) await this.unbindConnection(conn);
    } else conn.close('stopping');
    if (this.current.kind !== 'stopped') this.setState({ kind: 'stopped', since: Date.now() });
  }
}
