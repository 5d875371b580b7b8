/**
 * A client ESME for the SMPP server's tests, on the project's own connection and codec (the ESME side that
 * smpp/connection.ts serves): bind, submit, and every deliver_sm recorded and answered with `answerStatus`, or left
 * unanswered when `answerStatus` is undefined.
 */
import { connect } from 'node:net';
import type { RawPdu } from '../../src/smpp/codec.js';
import { SmppConnection } from '../../src/smpp/connection.js';

export type EsmeBindKind = 'transmitter' | 'receiver' | 'transceiver';

export class TestEsme {
  readonly delivers: RawPdu[] = [];
  answerStatus: number | undefined = 0;
  /** Requests from the server other than deliver_sm (enquire_link, unbind). */
  readonly otherRequests: string[] = [];

  private constructor(readonly conn: SmppConnection) {
    conn.on('request', (pdu) => {
      if (pdu.command === 'deliver_sm') {
        this.delivers.push(pdu);
        if (this.answerStatus !== undefined) conn.respond(pdu, this.answerStatus);
        return;
      }
      this.otherRequests.push(pdu.command);
      conn.respond(pdu, 0);
    });
  }

  /** Connects and binds; resolves with the ESME and the bind_resp status (the ESME is closed when it is not 0). */
  static async bind(port: number, kind: EsmeBindKind, systemId: string, password: string): Promise<{ esme: TestEsme; status: number }> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const esme = new TestEsme(new SmppConnection(socket, { closeOnTimeout: false }));
    const resp = await esme.conn.request(`bind_${kind}`, { system_id: systemId, password, system_type: '', interface_version: 0x34 }, 5000);
    return { esme, status: resp.command_status };
  }

  async submit(fields: Record<string, unknown>, command = 'submit_sm'): Promise<RawPdu> {
    return this.conn.request(
      command,
      { source_addr: '4711', destination_addr: '46700000001', short_message: Buffer.from('hello'), ...fields },
      10_000,
    );
  }

  close(): void {
    this.conn.destroy({ kind: 'local', detail: 'test done' });
  }
}

/** The fields of a deliver_sm receipt's text (`id:… stat:…`). */
export function receiptFields(pdu: RawPdu): Record<string, string> {
  const text = (pdu.short_message as Buffer).toString('latin1');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(id|sub|dlvrd|submit date|done date|stat|err|text):(\S*)/g)) out[m[1]!] = m[2]!;
  return out;
}
