/**
 * The hand-written submit_sm, submit_sm_resp and deliver_sm_resp codec against the smpp package's own encoder and
 * decoder: the same bytes for every shape of submit the gateway sends.
 */
import { describe, expect, it } from 'vitest';
import { decodePdu, encodePdu } from '../../../src/smpp/codec.js';
import { encodeDeliverSmResp, encodeSubmitSm, submitRespMessageId, SubmitEncodeError } from '../../../src/smpp/submit-codec.js';
import { submitFields, type SubmitPart } from '../../../src/smpp/submit-part.js';

const base: SubmitPart = {
  serviceType: '',
  sourceAddr: '12345',
  sourceTon: 2,
  sourceNpi: 1,
  destAddr: '46700000001',
  destTon: 1,
  destNpi: 1,
  esmClass: 3,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  dataCoding: 0,
  shortMessage: Buffer.from('hello', 'latin1'),
  sar: undefined,
  messagePayload: undefined,
};

const packageBytes = (p: SubmitPart, seq: number): Buffer => encodePdu('submit_sm', submitFields(p), seq);

describe('encodeSubmitSm', () => {
  it.each<[string, Partial<SubmitPart>]>([
    ['a plain GSM part', {}],
    ['an alphanumeric sender and a service type', { sourceAddr: 'ACME Ltd', sourceTon: 5, sourceNpi: 0, serviceType: 'WAP' }],
    [
      'times, receipts, priority, protocol id and UCS-2',
      {
        scheduleDeliveryTime: '261201120000000+',
        validityPeriod: '261202120000000+',
        registeredDelivery: 1,
        priorityFlag: 3,
        protocolId: 0x40,
        dataCoding: 8,
        shortMessage: Buffer.from('d09fd180d0b8', 'hex'),
      },
    ],
    [
      'a UDH part (esm_class 0x43)',
      { esmClass: 0x43, shortMessage: Buffer.concat([Buffer.from('050003ab0201', 'hex'), Buffer.alloc(153, 0x41)]) },
    ],
    ['SAR TLVs', { sar: { ref: 0x1234, total: 3, seq: 2 } }],
    ['message_payload with an empty short_message', { shortMessage: Buffer.alloc(0), messagePayload: Buffer.alloc(600, 0x42) }],
    ['254 octets, the most a short_message carries', { dataCoding: 4, shortMessage: Buffer.alloc(254, 0xff) }],
    ['an empty text', { shortMessage: Buffer.alloc(0) }],
  ])('%s: the same bytes as the package', (_what, over) => {
    const part = { ...base, ...over };
    const frame = encodeSubmitSm(part);
    frame.writeUInt32BE(77, 12);
    expect(frame.toString('hex')).toBe(packageBytes(part, 77).toString('hex'));
  });

  it('refuses a short_message over 254 octets (it must be split or go in message_payload)', () => {
    expect(() => encodeSubmitSm({ ...base, shortMessage: Buffer.alloc(255) })).toThrow(SubmitEncodeError);
  });

  it('decodes back with the package to the same fields', () => {
    const frame = encodeSubmitSm({ ...base, sar: { ref: 9, total: 2, seq: 1 } });
    const pdu = decodePdu(frame);
    expect(pdu.command).toBe('submit_sm');
    expect(pdu.destination_addr).toBe('46700000001');
    expect(pdu.sar_msg_ref_num).toBe(9);
    expect(Buffer.from(pdu.short_message as Buffer).toString('latin1')).toBe('hello');
  });
});

describe('submit_sm_resp and deliver_sm_resp', () => {
  it('reads the message id of a submit_sm_resp, with or without its NUL, and none from an error response', () => {
    expect(submitRespMessageId(encodePdu('submit_sm_resp', { message_id: 'abc-123' }, 5))).toBe('abc-123');
    const noNul = Buffer.concat([Buffer.from('0000001a800000040000000000000005', 'hex'), Buffer.from('0123456789', 'latin1')]);
    expect(submitRespMessageId(noNul)).toBe('0123456789');
    expect(submitRespMessageId(encodePdu('submit_sm_resp', {}, 6, 0x58))).toBe('');
  });

  it('writes a deliver_sm_resp the package would write', () => {
    expect(encodeDeliverSmResp(42, 0).toString('hex')).toBe(encodePdu('deliver_sm_resp', { message_id: '' }, 42, 0).toString('hex'));
    expect(encodeDeliverSmResp(43, 0x64).toString('hex')).toBe(encodePdu('deliver_sm_resp', { message_id: '' }, 43, 0x64).toString('hex'));
  });
});
