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
import { encodeDeliverSmResp, SUBMIT_SM_RESP, submitRespMessageId } from './submit-codec.js';

const GENERIC_NACK = 0x80000000;

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
    case 'peer':
      return 'closed by the peer';
    case 'local':
      return r.detail;
    case 'socket-error':
      return `socket error: ${r.detail}`;
    case 'protocol':
      return `protocol error: ${r.detail}`;
    case 'response-timeout':
      return `response timeout: ${r.detail}`;
  }
}

/** The request was written but the connection ended before its response: the peer may or may not have acted on it. */
export class ConnectionClosedError extends Error {
  constructor(
    readonly reason: CloseReason,
    readonly written: boolean,
  ) {
    super(`connection ended before the response (${describeClose(reason)})`);
    this.name = 'ConnectionClosedError';
  }
}

/**
 * One request went unanswered past its deadline while the peer kept answering others: the request is given up on
 * its own (the peer may have acted on it) and the session lives on. Only a peer that answers nothing at all loses
 * the session (see sweep()).
 */
export class ResponseTimeoutError extends Error {
  readonly written = true;
  constructor(readonly detail: string) {
    super(`no response in time (${detail})`);
    this.name = 'ResponseTimeoutError';
  }
}

export interface ConnectionEvents {
  /** A request from the peer (never a response), and its bytes. The listener must answer it with respond(). */
  request: [pdu: RawPdu, frame: Buffer];
  /** A response whose sequence number matches nothing we wait for (late, given up, duplicated, or invented). */
  orphanResponse: [commandId: number, sequence: number];
  close: [reason: CloseReason];
}

/** What a pending request does with its response frame, or with the reason it will never get one. */
interface Pending {
  readonly onResponse: (frame: Buffer) => void;
  readonly onError: (e: ConnectionClosedError | ResponseTimeoutError) => void;
  readonly command: string;
  readonly sentAt: number;
  readonly deadline: number;
}

/** The answer to a submit_sm: its command_status and, when accepted, the SMSC's message id. */
export type SubmitCallback = (err: ConnectionClosedError | ResponseTimeoutError | null, status: number, messageId: string) => void;

export interface ConnectionOptions {
  /** Sweep cadence for response deadlines. */
  readonly sweepIntervalMs?: number;
  /**
   * When a request passes its deadline and the peer has answered nothing since it was sent, end the connection
   * before failing the request: the peer is silent, and a late response must never be honoured after its request
   * was given up (and retried elsewhere). False (the SMSC side): every overdue request fails on its own.
   */
  readonly closeOnTimeout?: boolean;
  /** Any request past its deadline ends the connection, even when the peer answers others (Kannel's wait-ack-expire 0x00). */
  readonly closeOnAnyTimeout?: boolean;
  /**
   * Requests from the peer not answered yet (respond() not called) at which we stop reading it until one is
   * answered; default: no limit.
   */
  readonly maxUnansweredRequests?: number;
}

export class SmppConnection extends EventEmitter<ConnectionEvents> {
  /** Insertion order is send order, so the first entry is always the oldest request. */
  private readonly pending = new Map<number, Pending>();
  private sequence = 0;
  private inbox: Buffer = Buffer.alloc(0);
  private closedWith: CloseReason | undefined;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly closeOnTimeout: boolean;
  private readonly closeOnAnyTimeout: boolean;
  private corked = false;
  /** When the peer last answered anything (any response PDU): proof that it is alive. */
  lastResponseAt = 0;
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
    this.closeOnAnyTimeout = options.closeOnAnyTimeout ?? false;
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
    for (const p of this.pending.values()) return p.sentAt;
    return undefined;
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  private track(
    sequence: number,
    command: string,
    timeoutMs: number,
    onResponse: Pending['onResponse'],
    onError: Pending['onError'],
  ): void {
    const now = Date.now();
    this.pending.set(sequence, { onResponse, onError, command, sentAt: now, deadline: now + timeoutMs });
  }

  /**
   * Sends a request and resolves with its response (whatever its command_status, or a generic_nack). `extraTlvs`
   * (tag, length, value each) go after the fields: TLVs the package's encoder does not know by name.
   */
  request(command: string, fields: Record<string, unknown>, timeoutMs: number, extraTlvs?: Buffer): Promise<RawPdu> {
    if (this.closedWith) return Promise.reject(new ConnectionClosedError(this.closedWith, false));
    const sequence = this.nextSequence();
    let frame: Buffer;
    try {
      frame = encodePdu(command, fields, sequence);
      if (extraTlvs && extraTlvs.length > 0) {
        frame = Buffer.concat([frame, extraTlvs]);
        frame.writeUInt32BE(frame.length, 0);
      }
    } catch (e) {
      return Promise.reject(new Error(`cannot encode ${command}: ${(e as Error).message}`));
    }
    return new Promise<RawPdu>((resolve, reject) => {
      this.track(
        sequence,
        command,
        timeoutMs,
        (resp) => {
          try {
            resolve(decodePdu(resp));
          } catch (e) {
            reject(e as Error);
            this.protocolError((e as Error).message, sequence);
          }
        },
        reject,
      );
      this.write(frame);
    });
  }

  /**
   * Sends a submit_sm frame (from submit-codec.ts) under the next sequence number and calls back once with its
   * command_status and message id (a generic_nack answers with its status and no id), or with the error that ended
   * the wait. No promise and no PDU object per submit: this runs once per message part.
   */
  submit(frame: Buffer, timeoutMs: number, cb: SubmitCallback): void {
    if (this.closedWith) {
      cb(new ConnectionClosedError(this.closedWith, false), 0, '');
      return;
    }
    const sequence = this.nextSequence();
    frame.writeUInt32BE(sequence, 12);
    this.track(
      sequence,
      'submit_sm',
      timeoutMs,
      (resp) => {
        const id = resp.readUInt32BE(4);
        if (id === SUBMIT_SM_RESP) cb(null, resp.readUInt32BE(8), submitRespMessageId(resp));
        else if (id === GENERIC_NACK) cb(null, resp.readUInt32BE(8), '');
        else {
          // Another command's response under a submit's sequence number: the peer is confused, and the submit
          // may or may not have been taken.
          const reason: CloseReason = { kind: 'protocol', detail: `response 0x${id.toString(16)} to a submit_sm` };
          cb(new ConnectionClosedError(reason, true), 0, '');
          this.protocolError(reason.detail, sequence);
        }
      },
      (e) => cb(e, 0, ''),
    );
    this.write(frame);
  }

  /** Answers a request from the peer. */
  respond(req: RawPdu, status: number, fields: Record<string, unknown> = {}): void {
    if (this.closedWith) return;
    if (req.command === 'deliver_sm' && (fields.message_id === undefined || fields.message_id === '')) {
      // Every receipt and MO gets one: written by hand, like submit_sm (submit-codec.ts).
      this.write(encodeDeliverSmResp(req.sequence_number, status));
      this.answered();
      return;
    }
    // A request with no response PDU of its own (outbind, alert_notification, an unknown command) gets a generic_nack.
    const resp = `${req.command}_resp`;
    if (COMMAND_IDS[resp] === undefined) {
      this.write(encodePdu('generic_nack', {}, req.sequence_number, status));
      return;
    }
    this.write(encodePdu(resp, fields, req.sequence_number, status));
    this.answered();
  }

  /** One request of the peer's answered: read again if too many were waiting. */
  private answered(): void {
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
    for (const p of waiting) p.onError(new ConnectionClosedError(reason, true));
    this.emit('close', reason);
  }

  private sweep(): void {
    if (this.pending.size === 0) return;
    const now = Date.now();
    for (const [seq, p] of this.pending) {
      if (p.deadline > now) continue;
      const detail = `no ${p.command}_resp within ${p.deadline - p.sentAt} ms`;
      if (this.closeOnAnyTimeout || (this.closeOnTimeout && this.lastResponseAt <= p.sentAt)) {
        this.destroy({ kind: 'response-timeout', detail });
        return;
      }
      this.pending.delete(seq);
      p.onError(new ResponseTimeoutError(detail));
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
    const commandId = frame.readUInt32BE(4);
    const sequence = frame.readUInt32BE(12);
    // Responses (generic_nack included: its id has the response bit) go to whoever waits for them, undecoded.
    if (isResponseId(commandId)) {
      this.lastResponseAt = Date.now();
      const p = this.pending.get(sequence);
      if (!p) {
        this.emit('orphanResponse', commandId, sequence);
        return;
      }
      this.pending.delete(sequence);
      p.onResponse(frame);
      return;
    }
    let pdu: RawPdu;
    try {
      pdu = decodePdu(frame);
    } catch (e) {
      const seq = e instanceof PduDecodeError ? e.sequence : 0;
      this.protocolError((e as Error).message, seq);
      return;
    }
    if (pdu.command === 'unknown') {
      // An unknown command gets a generic_nack and the session lives on, as SMPP 3.4 §3.3 says.
      this.sendRaw('generic_nack', pdu.sequence_number, STATUS.ESME_RINVCMDID);
      return;
    }
    if (COMMAND_IDS[`${pdu.command}_resp`] !== undefined && ++this.unanswered >= this.maxUnanswered) this.hold('requests');
    this.emit('request', pdu, frame);
  }

  private protocolError(detail: string, sequence: number): void {
    if (this.closedWith) return;
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
