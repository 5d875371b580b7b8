/**
 * The SMSC side of one SMPP session, typed: the simulator (and only it) plays an SMSC with this. Requests arrive as
 * typed values with a way to answer them; deliver_sm goes out from typed values too.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { cstring, int, type RawPdu } from './codec.js';
import { STATUS } from './command-status.js';
import { SmppConnection, type CloseReason } from './connection.js';
import { readAddresses, readSubmitBody } from './inbound.js';
import type { SubmitPart } from './submit-part.js';

export type BindKind = 'transmitter' | 'receiver' | 'transceiver';

export interface BindRequest {
  readonly kind: BindKind;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly interfaceVersion: number;
  readonly addrTon: number;
  readonly addrNpi: number;
  readonly addressRange: string;
  respond(status: number): void;
}

/** A request PDU as it came over the wire: what an SMSC's PDU log shows (tests check fields in the raw bytes). */
export interface RawRequest {
  readonly command: string;
  readonly frame: Buffer;
}

/** A submit_sm as the SMSC received it: the same fields the ESME side sends, and its sequence number. */
export interface ReceivedSubmit extends SubmitPart {
  readonly sequence: number;
}

export interface OutgoingDeliver {
  readonly sourceAddr: string;
  readonly sourceTon?: number;
  readonly sourceNpi?: number;
  readonly destAddr: string;
  readonly destTon?: number;
  readonly destNpi?: number;
  readonly esmClass: number;
  readonly dataCoding: number;
  readonly shortMessage: Buffer;
  readonly receiptedMessageId?: string;
  readonly messageState?: number;
  readonly sar?: { readonly ref: number; readonly total: number; readonly seq: number };
  readonly messagePayload?: Buffer;
  /** Further TLVs, encoded (tag, length, value each): an SMSC's own optional parameters. */
  readonly rawTlvs?: Buffer;
}

/** The deliver_sm body of a receipt or an MO, for either side that sends one (the simulator, the SMPP server). */
export function deliverSmFields(d: OutgoingDeliver): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    service_type: '',
    source_addr_ton: d.sourceTon ?? 1,
    source_addr_npi: d.sourceNpi ?? 1,
    source_addr: d.sourceAddr,
    dest_addr_ton: d.destTon ?? 1,
    dest_addr_npi: d.destNpi ?? 1,
    destination_addr: d.destAddr,
    esm_class: d.esmClass,
    data_coding: d.dataCoding,
    short_message: d.shortMessage,
  };
  if (d.receiptedMessageId !== undefined) fields.receipted_message_id = d.receiptedMessageId;
  if (d.messageState !== undefined) fields.message_state = d.messageState;
  if (d.sar) {
    fields.sar_msg_ref_num = d.sar.ref;
    fields.sar_total_segments = d.sar.total;
    fields.sar_segment_seqnum = d.sar.seq;
  }
  if (d.messagePayload) fields.message_payload = d.messagePayload;
  return fields;
}

export interface SmscSessionEvents {
  /** Every request PDU the ESME sent, before it is handled. */
  pdu: [req: RawRequest];
  bind: [req: BindRequest];
  submit: [submit: ReceivedSubmit, respond: (status: number, messageId: string) => void];
  close: [reason: CloseReason];
}

export class SmscSession extends EventEmitter<SmscSessionEvents> {
  private readonly conn: SmppConnection;
  bound: BindKind | undefined;
  systemId = '';
  /** When true, enquire_link and unbind go unanswered too (a hung SMSC). */
  mute = false;
  submitsThisSession = 0;

  constructor(private readonly socket: Socket) {
    super();
    this.conn = new SmppConnection(socket, { closeOnTimeout: false });
    this.conn.on('request', (pdu, frame) => {
      this.emit('pdu', { command: pdu.command, frame });
      this.onRequest(pdu);
    });
    this.conn.on('close', (r) => this.emit('close', r));
  }

  get closed(): boolean {
    return this.conn.closed;
  }

  get canDeliver(): boolean {
    return this.bound === 'receiver' || this.bound === 'transceiver';
  }

  private onRequest(pdu: RawPdu): void {
    if (this.mute) return;
    switch (pdu.command) {
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver': {
        const kind = pdu.command.slice(5) as BindKind;
        this.emit('bind', {
          kind,
          systemId: cstring(pdu, 'system_id'),
          password: cstring(pdu, 'password'),
          systemType: cstring(pdu, 'system_type'),
          interfaceVersion: int(pdu, 'interface_version'),
          addrTon: int(pdu, 'addr_ton'),
          addrNpi: int(pdu, 'addr_npi'),
          addressRange: cstring(pdu, 'address_range'),
          respond: (status) => {
            if (status === STATUS.ESME_ROK) {
              this.bound = kind;
              this.systemId = cstring(pdu, 'system_id');
            }
            this.conn.respond(pdu, status, status === STATUS.ESME_ROK ? { system_id: 'SWITCHBOARDSIM' } : {});
          },
        });
        return;
      }
      case 'enquire_link':
        this.conn.respond(pdu, STATUS.ESME_ROK);
        return;
      case 'unbind':
        this.conn.respond(pdu, STATUS.ESME_ROK);
        this.conn.close('unbind');
        return;
      case 'submit_sm': {
        if (this.bound !== 'transmitter' && this.bound !== 'transceiver') {
          this.conn.respond(pdu, STATUS.ESME_RINVBNDSTS);
          return;
        }
        this.submitsThisSession++;
        const submit: ReceivedSubmit = {
          sequence: pdu.sequence_number,
          ...readAddresses(pdu),
          ...readSubmitBody(pdu),
        };
        this.emit('submit', submit, (status, messageId) =>
          this.conn.respond(pdu, status, status === STATUS.ESME_ROK ? { message_id: messageId } : {}),
        );
        return;
      }
      default:
        this.conn.respond(pdu, STATUS.ESME_RINVCMDID);
    }
  }

  /** Sends a deliver_sm and resolves with the command_status of its response. */
  async deliver(d: OutgoingDeliver, timeoutMs = 10_000): Promise<number> {
    const resp = await this.conn.request('deliver_sm', deliverSmFields(d), timeoutMs, d.rawTlvs);
    return resp.command_status;
  }

  /** Writes bytes that are not a PDU (a length far over any limit), then nothing else. */
  sendGarbage(): void {
    this.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]));
  }

  /** Drops the TCP session without an unbind. */
  drop(): void {
    this.conn.destroy({ kind: 'local', detail: 'simulator dropped the session' });
  }

  unbindAndClose(): void {
    this.conn.close('simulator closing');
  }
}
