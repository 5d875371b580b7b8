/**
 * An MO routed to an SMPP account, as the deliver_sm its binds get: the text in the GSM default alphabet (one septet
 * per octet, data_coding 0) when every character has one, else UCS-2 (data_coding 8); binary data as it came, with
 * its data_coding. What the reassembly left of the UDH (ports and the like) goes first, with UDHI. A message longer
 * than one short_message (254 octets) travels whole in message_payload, as SMPP 3.4 §5.3.2.32 allows, rather than
 * split again into parts the client would have to put back together. Pure.
 */
import type { ClientDeliver } from '../domain/client-deliver.js';
import { ESM_CLASS_UDHI, gsm7Encode, ucs2Encode } from '../encoding/index.js';
import type { MoMessage } from './mo-message.js';

const MAX_SHORT_MESSAGE = 254;

export function moDeliver(mo: MoMessage, account: string): ClientDeliver {
  let body: Buffer;
  let dataCoding: number;
  if (mo.coding === 1) {
    body = Buffer.from(mo.binaryHex ?? '', 'hex');
    dataCoding = mo.dataCoding;
  } else {
    const gsm = gsm7Encode(mo.text);
    [body, dataCoding] = gsm.ok ? [gsm.septets, 0x00] : [ucs2Encode(mo.text), 0x08];
  }
  const udh = mo.udhHex === undefined ? undefined : Buffer.from(mo.udhHex, 'hex');
  const whole = udh ? Buffer.concat([udh, body]) : body;
  const base = {
    kind: 'mo' as const,
    account,
    sourceAddr: mo.from,
    destAddr: mo.to,
    esmClass: udh ? ESM_CLASS_UDHI : 0,
    dataCoding,
    protocolId: mo.protocolId,
    serviceType: mo.serviceType,
  };
  return whole.length <= MAX_SHORT_MESSAGE
    ? { ...base, shortMessageHex: whole.toString('hex') }
    : { ...base, shortMessageHex: '', messagePayloadHex: whole.toString('hex') };
}
