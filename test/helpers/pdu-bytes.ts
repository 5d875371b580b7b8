/**
 * Reads bind and submit_sm frames byte by byte, as SMPP 3.4 §4.1 and §4.4 lay them out, without the project's
 * codecs or the smpp package: tests check what went over the wire against the specification, not against the code
 * that wrote it.
 */

export interface RawBind {
  readonly commandId: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly interfaceVersion: number;
  readonly addrTon: number;
  readonly addrNpi: number;
  readonly addressRange: string;
}

export interface RawTlv {
  readonly tag: number;
  readonly length: number;
  readonly value: Buffer;
}

export interface RawSubmit {
  readonly serviceType: string;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly sourceAddr: Buffer;
  readonly destTon: number;
  readonly destNpi: number;
  readonly destAddr: string;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly priorityFlag: number;
  readonly scheduleDeliveryTime: string;
  readonly validityPeriod: string;
  readonly registeredDelivery: number;
  readonly dataCoding: number;
  readonly shortMessage: Buffer;
  readonly tlvs: readonly RawTlv[];
}

class Reader {
  at = 16;
  constructor(readonly frame: Buffer) {
    if (frame.readUInt32BE(0) !== frame.length)
      throw new Error(`command_length ${frame.readUInt32BE(0)} is not the frame's ${frame.length}`);
  }
  octet(): number {
    const v = this.frame[this.at];
    if (v === undefined) throw new Error(`frame ends at ${this.at}`);
    this.at++;
    return v;
  }
  cstring(): Buffer {
    const end = this.frame.indexOf(0, this.at);
    if (end < 0) throw new Error(`C-octet string at ${this.at} has no NUL`);
    const v = this.frame.subarray(this.at, end);
    this.at = end + 1;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.at + n > this.frame.length) throw new Error(`${n} octets at ${this.at} run past the frame`);
    const v = this.frame.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
}

export function readBindFrame(frame: Buffer): RawBind {
  const r = new Reader(frame);
  return {
    commandId: frame.readUInt32BE(4),
    systemId: r.cstring().toString('latin1'),
    password: r.cstring().toString('latin1'),
    systemType: r.cstring().toString('latin1'),
    interfaceVersion: r.octet(),
    addrTon: r.octet(),
    addrNpi: r.octet(),
    addressRange: r.cstring().toString('latin1'),
  };
}

export function readSubmitFrame(frame: Buffer): RawSubmit {
  if (frame.readUInt32BE(4) !== 0x00000004) throw new Error(`not a submit_sm: 0x${frame.readUInt32BE(4).toString(16)}`);
  const r = new Reader(frame);
  const serviceType = r.cstring().toString('latin1');
  const sourceTon = r.octet();
  const sourceNpi = r.octet();
  const sourceAddr = Buffer.from(r.cstring());
  const destTon = r.octet();
  const destNpi = r.octet();
  const destAddr = r.cstring().toString('latin1');
  const esmClass = r.octet();
  const protocolId = r.octet();
  const priorityFlag = r.octet();
  const scheduleDeliveryTime = r.cstring().toString('latin1');
  const validityPeriod = r.cstring().toString('latin1');
  const registeredDelivery = r.octet();
  r.octet(); // replace_if_present_flag
  const dataCoding = r.octet();
  r.octet(); // sm_default_msg_id
  const smLength = r.octet();
  const shortMessage = Buffer.from(r.bytes(smLength));
  const tlvs: RawTlv[] = [];
  while (r.at < frame.length) {
    const tag = frame.readUInt16BE(r.at);
    const length = frame.readUInt16BE(r.at + 2);
    r.at += 4;
    tlvs.push({ tag, length, value: Buffer.from(r.bytes(length)) });
  }
  return {
    serviceType,
    sourceTon,
    sourceNpi,
    sourceAddr,
    destTon,
    destNpi,
    destAddr,
    esmClass,
    protocolId,
    priorityFlag,
    scheduleDeliveryTime,
    validityPeriod,
    registeredDelivery,
    dataCoding,
    shortMessage,
    tlvs,
  };
}
