/**
 * The PDU codec of the `smpp` package, and nothing else from it. We take its tables (every command and TLV of
 * SMPP 3.4/5.0) and binary encoder, but own framing, sessions and text: its session has no response timeout, leaves
 * callbacks pending forever on disconnect and goes zombie on a parse error (reference/stack.md §2.6), and its text
 * filters silently mangle characters (§2.4). So the message and time filters are turned into pass-throughs here:
 * short_message and message_payload travel as Buffers we encoded, times as the SMPP strings we wrote.
 */
import smpp, { type PDU } from 'smpp';

/** Largest PDU accepted or sent: a 64 KiB message_payload plus headers. */
export const MAX_PDU_BYTES = 70_000;

const passThrough = { encode: (v: unknown) => v, decode: (v: unknown) => v };
smpp.filters.message.encode = passThrough.encode;
smpp.filters.message.decode = passThrough.decode;
smpp.filters.time.encode = passThrough.encode;
smpp.filters.time.decode = passThrough.decode;
smpp.PDU.maxLength = MAX_PDU_BYTES;

export const HEADER_BYTES = 16;

/** A decoded PDU. Only smpp/ sees these; everything else gets typed values (see inbound.ts, bind.ts). */
export type RawPdu = PDU;

export class PduDecodeError extends Error {
  constructor(
    readonly commandId: number,
    readonly sequence: number,
    cause: unknown,
  ) {
    super(`undecodable PDU (command_id 0x${commandId.toString(16)}, sequence ${sequence}): ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'PduDecodeError';
  }
}

export const COMMAND_IDS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(smpp.commands).map(([name, def]) => [name, def.id]),
);

export function isResponseId(commandId: number): boolean {
  return (commandId & 0x80000000) !== 0;
}

export function encodePdu(command: string, fields: Record<string, unknown>, sequence: number, status = 0): Buffer {
  const pdu = new smpp.PDU(command, { ...fields, sequence_number: sequence, command_status: status });
  return pdu.toBuffer();
}

/** Decodes one complete frame; throws PduDecodeError when the body does not parse. */
export function decodePdu(frame: Buffer): RawPdu {
  try {
    const pdu = new smpp.PDU(frame);
    if (typeof pdu.command !== 'string') throw new Error('no command');
    return pdu;
  } catch (e) {
    throw new PduDecodeError(frame.length >= 8 ? frame.readUInt32BE(4) : 0, frame.length >= 16 ? frame.readUInt32BE(12) : 0, e);
  }
}

/** Reads a C-octet-string field defensively: the package leaves whatever it found there. */
export function cstring(pdu: RawPdu, field: string): string {
  const v = pdu[field];
  return typeof v === 'string' ? v : '';
}

export function int(pdu: RawPdu, field: string): number {
  const v = pdu[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function optionalInt(pdu: RawPdu, field: string): number | undefined {
  const v = pdu[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function buffer(pdu: RawPdu, field: string): Buffer | undefined {
  const v = pdu[field];
  return Buffer.isBuffer(v) ? v : undefined;
}
