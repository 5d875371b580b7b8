/**
 * One SMPP connection over a TCP socket, for either side (our ESME binds and the simulator's SMSC sessions):
 * framing with a length check, sequence numbers, requests matched to responses with a deadline, and every pending
 * request failed when the connection ends. Written over a plain socket rather than the package's Session because
 * that one has none of these (reference/stack.md §2.6). Garbage never desynchronises us: a bad length or an
 * undecodable body ends the connection.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { COMMAND_IDS, HEADER_BYTES, MAX_PDU_BYTES, PduDecodeError, decodePdu, encodePdu, isResponseId, type RawPdu } from './codec.js';
import { STATUS } from './command-status.js';

/** Our output the peer has not taken yet, above which we stop reading it (see hold). */
const MAX_UNSENT_BYTES = 1 << 20;

export type CloseReason =
  | { readonly kind: 'local'; readonly detail: string }
  | { readonly kind: 'peer' }
  | { readonly kind: 'socket-error'; readonly detail: string }
  | { readonly kind: 'protocol'; readonly detail: string }
  | { readonly kind: 'response-timeout'; readonly detail: string };

export function describeClose(r: CloseReason): string {
  switch (r.kind) {
    case 'peer': return 'closed by the peer';
    case 'local': return r.detail;
    case 'socket-error': return `socket error: ${r.detail}`;
    case 'protocol': return `protocol error: ${r.detail}`;
    case 'response-timeout': return `response timeout: ${r.detail}`;
  }
}

/** The request was written but the connection ended before its response: the peer may or may not have acted on it. */
export class ConnectionClosedError extends Error {
  constructor(readonly reason: CloseReason, readonly written: boolean) {
    super(`connection ended before the response (${describeClose(reason)})`);
    this.name = 'ConnectionClosedError';
  }
}

export interface ConnectionEvents {
  /** A request from the peer (never a response). The listener must answer it with respond(). */
  request: [pdu: RawPdu];
  /** A response whose sequence number matches nothing we sent (late, duplicated, or invented). */
  orphanResponse: [pdu: RawPdu];
  close: [reason: CloseReason];
}

interface Pending {
  readonly resolve: (pdu: RawPdu) => void;
  readonly reject: (e: Error) => void;
  readonly command: string;
  readonly sentAt: number;
  readonly deadline: number;
}

export interface ConnectionOptions {
  /** Sweep cadence for response deadlines. */
  readonly sweepIntervalMs?: number;
  /**
   * On any response timeout, end the connection before failing the request, so a late response can never be
   * honoured after its request has been given up (and retried elsewhere).
   */
  readonly closeOnTimeout?: boolean;
  /**
   * Requests from the peer not answered yet (respond() not called) at which we stop reading it until one is
   * answered; default: no limit.
   */
  readonly maxUnansweredRequests?: number;
}

export class SmppConnection extends EventEmitter<ConnectionEvents> {
  private readonly pending = new Map<number, Pending>();
  private sequence = 0;
  private inbox: Buffer = Buffer.alloc(0);
  private closedWith: CloseReason | undefined;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly closeOnTimeout: boolean;
  private corked = false;
  /** Why we are not reading the peer now (see hold). */
  private readonly holds = new Set<'output' | 'requests'>();
  /** Requests from the peer that respond() has not answered yet. */
  private unanswered = 0;
  private readonly maxUnanswered: number;

  constructor(
    private readonly socket: Socket,
    options: ConnectionOptions = {},
  ) {
    super();
    this.closeOnTimeout = options.closeOnTimeout ?? true;
    this.maxUnanswered = options.maxUnansweredRequests ?? Number.POSITIVE_INFINITY;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.end({ kind: 'socket-error', detail: e.message }));
    socket.on('close', () => this.end({ kind: 'peer' }));
    socket.on('end', () => this.end({ kind: 'peer' }));
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 50);
    this.sweepTimer.unref();
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  get closeReason(): CloseReason | undefined {
    return this.closedWith;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Send time of the oldest request still waiting for its response. */
  oldestPendingSentAt(): number | undefined {
    let oldest: number | undefined;
    for (const p of this.pending.values()) if (oldest === undefined || p.sentAt < oldest) oldest = p.sentAt;
    return oldest;
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /** Sends a request and resolves with its response (whatever its command_status, or a generic_nack). */
  request(command: string, fields: Record<string, unknown>, timeoutMs: number): Promise<RawPdu> {
    if (this.closedWith) return Promise.reject(new ConnectionClosedError(this.closedWith, false));
    const sequence = this.nextSequence();
    let frame: Buffer;
    try {
      frame = encodePdu(command, fields, sequence);
    } catch (e) {
      return Promise.reject(new Error(`cannot encode ${command}: ${(e as Error).message}`));
    }
    return new Promise<RawPdu>((resolve, reject) => {
      const now = Date.now();
      this.pending.set(sequence, { resolve, reject, command, sentAt: now, deadline: now + timeoutMs });
      this.write(frame);
    });
  }

  /** Answers a request from the peer. */
  respond(req: RawPdu, status: number, fields: Record<string, unknown> = {}): void {
    if (this.closedWith) return;
    // A request with no response PDU of its own (outbind, alert_notification, an unknown command) gets a generic_nack.
    const resp = `${req.command}_resp`;
    if (COMMAND_IDS[resp] === undefined) {
      this.write(encodePdu('generic_nack', {}, req.sequence_number, status));
      return;
    }
    this.write(encodePdu(resp, fields, req.sequence_number, status));
    if (this.unanswered > 0) this.unanswered--;
    if (this.unanswered < this.maxUnanswered) this.release('requests');
  }

  /** Writes a request we expect no answer to (e.g. a generic_nack for a frame we could not read). */
  sendRaw(command: string, sequence: number, status: number): void {
    if (this.closedWith) return;
    this.write(encodePdu(command, {}, sequence, status));
  }

  /**
   * Writes are gathered for the rest of the tick and leave in one system call: a window of submits (or their
   * responses, on the SMSC side) then costs one write, not one each (measured: socket writes were a fifth of the
   * links process's CPU).
   */
  private write(frame: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        if (!this.corked) return;
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    if (this.socket.writableLength > MAX_UNSENT_BYTES && !this.holds.has('output')) {
      this.hold('output');
      this.socket.once('drain', () => this.release('output'));
    }
  }

  /**
   * Stops reading the peer, and handling what was read, while it has not taken our output ('output') or has too
   * many requests waiting for our answers ('requests'). Otherwise an SMSC that writes and never reads has us
   * buffer every answer (enquire_link flooded without reading took a bind to 1.4 GB in 15 s), and one that floods
   * deliver_sm ignoring any window has us hold them all (250 000 in 6 s: 2.6 GB, and answers stopped), without
   * bound and still "bound". TCP holds the peer back instead; if nothing is read for long, the keep-alive's response
   * timeout ends the session.
   */
  private hold(reason: 'output' | 'requests'): void {
    if (this.holds.has(reason)) return;
    this.holds.add(reason);
    this.socket.pause();
  }

  private release(reason: 'output' | 'requests'): void {
    if (!this.holds.delete(reason) || this.holds.size > 0 || this.closedWith) return;
    this.socket.resume();
    // Frames read before the hold and not handled yet; not from here, where a dispatch may be on the stack.
    if (this.inbox.length > 0) setImmediate(() => this.onData(Buffer.alloc(0)));
  }

  /** Ends the connection gracefully (pending writes flush); pending requests fail. */
  close(detail: string): void {
    this.end({ kind: 'local', detail });
    this.socket.end();
  }

  /** Ends the connection now (what was already written this tick still goes out first). */
  destroy(reason: CloseReason): void {
    this.end(reason);
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
    this.socket.destroy();
  }

  private end(reason: CloseReason): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    clearInterval(this.sweepTimer);
    this.inbox = Buffer.alloc(0);
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(new ConnectionClosedError(reason, true));
    this.emit('close', reason);
  }

  private sweep(): void {
    if (this.pending.size === 0) return;
    const now = Date.now();
    for (const [seq, p] of this.pending) {
      if (p.deadline > now) continue;
      const detail = `no ${p.command}_resp within ${p.deadline - p.sentAt} ms`;
      if (this.closeOnTimeout) {
        this.destroy({ kind: 'response-timeout', detail });
        return;
      }
      this.pending.delete(seq);
      p.reject(new ConnectionClosedError({ kind: 'response-timeout', detail }, true));
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closedWith) return;
    this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk]);
    let offset = 0;
    while (this.inbox.length - offset >= HEADER_BYTES && this.holds.size === 0) {
      const length = this.inbox.readUInt32BE(offset);
      if (length < HEADER_BYTES || length > MAX_PDU_BYTES) {
        this.protocolError(`command_length ${length} is outside ${HEADER_BYTES}..${MAX_PDU_BYTES}`, this.inbox.readUInt32BE(offset + 12));
        return;
      }
      if (this.inbox.length - offset < length) break;
      const frame = this.inbox.subarray(offset, offset + length);
      offset += length;
      this.dispatch(frame);
      if (this.closedWith) return;
    }
    this.inbox = offset === this.inbox.length ? Buffer.alloc(0) : this.inbox.subarray(offset);
  }

  private dispatch(frame: Buffer): void {
    let pdu: RawPdu;
    try {
      pdu = decodePdu(frame);
    } catch (e) {
      const seq = e instanceof PduDecodeError ? e.sequence : 0;
      this.protocolError((e as Error).message, seq);
      return;
    }
    if (isResponseId(pdu.command_id) || pdu.command === 'generic_nack') {
      const p = this.pending.get(pdu.sequence_number);
      if (!p) {
        this.emit('orphanResponse', pdu);
        return;
      }
      this.pending.delete(pdu.sequence_number);
      p.resolve(pdu);
      return;
    }
    if (pdu.command === 'unknown') {
      // An unknown command gets a generic_nack and the session lives on, as SMPP 3.4 §3.3 says.
      this.sendRaw('generic_nack', pdu.sequence_number, STATUS.ESME_RINVCMDID);
      return;
    }
    if (COMMAND_IDS[`${pdu.command}_resp`] !== undefined && ++this.unanswered >= this.maxUnanswered) this.hold('requests');
    this.emit('request', pdu);
  }

  private protocolError(detail: string, sequence: number): void {
    // Tell the peer why, then stop reading: framing can no longer be trusted.
    try {
      this.socket.write(encodePdu('generic_nack', {}, sequence, STATUS.ESME_RINVCMDLEN));
    } catch {
      // The socket may already be gone; the close below is what matters.
    }
    this.end({ kind: 'protocol', detail });
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 200).unref();
  }
}
