/**
 * The SMSC side of a client ESME's session on the SMPP server, typed: binds, submit_sm / data_sm / submit_multi in,
 * deliver_sm out with a bounded window, enquire_link both ways, and the deadlines a hostile or dead client meets (no
 * bind in time, silence past the inactivity timeout). Only typed values leave smpp/; requests are answered through
 * the callbacks handed out with them. Unlike the simulator's SmscSession, this one is strict about states: nothing
 * but a bind and enquire_link before the bind, no submit on a receiver, no second bind.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { cstring, int, type RawPdu } from './codec.js';
import { STATUS } from './command-status.js';
import { SmppConnection, type CloseReason } from './connection.js';
import { readAddresses, readSubmitBody, type SubmitBody } from './inbound.js';
import { deliverSmFields, type BindKind, type OutgoingDeliver } from './smsc-session.js';

export type { BindKind, OutgoingDeliver };

export interface ClientBind {
  readonly kind: BindKind;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
}

export interface ClientAddress {
  readonly addr: string;
  readonly ton: number;
  readonly npi: number;
}

/** A submit_sm, data_sm or submit_multi from the client, read into typed values (data_sm: no schedule or validity, ""). */
export interface ClientSubmit extends SubmitBody {
  readonly command: 'submit_sm' | 'data_sm' | 'submit_multi';
  readonly source: ClientAddress;
  /** One for submit_sm and data_sm; the SME addresses of a submit_multi. */
  readonly destinations: readonly ClientAddress[];
  /** submit_multi's distribution list names (which the gateway does not have). */
  readonly distributionLists: readonly string[];
}

/** The answer to a submit: its status and, when accepted, the message id; for submit_multi, the refused receivers. */
export interface SubmitAnswer {
  readonly status: number;
  readonly messageId?: string;
  readonly unsuccessful?: readonly (ClientAddress & { readonly status: number })[];
}

export interface ClientSessionOptions {
  /** Ours, in bind_resp. */
  readonly systemId: string;
  /** An enquire_link is sent after this much silence from the client. */
  readonly enquireLinkIntervalMs: number;
  /** The session ends after this much silence (the enquire_link unanswered included). */
  readonly inactivityTimeoutMs: number;
  /** A connection that has not bound within this time is closed. */
  readonly bindTimeoutMs: number;
  /** Submits read and not answered yet at which we stop reading the client (TCP holds it back). */
  readonly maxUnansweredRequests: number;
}

export interface ClientSessionEvents {
  bind: [req: ClientBind, respond: (status: number) => void];
  submit: [submit: ClientSubmit, respond: (answer: SubmitAnswer) => void];
  close: [reason: CloseReason];
}

const BIND_COMMANDS: ReadonlyMap<string, BindKind> = new Map([
  ['bind_transmitter', 'transmitter'],
  ['bind_receiver', 'receiver'],
  ['bind_transceiver', 'transceiver'],
]);

export class ClientSession extends EventEmitter<ClientSessionEvents> {
  private readonly conn: SmppConnection;
  bound: BindKind | undefined;
  systemId = '';
  readonly connectedAt = Date.now();
  boundAt: number | undefined;
  private binding = false;
  private lastRequestAt = Date.now();
  private enquiring = false;
  private readonly timer: NodeJS.Timeout;
  /** Counters for status output. */
  readonly counters = { submits: 0, delivers: 0, deliverFailures: 0 };

  constructor(
    private readonly socket: Socket,
    private readonly opts: ClientSessionOptions,
  ) {
    super();
    this.conn = new SmppConnection(socket, { closeOnTimeout: false, maxUnansweredRequests: opts.maxUnansweredRequests });
    this.conn.on('request', (pdu) => this.onRequest(pdu));
    this.conn.on('close', (r) => {
      clearInterval(this.timer);
      this.emit('close', r);
    });
    const tick = Math.max(50, Math.min(1000, opts.enquireLinkIntervalMs / 2, opts.inactivityTimeoutMs / 4, opts.bindTimeoutMs / 4));
    this.timer = setInterval(() => this.watch(), tick);
    this.timer.unref();
  }

  get closed(): boolean {
    return this.conn.closed;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get remote(): string {
    return this.conn.remote;
  }

  get canReceive(): boolean {
    return !this.closed && (this.bound === 'receiver' || this.bound === 'transceiver');
  }

  get canSubmit(): boolean {
    return this.bound === 'transmitter' || this.bound === 'transceiver';
  }

  /** deliver_sm (and enquire_link) sent and not answered yet. */
  get outstanding(): number {
    return this.conn.pendingCount;
  }

  private lastHeard(): number {
    return Math.max(this.lastRequestAt, this.conn.lastResponseAt);
  }

  private watch(): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.bound) {
      if (now - this.connectedAt >= this.opts.bindTimeoutMs)
        this.conn.destroy({ kind: 'local', detail: `no bind within ${this.opts.bindTimeoutMs} ms` });
      return;
    }
    const silent = now - this.lastHeard();
    if (silent >= this.opts.inactivityTimeoutMs) {
      this.conn.destroy({ kind: 'local', detail: `inactivity: nothing from the client for ${silent} ms` });
      return;
    }
    if (silent >= this.opts.enquireLinkIntervalMs && !this.enquiring) {
      this.enquiring = true;
      // Its failure (no answer) is the inactivity timeout's to act on; the answer itself refreshes lastHeard.
      this.conn
        .request('enquire_link', {}, this.opts.inactivityTimeoutMs)
        .catch(() => undefined)
        .finally(() => {
          this.enquiring = false;
        });
    }
  }

  private onRequest(pdu: RawPdu): void {
    this.lastRequestAt = Date.now();
    const bindKind = BIND_COMMANDS.get(pdu.command);
    if (bindKind) {
      this.onBind(pdu, bindKind);
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        this.conn.respond(pdu, STATUS.ESME_ROK);
        return;
      case 'unbind':
        this.conn.respond(pdu, STATUS.ESME_ROK);
        this.conn.close('unbound by the client');
        return;
      case 'submit_sm':
      case 'data_sm':
      case 'submit_multi':
        this.onSubmit(pdu);
        return;
      default:
        // deliver_sm from a client, query_sm, cancel_sm, replace_sm...: not offered by this server.
        this.conn.respond(pdu, this.bound ? STATUS.ESME_RINVCMDID : STATUS.ESME_RINVBNDSTS);
    }
  }

  private onBind(pdu: RawPdu, kind: BindKind): void {
    if (this.bound || this.binding) {
      this.conn.respond(pdu, STATUS.ESME_RALYBND);
      return;
    }
    this.binding = true;
    const req: ClientBind = {
      kind,
      systemId: cstring(pdu, 'system_id'),
      password: cstring(pdu, 'password'),
      systemType: cstring(pdu, 'system_type'),
    };
    this.emit('bind', req, (status) => {
      this.binding = false;
      if (this.closed) return;
      if (status !== STATUS.ESME_ROK) {
        this.conn.respond(pdu, status);
        // A refused client goes: a new attempt costs it a new connection (and the per-address limits see it).
        this.conn.close('bind refused');
        return;
      }
      this.bound = kind;
      this.boundAt = Date.now();
      this.systemId = req.systemId;
      this.conn.respond(pdu, status, { system_id: this.opts.systemId });
    });
  }

  private onSubmit(pdu: RawPdu): void {
    const command = pdu.command as ClientSubmit['command'];
    if (!this.canSubmit) {
      this.conn.respond(pdu, STATUS.ESME_RINVBNDSTS);
      return;
    }
    // The package reads what it can and leaves the rest unset: a body that ends before its last mandatory field.
    if (pdu[command === 'data_sm' ? 'data_coding' : 'short_message'] === undefined) {
      this.conn.respond(pdu, STATUS.ESME_RINVCMDLEN);
      return;
    }
    this.counters.submits++;
    const destinations: ClientAddress[] = [];
    const distributionLists: string[] = [];
    let source: ClientAddress;
    if (command === 'submit_multi') {
      source = { addr: cstring(pdu, 'source_addr'), ton: int(pdu, 'source_addr_ton'), npi: int(pdu, 'source_addr_npi') };
      const list = pdu['dest_address'];
      for (const d of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
        if (typeof d.dl_name === 'string') distributionLists.push(d.dl_name);
        else
          destinations.push({
            addr: typeof d.destination_addr === 'string' ? d.destination_addr : '',
            ton: typeof d.dest_addr_ton === 'number' ? d.dest_addr_ton : 0,
            npi: typeof d.dest_addr_npi === 'number' ? d.dest_addr_npi : 0,
          });
      }
    } else {
      const a = readAddresses(pdu);
      source = { addr: a.sourceAddr, ton: a.sourceTon, npi: a.sourceNpi };
      destinations.push({ addr: a.destAddr, ton: a.destTon, npi: a.destNpi });
    }
    const submit: ClientSubmit = {
      command,
      ...readSubmitBody(pdu),
      source,
      destinations,
      distributionLists,
    };
    this.emit('submit', submit, (answer) => {
      if (this.closed) return;
      if (answer.status !== STATUS.ESME_ROK) {
        this.conn.respond(pdu, answer.status);
        return;
      }
      const fields: Record<string, unknown> = { message_id: answer.messageId ?? '' };
      if (command === 'submit_multi')
        fields.unsuccess_sme = (answer.unsuccessful ?? []).map((u) => ({
          dest_addr_ton: u.ton,
          dest_addr_npi: u.npi,
          destination_addr: u.addr,
          error_status_code: u.status,
        }));
      this.conn.respond(pdu, STATUS.ESME_ROK, fields);
    });
  }

  /** Sends a deliver_sm and resolves with the command_status of its response; rejects when none comes in time. */
  async deliver(d: OutgoingDeliver, timeoutMs: number): Promise<number> {
    this.counters.delivers++;
    try {
      const resp = await this.conn.request('deliver_sm', deliverSmFields(d), timeoutMs, d.rawTlvs);
      if (resp.command_status !== STATUS.ESME_ROK) this.counters.deliverFailures++;
      return resp.command_status;
    } catch (e) {
      this.counters.deliverFailures++;
      throw e;
    }
  }

  /** Asks the client to unbind (an operator's disconnect, a shutdown), then closes whatever it answers. */
  async unbind(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    await this.conn.request('unbind', {}, timeoutMs).catch(() => undefined);
    this.conn.close('unbound by the server');
  }

  destroy(detail: string): void {
    this.conn.destroy({ kind: 'local', detail });
  }
}
