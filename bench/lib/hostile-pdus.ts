/**
 * What a hostile SMSC sends, as data: a seeded stream of actions, each a few PDUs (valid, malformed, or not PDUs
 * at all) and how to write them (in one write, in chunks, a byte per write, slowly). Pure: the same seed gives the
 * same bytes, so a run that found something can be repeated. bench/lib/hostile-smsc.ts writes them to the gateway.
 *
 * The frames are built by hand, not with the smpp package's encoder, because most of them are what no encoder
 * would produce: lengths that lie, fields that run past the end, TLVs that repeat or overflow.
 */
import { COMMAND_IDS } from '../../src/smpp/codec.js';
import type { Dice } from './dice.js';

/** Largest frame the gateway accepts (src/smpp/codec.ts MAX_PDU_BYTES); the fuzzer goes around it on purpose. */
const MAX_PDU_BYTES = 70_000;

function id(command: string): number {
  const v = COMMAND_IDS[command];
  if (v === undefined) throw new Error(`no command ${command}`);
  return v;
}

export const CMD = {
  generic_nack: id('generic_nack'),
  bind_receiver: id('bind_receiver'),
  bind_transmitter: id('bind_transmitter'),
  bind_transceiver: id('bind_transceiver'),
  bind_transceiver_resp: id('bind_transceiver_resp'),
  submit_sm: id('submit_sm'),
  submit_sm_resp: id('submit_sm_resp'),
  deliver_sm: id('deliver_sm'),
  deliver_sm_resp: id('deliver_sm_resp'),
  data_sm: id('data_sm'),
  data_sm_resp: id('data_sm_resp'),
  unbind: id('unbind'),
  unbind_resp: id('unbind_resp'),
  enquire_link: id('enquire_link'),
  enquire_link_resp: id('enquire_link_resp'),
  query_sm: id('query_sm'),
  cancel_sm: id('cancel_sm'),
  replace_sm: id('replace_sm'),
  outbind: id('outbind'),
  alert_notification: id('alert_notification'),
  submit_multi: id('submit_multi'),
} as const;

const KNOWN_IDS = new Set(Object.values(COMMAND_IDS));

/** SMPP 3.4 TLV tags used here. */
export const TLV = {
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  source_port: 0x020a,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  message_state: 0x0427,
  callback_num: 0x0381,
  billing_identification: 0x060b,
  broadcast_area_identifier: 0x0606,
} as const;

/** A PDU header and body; `length` overrides command_length (a frame that lies about its size). */
export function frame(commandId: number, status: number, sequence: number, body: Buffer = Buffer.alloc(0), length?: number): Buffer {
  const b = Buffer.alloc(16 + body.length);
  b.writeUInt32BE((length ?? 16 + body.length) >>> 0, 0);
  b.writeUInt32BE(commandId >>> 0, 4);
  b.writeUInt32BE(status >>> 0, 8);
  b.writeUInt32BE(sequence >>> 0, 12);
  body.copy(b, 16);
  return b;
}

/** A TLV; `length` overrides its length field (one that runs past the end, or stops short). */
export function tlv(tag: number, value: Buffer, length?: number): Buffer {
  const b = Buffer.alloc(4 + value.length);
  b.writeUInt16BE(tag, 0);
  b.writeUInt16BE((length ?? value.length) & 0xffff, 2);
  value.copy(b, 4);
  return b;
}

const cstr = (s: string | Buffer): Buffer => Buffer.concat([typeof s === 'string' ? Buffer.from(s, 'latin1') : s, Buffer.from([0])]);
const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
};

export interface SmFields {
  readonly serviceType?: string;
  readonly sourceTon?: number;
  readonly sourceNpi?: number;
  readonly source: string | Buffer;
  readonly destTon?: number;
  readonly destNpi?: number;
  readonly dest: string | Buffer;
  readonly esmClass: number;
  readonly protocolId?: number;
  readonly registeredDelivery?: number;
  readonly dataCoding: number;
  readonly shortMessage: Buffer;
  /** sm_length as written, when it should not match the bytes that follow. */
  readonly smLength?: number;
  readonly tlvs?: readonly Buffer[];
}

/** service_type and both addresses: how deliver_sm and data_sm bodies start. */
function addresses(f: Omit<SmFields, 'shortMessage' | 'smLength'>): Buffer[] {
  return [
    cstr(f.serviceType ?? ''),
    u8(f.sourceTon ?? 1),
    u8(f.sourceNpi ?? 1),
    cstr(f.source),
    u8(f.destTon ?? 1),
    u8(f.destNpi ?? 1),
    cstr(f.dest),
  ];
}

/** A deliver_sm body, field by field as SMPP 3.4 §4.6.1 lays it out. */
export function deliverSmBody(f: SmFields): Buffer {
  return Buffer.concat([
    ...addresses(f),
    u8(f.esmClass),
    u8(f.protocolId ?? 0),
    u8(0), // priority_flag
    cstr(''), // schedule_delivery_time
    cstr(''), // validity_period
    u8(f.registeredDelivery ?? 0),
    u8(0), // replace_if_present_flag
    u8(f.dataCoding),
    u8(0), // sm_default_msg_id
    u8(f.smLength ?? f.shortMessage.length),
    f.shortMessage,
    ...(f.tlvs ?? []),
  ]);
}

/** A data_sm body (SMPP 3.4 §4.7.1): no short_message, the text travels in message_payload. */
export function dataSmBody(f: Omit<SmFields, 'shortMessage' | 'smLength'>): Buffer {
  return Buffer.concat([...addresses(f), u8(f.esmClass), u8(f.registeredDelivery ?? 0), u8(f.dataCoding), ...(f.tlvs ?? [])]);
}

/** How the bytes of one action reach the socket: each piece after a pause (0: the next turn of the event loop). */
export interface Write {
  readonly bytes: Buffer;
  readonly pauseMs: number;
}

export const ACTION_WEIGHTS = {
  'valid-mo': 10,
  'valid-receipt': 8,
  'valid-data-sm': 3,
  'enquire-link': 4,
  'random-bytes': 2,
  'length-below-header': 1.5,
  'length-huge': 1,
  'header-only': 3,
  'length-longer-than-data': 1.5,
  'length-shorter-than-data': 1.5,
  'truncated-body': 5,
  'unknown-command': 4,
  'orphan-response': 5,
  'duplicate-sequence': 3,
  'absurd-tlv': 8,
  'bad-coding': 8,
  'garbage-receipt': 8,
  'unbind-storm': 0.7,
  'enquire-link-flood': 0.5,
  'deliver-flood': 0.3,
  'deliver-storm': 0.03,
  'generic-nack': 3,
  'unexpected-request': 3,
  'huge-payload': 1,
  'many-in-one-write': 2,
  'read-stall': 0.3,
} as const;

export type ActionKind = keyof typeof ACTION_WEIGHTS;

/** Kinds that can be mixed into one write with others (none of them breaks the framing by itself). */
const BATCHABLE: Readonly<Record<string, number>> = {
  'valid-mo': 10,
  'valid-receipt': 8,
  'enquire-link': 4,
  'truncated-body': 5,
  'unknown-command': 4,
  'orphan-response': 5,
  'duplicate-sequence': 2,
  'absurd-tlv': 6,
  'bad-coding': 8,
  'garbage-receipt': 8,
  'generic-nack': 3,
  'unexpected-request': 3,
};

export interface HostileAction {
  readonly kind: ActionKind;
  /** The PDUs (or would-be PDUs) of the action, each counted as one. */
  readonly frames: readonly Buffer[];
  readonly writes: readonly Write[];
  /** Requests among the frames, each of which a well-behaved gateway answers (for pacing). */
  readonly requests: number;
  /** The gateway is expected to end the session (its framing cannot be trusted any more, or it was unbound). */
  readonly endsSession: boolean;
  /** The SMSC stops reading the gateway for this long while it goes on writing (0: it reads). */
  readonly readStallMs: number;
}

export interface ActionContext {
  /** message_ids this SMSC gave in submit_sm_resp lately, so some receipts match real messages. */
  readonly messageIds: readonly string[];
}

interface Built {
  readonly frames: Buffer[];
  readonly requests: number;
  readonly endsSession?: boolean;
  readonly readStallMs?: number;
}

const STATUSES = [0, 0x01, 0x03, 0x08, 0x0b, 0x14, 0x45, 0x58, 0x64, 0x65, 0xffffffff];

/** The seeded stream of actions. */
export class HostileStream {
  private seq = 0;

  constructor(private readonly dice: Dice) {}

  private nextSeq(): number {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    return this.seq;
  }

  next(ctx: ActionContext): HostileAction {
    const kind = this.dice.weighted(ACTION_WEIGHTS);
    // The plan draws as many values as the bytes are long, and a receipt quoting a real message id is as long as the
    // id: its own source keeps the lengths from shifting the stream.
    const planDice = this.dice.fork();
    const built = this.build(kind, ctx);
    return {
      kind,
      frames: built.frames,
      requests: built.requests,
      endsSession: built.endsSession ?? false,
      readStallMs: built.readStallMs ?? 0,
      writes: this.plan(built.frames, planDice),
    };
  }

  /** Splits the action's bytes into writes: mostly one, sometimes chunks, a byte at a time, or slowly. */
  private plan(frames: readonly Buffer[], d: Dice): Write[] {
    const all = Buffer.concat(frames);
    const r = d.int(0, 999);
    if (r < 30 && all.length <= 2000) return [...all].map((byte) => ({ bytes: Buffer.from([byte]), pauseMs: 0 }));
    if (r < 130 && all.length > 1) {
      const cuts = new Set<number>();
      const n = d.int(1, Math.min(20, all.length - 1));
      for (let i = 0; i < n; i++) cuts.add(d.int(1, all.length - 1));
      const points = [0, ...[...cuts].sort((a, b) => a - b), all.length];
      return points.slice(1).map((end, i) => ({ bytes: all.subarray(points[i]!, end), pauseMs: 0 }));
    }
    if (r < 135 && all.length <= 400) {
      // Slowloris: a few octets at a time with pauses, at most about 300 ms for the whole action.
      const out: Write[] = [];
      for (let at = 0; at < all.length;) {
        const n = d.int(1, 8);
        out.push({
          bytes: all.subarray(at, at + n),
          pauseMs: at === 0 ? 0 : d.int(2, Math.max(2, Math.floor(300 / Math.ceil(all.length / 4)))),
        });
        at += n;
      }
      return out;
    }
    return [{ bytes: all, pauseMs: 0 }];
  }

  private build(kind: ActionKind, ctx: ActionContext): Built {
    const d = this.dice;
    switch (kind) {
      case 'valid-mo':
        return { frames: [this.deliver(this.validMo())], requests: 1 };
      case 'valid-receipt':
        return { frames: [this.deliver(this.validReceipt(ctx))], requests: 1 };
      case 'valid-data-sm':
        return {
          frames: [
            frame(
              CMD.data_sm,
              0,
              this.nextSeq(),
              dataSmBody({
                source: this.msisdn(),
                dest: '4711',
                esmClass: 0,
                dataCoding: 0,
                tlvs: [tlv(TLV.message_payload, Buffer.from(`data ${d.ascii(d.int(0, 300))}`, 'latin1'))],
              }),
            ),
          ],
          requests: 1,
        };
      case 'enquire-link':
        return { frames: [frame(CMD.enquire_link, 0, this.nextSeq())], requests: 1 };
      case 'random-bytes':
        return { frames: [d.bytes(d.int(1, 300))], requests: 0, endsSession: true };
      case 'length-below-header':
        return {
          frames: [
            frame(d.pick([CMD.deliver_sm, CMD.enquire_link, CMD.submit_sm_resp]), 0, this.nextSeq(), d.bytes(d.int(0, 40)), d.int(0, 15)),
          ],
          requests: 0,
          endsSession: true,
        };
      case 'length-huge': {
        const length = d.pick([MAX_PDU_BYTES + 1, 0x0010_0000, 0x7fff_ffff, 0xffff_ffff, d.int(MAX_PDU_BYTES + 1, 0xffff_ffff)]);
        return {
          frames: [frame(d.pick([CMD.deliver_sm, CMD.data_sm, CMD.generic_nack]), 0, this.nextSeq(), d.bytes(d.int(0, 64)), length)],
          requests: 0,
          endsSession: true,
        };
      }
      case 'header-only': {
        // command_length 16 on commands that must have a body (an unbind of 16 octets is a real unbind: not here).
        const cmd = d.pick([
          CMD.deliver_sm,
          CMD.data_sm,
          CMD.submit_sm,
          CMD.bind_transceiver,
          CMD.query_sm,
          CMD.replace_sm,
          CMD.alert_notification,
          CMD.submit_multi,
        ]);
        return { frames: [frame(cmd, 0, this.nextSeq())], requests: cmd === CMD.alert_notification ? 0 : 1 };
      }
      case 'length-longer-than-data': {
        // The frame claims more than follows: the gateway takes the next PDUs as its body and loses the framing.
        const body = deliverSmBody(this.validMo());
        return {
          frames: [frame(CMD.deliver_sm, 0, this.nextSeq(), body, 16 + body.length + d.int(1, 400))],
          requests: 0,
          endsSession: false,
        };
      }
      case 'length-shorter-than-data': {
        // The frame claims less than was written: its tail is read as the next PDU's header.
        const body = deliverSmBody(this.validMo());
        return {
          frames: [frame(CMD.deliver_sm, 0, this.nextSeq(), body, 16 + d.int(0, body.length - 1))],
          requests: 1,
          endsSession: false,
        };
      }
      case 'truncated-body': {
        const body = d.chance(0.5) ? deliverSmBody(this.validMo()) : deliverSmBody(this.validReceipt(ctx));
        const cut = body.subarray(0, d.below(body.length));
        return { frames: [frame(d.chance(0.8) ? CMD.deliver_sm : CMD.data_sm, 0, this.nextSeq(), cut)], requests: 1 };
      }
      case 'unknown-command': {
        let cmd = d.int(0, 0xffff_ffff);
        while (KNOWN_IDS.has(cmd)) cmd = (cmd + 1) >>> 0;
        const body = d.chance(0.5) ? d.bytes(d.int(0, 64)) : Buffer.alloc(0);
        // A request gets a generic_nack; one with the response bit set is a response to nothing.
        return { frames: [frame(cmd, d.pick(STATUSES), this.nextSeq(), body)], requests: cmd & 0x8000_0000 ? 0 : 1 };
      }
      case 'orphan-response': {
        const cmd = d.pick([
          CMD.submit_sm_resp,
          CMD.enquire_link_resp,
          CMD.deliver_sm_resp,
          CMD.bind_transceiver_resp,
          CMD.unbind_resp,
          CMD.data_sm_resp,
        ]);
        const body = cmd === CMD.submit_sm_resp || cmd === CMD.bind_transceiver_resp ? cstr(d.ascii(d.int(0, 70))) : Buffer.alloc(0);
        const seq = d.pick([0, 1, 0x7fff_ffff, 0xffff_ffff, d.int(0, 0xffff_ffff)]);
        return { frames: [frame(cmd, d.pick(STATUSES), seq, body)], requests: 0 };
      }
      case 'duplicate-sequence': {
        const seq = this.nextSeq();
        const n = d.int(2, 6);
        return {
          frames: Array.from({ length: n }, () =>
            frame(CMD.deliver_sm, 0, seq, deliverSmBody(d.chance(0.5) ? this.validMo() : this.validReceipt(ctx))),
          ),
          requests: n,
        };
      }
      case 'absurd-tlv':
        return { frames: [this.deliver({ ...this.validMo(), tlvs: this.absurdTlvs() })], requests: 1 };
      case 'bad-coding':
        return { frames: [this.deliver(this.badCoding())], requests: 1 };
      case 'garbage-receipt':
        return { frames: [this.deliver(this.garbageReceipt(ctx))], requests: 1 };
      case 'unbind-storm': {
        const n = d.int(2, 50);
        return { frames: Array.from({ length: n }, () => frame(CMD.unbind, 0, this.nextSeq())), requests: 1, endsSession: true };
      }
      case 'enquire-link-flood': {
        const n = d.int(50, 500);
        return { frames: Array.from({ length: n }, () => frame(CMD.enquire_link, 0, this.nextSeq())), requests: n };
      }
      case 'deliver-flood': {
        const n = d.int(50, 300);
        return {
          frames: Array.from({ length: n }, () => this.deliver(d.chance(0.7) ? this.validMo() : this.validReceipt(ctx))),
          requests: n,
        };
      }
      case 'deliver-storm': {
        // More deliver_sm at once than the gateway holds unanswered (1000): it must stop reading, not pile them up.
        const n = d.int(1000, 2500);
        return { frames: Array.from({ length: n }, () => this.deliver(this.validMo())), requests: n };
      }
      case 'generic-nack': {
        const n = d.int(1, 5);
        return { frames: Array.from({ length: n }, () => frame(CMD.generic_nack, d.pick(STATUSES), d.int(0, 0xffff_ffff))), requests: 0 };
      }
      case 'unexpected-request': {
        // Requests an SMSC never sends an ESME, with plausible bodies.
        const cmd = d.pick([
          CMD.bind_transceiver,
          CMD.bind_transmitter,
          CMD.bind_receiver,
          CMD.submit_sm,
          CMD.query_sm,
          CMD.cancel_sm,
          CMD.outbind,
          CMD.alert_notification,
          CMD.submit_multi,
        ]);
        const body =
          cmd === CMD.submit_sm
            ? deliverSmBody(this.validMo())
            : cmd === CMD.query_sm || cmd === CMD.cancel_sm
              ? Buffer.concat([cstr(d.ascii(d.int(0, 10))), u8(1), u8(1), cstr(this.msisdn())])
              : Buffer.concat([cstr('SMSC'), cstr('pw'), cstr(''), u8(0x34), u8(0), u8(0), cstr('')]);
        return { frames: [frame(cmd, 0, this.nextSeq(), body)], requests: cmd === CMD.alert_notification || cmd === CMD.outbind ? 0 : 1 };
      }
      case 'huge-payload': {
        // message_payload at the size limit, or a frame just over it (which ends the session).
        const over = d.chance(0.3);
        const size = over ? MAX_PDU_BYTES : d.int(1000, 65_000);
        return {
          frames: [
            this.deliver({
              ...this.validMo(),
              shortMessage: Buffer.alloc(0),
              tlvs: [tlv(TLV.message_payload, Buffer.alloc(size, 0x41), size)],
            }),
          ],
          requests: over ? 0 : 1,
          endsSession: over,
        };
      }
      case 'read-stall': {
        // Writes on while it reads nothing: the gateway's answers back up (it must stop reading, not buffer them).
        const n = d.int(100, 2000);
        return {
          frames: Array.from({ length: n }, () => frame(CMD.enquire_link, 0, this.nextSeq())),
          requests: n,
          readStallMs: d.int(300, 1500),
        };
      }
      case 'many-in-one-write': {
        const n = d.int(10, 100);
        const frames: Buffer[] = [];
        let requests = 0;
        for (let i = 0; i < n; i++) {
          const b = this.build(d.weighted(BATCHABLE) as ActionKind, ctx);
          frames.push(...b.frames);
          requests += b.requests;
        }
        return { frames, requests };
      }
    }
  }

  private deliver(f: SmFields): Buffer {
    return frame(CMD.deliver_sm, 0, this.nextSeq(), deliverSmBody(f));
  }

  private msisdn(): string {
    return `467${String(this.dice.int(0, 99_999_999)).padStart(8, '0')}`;
  }

  private validMo(): SmFields {
    const d = this.dice;
    return {
      source: this.msisdn(),
      dest: '4711',
      esmClass: 0,
      dataCoding: 0,
      shortMessage: Buffer.from(`hello ${d.ascii(d.int(0, 100))}`, 'latin1'),
    };
  }

  private receiptText(id: string, stat: string): string {
    return `id:${id} sub:001 dlvrd:001 submit date:2611211200 done date:2611211201 stat:${stat} err:000 text:`;
  }

  private validReceipt(ctx: ActionContext): SmFields {
    const d = this.dice;
    // Every draw is made whatever the list holds (it depends on timing), so the stream stays the same for a seed.
    const useKnown = d.chance(0.7);
    const knownIndex = d.below(ctx.messageIds.length);
    const invented = String(d.int(1, 9_999_999));
    const known = useKnown ? (ctx.messageIds[knownIndex] ?? invented) : invented;
    const stat = d.pick(['DELIVRD', 'DELIVRD', 'UNDELIV', 'EXPIRED', 'ACCEPTD', 'ENROUTE', 'REJECTD']);
    const tlvs = d.chance(0.5) ? [tlv(TLV.receipted_message_id, cstr(known)), tlv(TLV.message_state, u8(stat === 'DELIVRD' ? 2 : 5))] : [];
    return {
      source: this.msisdn(),
      dest: '12345',
      esmClass: 0x04,
      dataCoding: 0,
      shortMessage: Buffer.from(this.receiptText(known, stat), 'latin1'),
      tlvs,
    };
  }

  private absurdTlvs(): Buffer[] {
    const d = this.dice;
    const out: Buffer[] = [];
    const n = d.int(1, 6);
    for (let i = 0; i < n; i++) {
      switch (d.int(0, 9)) {
        case 0:
          out.push(tlv(TLV.message_payload, d.bytes(d.int(0, 50)), d.int(51, 0xffff)));
          break; // length past the end
        case 1:
          out.push(tlv(TLV.message_payload, d.bytes(d.int(1, 200))), tlv(TLV.message_payload, d.bytes(d.int(1, 200))));
          break; // repeated
        case 2:
          out.push(tlv(TLV.receipted_message_id, Buffer.from(d.ascii(d.int(0, 300)), 'latin1')));
          break; // no NUL, too long
        case 3:
          out.push(tlv(TLV.message_state, Buffer.alloc(0)), tlv(TLV.message_state, u8(d.int(0, 255))));
          break; // empty, then any value
        case 4:
          out.push(tlv(TLV.network_error_code, d.bytes(d.int(0, 12))));
          break; // wrong size
        case 5:
          out.push(tlv(d.int(0x1400, 0xffff), d.bytes(d.int(0, 40))));
          break; // unknown or vendor tag
        case 6:
          out.push(Buffer.from([0x04, 0x24]));
          break; // half a TLV header at the end
        case 7:
          out.push(
            tlv(TLV.sar_total_segments, u8(0)),
            tlv(TLV.sar_segment_seqnum, u8(d.int(0, 255))),
            tlv(TLV.sar_msg_ref_num, u16(d.int(0, 0xffff))),
          );
          break;
        case 8:
          out.push(
            tlv(
              d.pick([
                TLV.callback_num,
                TLV.billing_identification,
                TLV.broadcast_area_identifier,
                TLV.user_message_reference,
                TLV.source_port,
              ]),
              d.bytes(d.int(0, 2)),
            ),
          );
          break; // too short for their decoders
        default:
          out.push(tlv(TLV.message_payload, Buffer.alloc(0)));
          break;
      }
    }
    return out;
  }

  private badCoding(): SmFields {
    const d = this.dice;
    const base = { source: this.msisdn(), dest: '4711' };
    switch (d.int(0, 11)) {
      case 0:
        return { ...base, esmClass: 0, dataCoding: 0x08, shortMessage: d.bytes(d.int(0, 70) * 2 + 1) }; // UCS-2, odd length
      case 1:
        return { ...base, esmClass: 0, dataCoding: 0x08, shortMessage: Buffer.from([0xd8, 0x00, 0x00, 0x41, 0xdc, 0x00, 0xd8, 0x3d]) }; // lone and reversed surrogates, a pair cut at the end
      case 2:
        return {
          ...base,
          esmClass: 0,
          dataCoding: 0x00,
          shortMessage: Buffer.from([...d.bytes(d.int(0, 20))].map((b) => b | 0x80).concat(0x1b)),
        }; // octets above 0x7f, escape at the end
      case 3:
        return { ...base, esmClass: 0, dataCoding: 0x00, shortMessage: Buffer.alloc(d.int(1, 160), 0x1b) }; // only escapes
      case 4:
        return { ...base, esmClass: 0, dataCoding: d.int(0, 255), shortMessage: d.bytes(d.int(0, 254)) }; // any coding, any bytes
      case 5:
        return { ...base, esmClass: 0x40, dataCoding: 0, shortMessage: Buffer.concat([u8(d.int(5, 255)), d.bytes(d.int(0, 6))]) }; // UDH longer than the message
      case 6:
        return { ...base, esmClass: 0x40, dataCoding: 0, shortMessage: Buffer.from([0x05, 0x00, 0x03, d.int(0, 255), 0, 0, 0x41]) }; // concatenation with 0 parts, part 0
      case 7:
        return {
          ...base,
          esmClass: 0x40,
          dataCoding: 0x08,
          shortMessage: Buffer.from([0x06, 0x08, 0x04, d.int(0, 255), d.int(0, 255), 2, 9, 0x00]),
        }; // 16-bit ref, part 9 of 2, odd UCS-2
      case 8:
        return { ...base, esmClass: 0x40, dataCoding: 0, shortMessage: Buffer.from([0x03, 0x00, 0x09, 0x01]) }; // an IE whose length runs past the header
      case 9:
        return { ...base, esmClass: 0, dataCoding: 0, shortMessage: d.bytes(d.int(0, 20)), smLength: d.int(21, 255) }; // sm_length past the end
      case 10:
        return {
          ...base,
          esmClass: 0,
          dataCoding: 0x08,
          shortMessage: d.bytes(10),
          tlvs: [tlv(TLV.message_payload, d.bytes(d.int(1, 301)))],
        }; // both short_message and payload
      default:
        return {
          ...base,
          esmClass: d.int(0, 255),
          dataCoding: d.int(0, 255),
          protocolId: d.int(0, 255),
          shortMessage: d.bytes(d.int(0, 140)),
        };
    }
  }

  private garbageReceipt(ctx: ActionContext): SmFields {
    const d = this.dice;
    const known = ctx.messageIds[d.below(ctx.messageIds.length)] ?? '1';
    const texts = [
      () => d.ascii(d.int(0, 200)),
      () => `id:${d.ascii(d.int(65, 250)).replace(/ /g, '_')} stat:DELIVRD`,
      () => `id:${known} sub:xyz dlvrd:-1 submit date:9999999999 done date:ab stat:${d.ascii(7)} err:${d.ascii(3)} text:`,
      () => 'id: stat: err:',
      () => `stat:DELIVRD id:${known}`,
      () => `id:${known}\u0000${d.ascii(10)} stat:DELIVRD err:000`,
      () => '',
      () =>
        this.receiptText(known, d.pick(['DELIVRD', 'UNDELIV', 'UNKNOWN', 'DELETED', '', 'delivrd', 'DELIVRDDELIVRD'])).repeat(d.int(1, 3)),
    ];
    const text = d.pick(texts)();
    const tlvs: Buffer[] = [];
    if (d.chance(0.5)) tlvs.push(tlv(TLV.receipted_message_id, d.chance(0.5) ? cstr(d.ascii(d.int(0, 80))) : d.bytes(d.int(0, 80))));
    if (d.chance(0.4)) tlvs.push(tlv(TLV.message_state, u8(d.int(0, 255))));
    if (d.chance(0.3)) tlvs.push(tlv(TLV.network_error_code, d.bytes(d.int(0, 6))));
    return {
      source: d.chance(0.2) ? Buffer.from(d.bytes(d.int(0, 30)).map((b) => (b === 0 ? 1 : b))) : this.msisdn(),
      dest: '12345',
      esmClass: d.pick([0x04, 0x04, 0x08, 0x20, 0x24, 0x44]),
      dataCoding: d.pick([0, 0, 0x08, 0x03, 0xf0, d.int(0, 255)]),
      shortMessage: Buffer.from(text, 'latin1'),
      tlvs,
    };
  }
}
