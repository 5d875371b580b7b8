// Types for the subset of the untyped `smpp` package (0.6.0-rc.4) that switchboard uses: its PDU codec and
// its definition tables. Sessions and servers of the package are not used (see connection.ts for why).
declare module 'smpp' {
  export interface PduFields {
    [field: string]: unknown;
  }
  export class PDU {
    constructor(command: string, options?: PduFields);
    constructor(buffer: Buffer);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    command_length: number;
    [field: string]: unknown;
    isResponse(): boolean;
    toBuffer(): Buffer;
    static maxLength: number;
  }
  export interface Filter {
    encode: (this: PDU, value: unknown, skip?: boolean) => unknown;
    decode: (this: PDU, value: unknown, skip?: boolean) => unknown;
  }
  export const filters: { message: Filter; time: Filter; [name: string]: Filter };
  export const commands: Record<string, { id: number; params?: Record<string, unknown> }>;
  export const errors: Record<string, number>;
  export const tlvs: Record<string, { id: number }>;
  export function addTLV(tag: string, options: { id: number; type: unknown }): void;
  const smpp: {
    PDU: typeof PDU;
    filters: typeof filters;
    commands: typeof commands;
    errors: typeof errors;
    tlvs: typeof tlvs;
    addTLV: typeof addTLV;
  };
  export default smpp;
}
