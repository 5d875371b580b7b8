/**
 * A fake SMSC for `npm run fuzz:smpp`: it accepts the gateway's binds and, in hostile mode, writes the seeded
 * stream of bench/lib/hostile-pdus.ts at it while answering the gateway's own requests badly now and then
 * (generic_nack, error statuses, answers twice or to the wrong sequence, no answer). In valid mode it behaves: every
 * request answered, submits accepted, receipts sent on request, so the end of a run can check that the gateway
 * binds and delivers again. Everything on 127.0.0.1.
 *
 * Written over a plain socket, not with SmppConnection or the simulator: those refuse to write what this must write.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { decodePdu, encodePdu, type RawPdu } from '../../src/smpp/codec.js';
import { Dice } from './dice.js';
import { CMD, deliverSmBody, frame, HostileStream, tlv, TLV, type ActionKind, type HostileAction } from './hostile-pdus.js';

export type SmscMode = 'hostile' | 'valid';

export interface HostileSmscOptions {
  readonly seed: number;
  /** PDUs to write in hostile mode, in all; then the SMSC stops writing on its own. */
  readonly count: number;
  /** Requests written and not answered yet above which the SMSC waits (at most pacingWaitMs) before the next action. */
  readonly window?: number;
  readonly pacingWaitMs?: number;
}

export interface SubmitSeen {
  readonly destAddr: string;
  readonly messageId: string;
  readonly at: number;
}

/** What the SMSC did and saw; the run's report is built from it. */
export interface SmscStats {
  connections: number;
  /** Binds answered ESME_ROK (a session the gateway could use). */
  binds: number;
  bindsRefused: number;
  /** Connections the gateway ended (it closed or reset the socket). */
  closedByGateway: number;
  /** Connections this SMSC ended (after an unbind from the gateway, or at stop). */
  closedBySmsc: number;
  /** PDUs written in hostile mode (valid, malformed or not PDUs at all), the budget that `count` sets. */
  pdus: number;
  bytes: number;
  actions: Partial<Record<ActionKind, number>>;
  /** Answers to the gateway's requests, by what was done. */
  answers: Record<string, number>;
  /** What the gateway sent, by command (and for responses, by command_status). */
  fromGateway: Record<string, number>;
  /** Frames from the gateway this SMSC could not read (a gateway bug if ever non-zero). */
  unreadableFromGateway: number;
  /** Longest time from a session's end to the next bound session, ms (hostile phase). */
  maxRebindMs: number;
  rebindMs: number[];
  /** Times the SMSC waited for the gateway to catch up, and how many of those ran out. */
  pacingWaits: number;
  pacingTimeouts: number;
}

interface Session {
  readonly id: number;
  readonly socket: Socket;
  bound: boolean;
  closed: boolean;
  /** Requests written whose answer has not come back (approximate: a desynchronised gateway eats some). */
  awaiting: number;
  /** generic_nack to everything the gateway asks, for this whole session. */
  nackEverything: boolean;
  inbox: Buffer;
  waiters: Array<() => void>;
}

const ENOUGH_IDS = 1000;

export class HostileSmsc {
  mode: SmscMode = 'valid';
  readonly stats: SmscStats = {
    connections: 0,
    binds: 0,
    bindsRefused: 0,
    closedByGateway: 0,
    closedBySmsc: 0,
    pdus: 0,
    bytes: 0,
    actions: {},
    answers: {},
    fromGateway: {},
    unreadableFromGateway: 0,
    maxRebindMs: 0,
    rebindMs: [],
    pacingWaits: 0,
    pacingTimeouts: 0,
  };
  /** Submits accepted in valid mode. */
  readonly submits: SubmitSeen[] = [];
  private readonly stream: HostileStream;
  /** A second stream for answers: their number depends on timing, and must not shift the action stream. */
  private readonly answerDice: Dice;
  private readonly messageIds: string[] = [];
  /** Answers awaited in valid mode, by sequence number. */
  private readonly expecting = new Map<number, (status: number) => void>();
  private nextMessageId = 1;
  private server: Server | undefined;
  private readonly sessions = new Set<Session>();
  private current: Session | undefined;
  private sessionSeq = 0;
  private lostAt: number | undefined;
  private pumping = false;
  private finished = false;
  private readonly window: number;
  private readonly pacingWaitMs: number;

  constructor(private readonly opts: HostileSmscOptions) {
    this.stream = new HostileStream(new Dice(opts.seed));
    this.answerDice = new Dice(opts.seed ^ 0x5eed_5eed);
    this.window = opts.window ?? 64;
    this.pacingWaitMs = opts.pacingWaitMs ?? 300;
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** A session is bound now. */
  get bound(): boolean {
    return this.current !== undefined && this.current.bound && !this.current.closed;
  }

  get done(): boolean {
    return this.finished;
  }

  async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    this.mode = 'valid';
    for (const s of this.sessions) s.socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Starts writing the hostile stream on the bound session (and on each new one) until the budget is spent. */
  startHostile(): void {
    this.mode = 'hostile';
    void this.pump();
  }

  /** Stops the hostile stream; from now on every request is answered properly. */
  setValid(): void {
    this.mode = 'valid';
  }

  private count(table: Record<string, number>, key: string): void {
    table[key] = (table[key] ?? 0) + 1;
  }

  private accept(socket: Socket): void {
    this.stats.connections++;
    socket.setNoDelay(true);
    const s: Session = {
      id: ++this.sessionSeq,
      socket,
      bound: false,
      closed: false,
      awaiting: 0,
      nackEverything: false,
      inbox: Buffer.alloc(0),
      waiters: [],
    };
    this.sessions.add(s);
    socket.on('data', (chunk: Buffer) => this.onData(s, chunk));
    socket.on('error', () => undefined); // resets from the gateway are expected; 'close' follows
    socket.on('close', () => {
      if (!s.closed) this.stats.closedByGateway++;
      s.closed = true;
      this.sessions.delete(s);
      for (const w of s.waiters.splice(0)) w();
      if (this.current === s) {
        this.current = undefined;
        if (this.mode === 'hostile') this.lostAt = Date.now();
      }
    });
  }

  private endSession(s: Session): void {
    if (s.closed) return;
    s.closed = true;
    this.stats.closedBySmsc++;
    s.socket.end();
    setTimeout(() => s.socket.destroy(), 200).unref();
  }

  private onData(s: Session, chunk: Buffer): void {
    s.inbox = s.inbox.length === 0 ? chunk : Buffer.concat([s.inbox, chunk]);
    while (s.inbox.length >= 16) {
      const length = s.inbox.readUInt32BE(0);
      if (length < 16 || length > 70_000) {
        this.stats.unreadableFromGateway++;
        s.socket.destroy();
        return;
      }
      if (s.inbox.length < length) return;
      const bytes = s.inbox.subarray(0, length);
      s.inbox = s.inbox.subarray(length);
      let pdu: RawPdu;
      try {
        pdu = decodePdu(bytes);
      } catch {
        this.stats.unreadableFromGateway++;
        continue;
      }
      this.onPdu(s, pdu);
    }
  }

  private write(s: Session, b: Buffer): void {
    if (!s.closed) s.socket.write(b);
  }

  private answer(s: Session, what: string, b: Buffer): void {
    this.count(this.stats.answers, what);
    this.write(s, b);
  }

  private onPdu(s: Session, pdu: RawPdu): void {
    const isResponse = (pdu.command_id & 0x8000_0000) !== 0;
    this.count(this.stats.fromGateway, isResponse ? `${pdu.command} 0x${pdu.command_status.toString(16)}` : pdu.command);
    if (isResponse) {
      const waiting = this.expecting.get(pdu.sequence_number);
      if (waiting) {
        this.expecting.delete(pdu.sequence_number);
        waiting(pdu.command_status);
      }
      if (s.awaiting > 0) s.awaiting--;
      if (s.awaiting < this.window / 2) for (const w of s.waiters.splice(0)) w();
      return;
    }
    const hostile = this.mode === 'hostile';
    const d = this.answerDice;
    const seq = pdu.sequence_number;
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver': {
        const resp = `${pdu.command}_resp`;
        if (hostile && d.chance(0.04)) {
          this.stats.bindsRefused++;
          const how = d.int(0, 2);
          if (how === 0) this.answer(s, 'bind refused', encodePdu(resp, {}, seq, 0x0d));
          else if (how === 1) this.answer(s, 'bind generic_nack', frame(CMD.generic_nack, 0x03, seq));
          else this.answer(s, 'bind refused, with a body', frame(CMD.bind_transceiver_resp, 0x0e, seq, Buffer.from('SMSC\0', 'latin1')));
          return;
        }
        this.stats.binds++;
        if (this.lostAt !== undefined) {
          const ms = Date.now() - this.lostAt;
          this.stats.rebindMs.push(ms);
          this.stats.maxRebindMs = Math.max(this.stats.maxRebindMs, ms);
          this.lostAt = undefined;
        }
        s.bound = true;
        s.nackEverything = hostile && d.chance(0.03);
        const systemId = hostile && d.chance(0.1) ? d.ascii(d.int(16, 60)) : 'HOSTILE';
        this.answer(s, 'bind ok', encodePdu(resp, { system_id: systemId }, seq));
        const previous = this.current;
        this.current = s;
        if (previous && previous !== s) this.endSession(previous);
        if (this.mode === 'hostile') void this.pump();
        return;
      }
      case 'unbind':
        this.answer(s, 'unbind ok', encodePdu('unbind_resp', {}, seq));
        this.endSession(s);
        return;
      case 'enquire_link': {
        if (!hostile) return this.answer(s, 'enquire_link ok', encodePdu('enquire_link_resp', {}, seq));
        if (s.nackEverything) return this.answer(s, 'generic_nack (to everything)', frame(CMD.generic_nack, 0x03, seq));
        const r = d.int(0, 99);
        if (r < 85) this.answer(s, 'enquire_link ok', encodePdu('enquire_link_resp', {}, seq));
        else if (r < 90) this.answer(s, 'enquire_link generic_nack', frame(CMD.generic_nack, 0x03, seq));
        else if (r < 95) {
          this.answer(s, 'enquire_link answered twice', encodePdu('enquire_link_resp', {}, seq));
          this.write(s, encodePdu('enquire_link_resp', {}, seq));
        } else if (r < 98) this.answer(s, 'enquire_link error status', frame(CMD.enquire_link_resp, 0x08, seq));
        else this.count(this.stats.answers, 'enquire_link not answered');
        return;
      }
      case 'submit_sm':
        this.onSubmit(s, pdu, hostile);
        return;
      default:
        this.answer(s, `${pdu.command} generic_nack`, frame(CMD.generic_nack, 0x03, seq));
    }
  }

  private newMessageId(): string {
    const id = String(this.nextMessageId++);
    this.messageIds.push(id);
    if (this.messageIds.length > ENOUGH_IDS) this.messageIds.splice(0, this.messageIds.length - ENOUGH_IDS);
    return id;
  }

  private onSubmit(s: Session, pdu: RawPdu, hostile: boolean): void {
    const seq = pdu.sequence_number;
    const destAddr = typeof pdu.destination_addr === 'string' ? pdu.destination_addr : '';
    const accept = (what: string): void => {
      const messageId = this.newMessageId();
      this.answer(s, what, encodePdu('submit_sm_resp', { message_id: messageId }, seq));
      if (!hostile) {
        this.submits.push({ destAddr, messageId, at: Date.now() });
      }
    };
    if (!hostile) return accept('submit ok');
    if (s.nackEverything) return this.answer(s, 'generic_nack (to everything)', frame(CMD.generic_nack, 0x03, seq));
    const d = this.answerDice;
    const r = d.int(0, 999);
    if (r < 700) accept('submit ok');
    else if (r < 760) {
      // Odd message ids: too long, empty, binary.
      const id = d.pick([d.ascii(d.int(65, 200)), '', d.bytes(d.int(1, 30)).toString('latin1').replace(/\0/g, 'x')]);
      this.answer(s, 'submit ok, odd message_id', frame(CMD.submit_sm_resp, 0, seq, Buffer.from(`${id}\0`, 'latin1')));
    } else if (r < 830)
      this.answer(
        s,
        'submit error status',
        frame(CMD.submit_sm_resp, d.pick([0x58, 0x14, 0x08, 0x0b, 0x45, 0x04, 0x0d, d.int(0, 0xffff_ffff)]), seq),
      );
    else if (r < 870) this.answer(s, 'submit generic_nack', frame(CMD.generic_nack, d.pick([0x03, 0x01, 0x08]), seq));
    else if (r < 920) {
      accept('submit answered twice');
      this.write(s, encodePdu('submit_sm_resp', { message_id: this.newMessageId() }, seq));
    } else if (r < 950) this.answer(s, 'submit answered with deliver_sm_resp', frame(CMD.deliver_sm_resp, 0, seq, Buffer.from('\0')));
    else if (r < 975)
      this.answer(
        s,
        'submit ok, with a TLV',
        frame(CMD.submit_sm_resp, 0, seq, Buffer.concat([Buffer.from(`${this.newMessageId()}\0`), tlv(0x0425, Buffer.from([1]))])),
      );
    else if (r < 990)
      this.answer(
        s,
        'submit answered to another sequence',
        encodePdu('submit_sm_resp', { message_id: this.newMessageId() }, (seq + 1) >>> 0),
      );
    else this.count(this.stats.answers, 'submit not answered');
  }

  /**
   * Writes the hostile stream on the bound session until the mode changes or the budget is spent; when the session
   * ends it stops, and the next bind starts it again.
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.mode === 'hostile' && this.stats.pdus < this.opts.count) {
        const s = this.current;
        if (!s || s.closed || !s.bound) break;
        const action = this.stream.next({ messageIds: this.messageIds });
        await this.perform(s, action);
        if (s.awaiting >= this.window) await this.catchUp(s);
      }
    } finally {
      this.pumping = false;
    }
    if (this.stats.pdus >= this.opts.count && !this.finished) {
      this.finished = true;
      this.mode = 'valid';
    }
  }

  /** Waits until the gateway has answered most of what it was sent, or a while (it may have eaten some). */
  private async catchUp(s: Session): Promise<void> {
    this.stats.pacingWaits++;
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<boolean>((r) => s.waiters.push(() => r(true)));
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.pacingWaitMs)));
    const ok = await Promise.race([answered, late]);
    clearTimeout(timer);
    if (!ok) {
      this.stats.pacingTimeouts++;
      s.awaiting = 0;
    }
  }

  private async perform(s: Session, a: HostileAction): Promise<void> {
    this.count(this.stats.actions, a.kind);
    // The budget counts what the stream produced, so a run of COUNT PDUs is the same run whatever was cut short.
    this.stats.pdus += a.frames.length;
    s.awaiting += a.requests;
    if (a.readStallMs > 0) {
      s.socket.pause();
      setTimeout(() => {
        if (!s.closed) s.socket.resume();
      }, a.readStallMs).unref();
    }
    for (const w of a.writes) {
      if (s.closed) return;
      if (w.pauseMs > 0) await new Promise((r) => setTimeout(r, w.pauseMs));
      else if (a.writes.length > 1) await new Promise((r) => setImmediate(r));
      if (s.closed) return;
      this.stats.bytes += w.bytes.length;
      if (!s.socket.write(w.bytes))
        await new Promise<void>((r) => {
          const done = (): void => {
            s.socket.off('drain', done);
            s.socket.off('close', done);
            r();
          };
          s.socket.once('drain', done);
          s.socket.once('close', done);
        });
    }
    if (a.endsSession) {
      // Give the gateway a moment to close; then the pump stops on its own when the session is gone.
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Valid mode: sends a delivery receipt for one of this SMSC's message ids and resolves with the gateway's status. */
  deliverReceipt(messageId: string, to: string, timeoutMs = 5000): Promise<number> {
    const s = this.current;
    if (!s || s.closed || !s.bound) return Promise.reject(new Error('no bound session'));
    const text = `id:${messageId} sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:DELIVRD err:000 text:`;
    const seq = 0x7000_0000 + this.nextMessageId;
    const body = deliverSmBody({
      source: to,
      dest: '12345',
      esmClass: 0x04,
      dataCoding: 0,
      shortMessage: Buffer.from(text, 'latin1'),
      tlvs: [tlv(TLV.receipted_message_id, Buffer.from(`${messageId}\0`)), tlv(TLV.message_state, Buffer.from([2]))],
    });
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.expecting.delete(seq);
        reject(new Error(`no deliver_sm_resp within ${timeoutMs} ms`));
      }, timeoutMs);
      this.expecting.set(seq, (status) => {
        clearTimeout(timer);
        resolve(status);
      });
      this.write(s, frame(CMD.deliver_sm, 0, seq, body));
    });
  }
}
