/**
 * The SMSC simulator: a real SMPP 3.4 server on a TCP port, playing a persona, recording every submit it receives,
 * and sending delivery receipts and MO messages. Tests, the demo and the benchmarks use it.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { ServerTlsFiles } from '../config/config.js';
import { addPart, decodeShortMessage, EMPTY_REASSEMBLY, type ReassemblyState } from '../encoding/index.js';
import { STATUS } from '../smpp/command-status.js';
import { SmscSession, type OutgoingDeliver, type RawRequest, type ReceivedSubmit } from '../smpp/smsc-session.js';
import { loadServerCredentials, serverTlsOptions } from '../tls/server-credentials.js';
import { personaName, reactToSubmit, type Persona } from './persona.js';

export interface ReceivedMessage extends ReceivedSubmit {
  readonly systemId: string;
  readonly sessionId: number;
  readonly receivedAt: number;
  /** The status the simulator answered with, or undefined when it did not answer. */
  readonly status: number | undefined;
  readonly messageId: string | undefined;
}

export interface SimulatorOptions {
  readonly host?: string;
  readonly port: number;
  readonly persona?: Persona;
  /** 'requested': a receipt when registered_delivery asks for one; 'all': always; 'none'. */
  readonly receipts?: 'requested' | 'all' | 'none';
  readonly receiptDelayMs?: number;
  /** How message ids are written in submit_sm_resp. */
  readonly idFormat?: 'decimal' | 'hex';
  /** How the receipt writes the id: as in the submit_sm_resp, or converted to the other base. */
  readonly receiptIdFormat?: 'same' | 'decimal' | 'hex';
  /** Send the receipt before the submit_sm_resp (a race real SMSCs produce). */
  readonly receiptBeforeResponse?: boolean;
  /** Keep every submit in `received` (tests); benchmarks turn it off and read the counters. */
  readonly record?: boolean;
  /** Speak SMPP over TLS with this certificate and key (read at start). */
  readonly tls?: ServerTlsFiles;
  readonly logger?: Logger;
}

/** One request PDU as the simulator received it, bytes and all (its PDU log). */
export interface LoggedPdu extends RawRequest {
  readonly sessionId: number;
  /** The session's system_id once bound ('' for the bind itself). */
  readonly systemId: string;
  readonly receivedAt: number;
}

export interface SimulatorEvents {
  submit: [msg: ReceivedMessage];
  bind: [systemId: string, kind: string];
}

function smppTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export class SmscSimulator extends EventEmitter<SimulatorEvents> {
  persona: Persona;
  readonly received: ReceivedMessage[] = [];
  /** Every request PDU received (binds, submits, enquire_links...), raw, in order; kept while `record` is on. */
  readonly pduLog: LoggedPdu[] = [];
  readonly counters = {
    binds: 0,
    bindsRefused: 0,
    submits: 0,
    accepted: 0,
    throttled: 0,
    unanswered: 0,
    receiptsSent: 0,
    receiptsFailed: 0,
    tlsHandshakesFailed: 0,
  };
  /** Most submits one session had waiting for their response at once (the client's window, seen from here). */
  maxOutstanding = 0;
  private readonly outstanding = new Map<SmscSession, number>();
  /** Receipts no session could take yet (the ESME was down): sent when one of that system_id binds again, as an SMSC would. */
  private readonly heldReceipts: { systemId: string; deliver: OutgoingDeliver }[] = [];
  private server: Server | undefined;
  private readonly sessions = new Set<SmscSession>();
  private readonly sockets = new Set<Socket>();
  private nextId = 1;
  private sessionSeq = 0;
  private readonly opts: Required<Omit<SimulatorOptions, 'logger' | 'persona' | 'tls'>> & {
    logger: Logger | undefined;
    tls: ServerTlsFiles | undefined;
  };

  constructor(options: SimulatorOptions) {
    super();
    this.persona = options.persona ?? { name: 'happy' };
    this.opts = {
      host: options.host ?? '127.0.0.1',
      port: options.port,
      receipts: options.receipts ?? 'requested',
      receiptDelayMs: options.receiptDelayMs ?? 50,
      idFormat: options.idFormat ?? 'decimal',
      receiptIdFormat: options.receiptIdFormat ?? 'same',
      receiptBeforeResponse: options.receiptBeforeResponse ?? false,
      record: options.record ?? true,
      tls: options.tls,
      logger: options.logger,
    };
  }

  get port(): number {
    const addr = this.server?.address();
    return typeof addr === 'object' && addr ? addr.port : this.opts.port;
  }

  /** Live bound sessions, by kind. */
  boundSessions(): { systemId: string; kind: string }[] {
    return [...this.sessions].filter((s) => s.bound && !s.closed).map((s) => ({ systemId: s.systemId, kind: s.bound ?? '' }));
  }

  async start(): Promise<void> {
    const { tls } = this.opts;
    let server: Server;
    if (tls) {
      const tlsServer = createTlsServer(serverTlsOptions(loadServerCredentials(tls)), (socket) => this.accept(socket));
      tlsServer.on('tlsClientError', (e, socket) => {
        this.counters.tlsHandshakesFailed++;
        this.opts.logger?.warn(
          { err: e.message, remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` },
          'TLS handshake failed',
        );
      });
      server = tlsServer;
    } else server = createServer((socket) => this.accept(socket));
    // The TCP sockets too (with TLS they are not the sessions' sockets), so kill() also drops handshakes.
    server.on('connection', (socket: Socket) => this.track(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.opts.logger?.info(
      { port: this.port, host: this.opts.host, tls: tls !== undefined, persona: personaName(this.persona) },
      'SMSC simulator listening',
    );
  }

  /** Stops listening and unbinds every session (a clean SMSC shutdown). */
  async stop(): Promise<void> {
    for (const s of this.sessions) s.unbindAndClose();
    await this.closeServer();
  }

  /** Stops listening and drops every TCP session at once (an SMSC crash). */
  async kill(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await this.closeServer();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
  }

  private formatId(n: number, format: 'decimal' | 'hex'): string {
    return format === 'hex' ? n.toString(16).toUpperCase() : String(n);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private accept(socket: Socket): void {
    this.track(socket);
    const session = new SmscSession(socket);
    const sessionId = ++this.sessionSeq;
    this.sessions.add(session);
    session.on('close', () => {
      this.sessions.delete(session);
      this.outstanding.delete(session);
    });
    session.on('pdu', (req) => {
      if (this.opts.record) this.pduLog.push({ ...req, sessionId, systemId: session.systemId, receivedAt: Date.now() });
    });
    session.on('bind', (req) => {
      if (this.persona.name === 'bind-refused') {
        this.counters.bindsRefused++;
        req.respond(this.persona.status);
        return;
      }
      this.counters.binds++;
      req.respond(STATUS.ESME_ROK);
      if (this.persona.name === 'hang') session.mute = true;
      this.opts.logger?.info({ systemId: req.systemId, kind: req.kind, session: sessionId }, 'bound');
      this.emit('bind', req.systemId, req.kind);
      if (req.kind !== 'transmitter') setTimeout(() => this.flushHeld(req.systemId), 50).unref();
    });
    session.on('submit', (submit, respond) => this.onSubmit(session, sessionId, submit, respond));
  }

  private onSubmit(
    session: SmscSession,
    sessionId: number,
    submit: ReceivedSubmit,
    respondNow: (status: number, id: string) => void,
  ): void {
    const index = ++this.counters.submits;
    const waiting = (this.outstanding.get(session) ?? 0) + 1;
    this.outstanding.set(session, waiting);
    this.maxOutstanding = Math.max(this.maxOutstanding, waiting);
    const respond = (status: number, id: string): void => {
      this.outstanding.set(session, (this.outstanding.get(session) ?? 1) - 1);
      respondNow(status, id);
    };
    const reaction = reactToSubmit(this.persona, index, session.submitsThisSession, submit.destAddr);
    let status: number | undefined;
    let messageId: string | undefined;
    switch (reaction.kind) {
      case 'respond': {
        status = reaction.status;
        if (status === STATUS.ESME_ROK) {
          const n = this.nextId++;
          messageId = this.formatId(n, this.opts.idFormat);
          this.counters.accepted++;
          const wantsReceipt =
            this.opts.receipts === 'all' || (this.opts.receipts === 'requested' && (submit.registeredDelivery & 0x03) !== 0);
          if (wantsReceipt)
            this.scheduleReceipt(session, submit, n, this.opts.receiptBeforeResponse ? 0 : reaction.delayMs + this.opts.receiptDelayMs);
        } else if (status === STATUS.ESME_RTHROTTLED) this.counters.throttled++;
        const answer = (): void => respond(status ?? STATUS.ESME_RSYSERR, messageId ?? '');
        if (this.opts.receiptBeforeResponse && messageId !== undefined) setTimeout(answer, reaction.delayMs + 100);
        else if (reaction.delayMs > 0) setTimeout(answer, reaction.delayMs);
        else answer();
        break;
      }
      case 'ignore':
        this.counters.unanswered++;
        break;
      case 'disconnect':
        this.counters.unanswered++;
        session.drop();
        break;
      case 'garbage':
        this.counters.unanswered++;
        session.sendGarbage();
        break;
    }
    const msg: ReceivedMessage = { ...submit, systemId: session.systemId, sessionId, receivedAt: Date.now(), status, messageId };
    if (this.opts.record) this.received.push(msg);
    this.emit('submit', msg);
  }

  private scheduleReceipt(from: SmscSession, submit: ReceivedSubmit, n: number, delayMs: number): void {
    const systemId = from.systemId;
    setTimeout(() => {
      const fmt = this.opts.receiptIdFormat === 'same' ? this.opts.idFormat : this.opts.receiptIdFormat;
      const id = this.formatId(n, fmt);
      const now = smppTime(new Date());
      const text = `id:${id} sub:001 dlvrd:001 submit date:${now} done date:${now} stat:DELIVRD err:000 text:`;
      this.sendReceipt(systemId, {
        sourceAddr: submit.destAddr,
        destAddr: submit.sourceAddr,
        esmClass: 0x04,
        dataCoding: 0,
        shortMessage: Buffer.from(text, 'latin1'),
        receiptedMessageId: id,
        messageState: 2,
      });
    }, delayMs).unref();
  }

  private sendReceipt(systemId: string, d: OutgoingDeliver): void {
    const target = [...this.sessions].find((s) => s.canDeliver && !s.closed && s.systemId === systemId);
    if (!target) {
      this.heldReceipts.push({ systemId, deliver: d });
      return;
    }
    target.deliver(d).then(
      (status) => {
        if (status === STATUS.ESME_ROK) this.counters.receiptsSent++;
        else {
          this.counters.receiptsFailed++;
          this.heldReceipts.push({ systemId, deliver: d });
        }
      },
      () => this.heldReceipts.push({ systemId, deliver: d }),
    );
  }

  /** Receipts waiting for this system_id, now that it is bound again. */
  private flushHeld(systemId: string): void {
    const due = this.heldReceipts.filter((h) => h.systemId === systemId);
    if (due.length === 0) return;
    this.heldReceipts.splice(0, this.heldReceipts.length, ...this.heldReceipts.filter((h) => h.systemId !== systemId));
    for (const h of due) this.sendReceipt(h.systemId, h.deliver);
  }

  /**
   * Sends a deliver_sm (an MO message, or a hand-made receipt) on a bound receiver or transceiver session,
   * optionally of one system_id; resolves with the gateway's answer.
   */
  async deliver(d: OutgoingDeliver, systemId?: string): Promise<number> {
    const target = [...this.sessions].find((s) => s.canDeliver && !s.closed && (systemId === undefined || s.systemId === systemId));
    if (!target) throw new Error('no bound receiver or transceiver session to deliver on');
    return target.deliver(d);
  }

  /**
   * The messages the accepted submits make once concatenated parts are put back together (UDH 8/16-bit, SAR,
   * or message_payload), as a handset would show them. Parts accepted twice count once.
   */
  reassembled(): { to: string; from: string; text: string; parts: number; ref: number | undefined }[] {
    let state: ReassemblyState = EMPTY_REASSEMBLY;
    const out: { to: string; from: string; text: string; parts: number; ref: number | undefined }[] = [];
    for (const m of this.received) {
      if (m.status !== STATUS.ESME_ROK) continue;
      const body = m.shortMessage.length === 0 && m.messagePayload ? m.messagePayload : m.shortMessage;
      const d = decodeShortMessage({
        dataCoding: m.dataCoding,
        esmClass: m.esmClass,
        shortMessage: body,
        ...(m.sar ? { sar: m.sar } : {}),
      });
      if (!d.concat) {
        out.push({ to: m.destAddr, from: m.sourceAddr, text: d.text, parts: 1, ref: undefined });
        continue;
      }
      const r = addPart(
        state,
        {
          source: m.sourceAddr,
          destination: m.destAddr,
          ref: d.concat.ref,
          total: d.concat.total,
          seq: d.concat.seq,
          refBits: d.concat.refBits,
          text: d.text,
        },
        m.receivedAt,
      );
      state = r.state;
      if (r.complete) out.push({ to: m.destAddr, from: m.sourceAddr, text: r.complete.text, parts: r.complete.total, ref: r.complete.ref });
    }
    return out;
  }

  /** Changes behaviour on the fly (e.g. a healthy SMSC turning black-hole). Hang mutes live sessions too. */
  setPersona(p: Persona): void {
    this.persona = p;
    for (const s of this.sessions) s.mute = p.name === 'hang';
    this.opts.logger?.info({ persona: personaName(p) }, 'persona changed');
  }
}
