import { describe, expect, it } from 'vitest';
import type { TlvDefinition } from '../../../src/domain/tlv.js';
import {
  declaredTlvValues,
  decodeTlvValue,
  encodeTlv,
  packMetaData,
  parseMetaData,
  readTlvs,
  tlvValueProblem,
} from '../../../src/smpp/tlv.js';
import { encodeSubmitSm } from '../../../src/smpp/submit-codec.js';
import { decodePdu } from '../../../src/smpp/codec.js';

const str: TlvDefinition = { name: 's', tag: 0x1400, type: 'nulterminated', length: 5 };
const oct: TlvDefinition = { name: 'o', tag: 0x1401, type: 'octetstring', length: 3 };
const int2: TlvDefinition = { name: 'i', tag: 0x1402, type: 'integer', length: 2 };

describe("Kannel's meta-data", () => {
  it('reads groups, keys and values, decoding them once more', () => {
    expect(parseMetaData('?smpp?a=1&b=x%20y&?other?k=%C3%A9&')).toEqual({
      ok: true,
      groups: { smpp: { a: '1', b: 'x y' }, other: { k: '\xc3\xa9' } },
    });
    expect(parseMetaData('')).toEqual({ ok: true, groups: {} });
  });

  it('refuses what is not meta-data, saying where', () => {
    expect(parseMetaData('smpp?a=1')).toEqual({ ok: false, problem: 'expected ?group? at "smpp?a=1"' });
    expect(parseMetaData('?smpp?novalue')).toEqual({ ok: false, problem: '"novalue" in group smpp is not key=value' });
    expect(parseMetaData('?smpp')).toMatchObject({ ok: false });
  });

  it('packs as meta_data_pack does, and reads back what it packed', () => {
    const groups = { smpp: { a: 'x y', b: '\x00\xff' } };
    const packed = packMetaData(groups);
    expect(packed).toBe('?smpp?a=x%20y&b=%00%FF&');
    expect(parseMetaData(packed)).toEqual({ ok: true, groups });
  });
});

describe('TLV values', () => {
  it('checks a value against its declaration', () => {
    expect(tlvValueProblem(str, 'abcde')).toBeUndefined();
    expect(tlvValueProblem(str, 'abcdef')).toBe('s takes at most 5 octets; got 6');
    expect(tlvValueProblem(int2, '65535')).toBeUndefined();
    expect(tlvValueProblem(int2, '65536')).toBe('i is an integer of 2 octets; 65536 does not fit');
    expect(tlvValueProblem(int2, '-1')).toBe('i is an integer TLV; "-1" is not an integer');
  });

  it('writes tag, length and value as smpp_pdu.c does, and reads them back', () => {
    expect(encodeTlv(str, 'ab')).toEqual(Buffer.from([0x14, 0x00, 0x00, 0x03, 0x61, 0x62, 0x00]));
    expect(encodeTlv(oct, '\x00\x01')).toEqual(Buffer.from([0x14, 0x01, 0x00, 0x02, 0x00, 0x01]));
    expect(encodeTlv(int2, '513')).toEqual(Buffer.from([0x14, 0x02, 0x00, 0x02, 0x02, 0x01]));
    expect(decodeTlvValue(str, Buffer.from('ab\0'))).toBe('ab');
    expect(decodeTlvValue(int2, Buffer.from([0x02, 0x01]))).toBe('513');
    expect(decodeTlvValue(oct, Buffer.from([0, 1]))).toBe('\x00\x01');
  });
});

describe('TLVs in frames', () => {
  const part = {
    serviceType: '',
    sourceAddr: '4711',
    sourceTon: 1,
    sourceNpi: 1,
    destAddr: '46701234567',
    destTon: 1,
    destNpi: 1,
    esmClass: 3,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    dataCoding: 0,
    shortMessage: Buffer.from('hello'),
    sar: undefined,
    messagePayload: undefined,
  };

  it('encodeSubmitSm appends them; the package decoder reads the frame and a known tag by name', () => {
    // user_message_reference (0x0204, 2 octets) is one the package knows.
    const tlvs = Buffer.concat([encodeTlv({ name: 'umr', tag: 0x0204, type: 'integer', length: 2 }, '258'), encodeTlv(str, 'x')]);
    const frame = encodeSubmitSm({ ...part, tlvs });
    expect(frame.readUInt32BE(0)).toBe(frame.length);
    const pdu = decodePdu(frame);
    expect(pdu['user_message_reference']).toBe(258);
    expect(pdu['short_message']).toEqual(Buffer.from('hello'));
  });

  it('readTlvs finds the optional part of a deliver_sm and a data_sm', () => {
    const submit = encodeSubmitSm({ ...part, tlvs: encodeTlv(str, 'x') });
    const deliver = Buffer.from(submit);
    deliver.writeUInt32BE(0x00000005, 4);
    expect(readTlvs(deliver)).toEqual([{ tag: 0x1400, value: Buffer.from('x\0') }]);
    // data_sm: service_type, addresses, esm_class, registered_delivery, data_coding, then TLVs
    const body = Buffer.concat([
      Buffer.from('\0'),
      Buffer.from([1, 1]),
      Buffer.from('4711\0'),
      Buffer.from([1, 1]),
      Buffer.from('1234\0'),
      Buffer.from([0, 0, 0]),
      encodeTlv(int2, '7'),
    ]);
    const header = Buffer.alloc(16);
    header.writeUInt32BE(16 + body.length, 0);
    header.writeUInt32BE(0x00000103, 4);
    expect(readTlvs(Buffer.concat([header, body]))).toEqual([{ tag: 0x1402, value: Buffer.from([0, 7]) }]);
  });

  it('declaredTlvValues keeps the declared tags only, by name; a value longer than declared is dropped', () => {
    const tlvs = Buffer.concat([
      encodeTlv(str, 'ab'),
      encodeTlv({ ...oct, length: 10 }, 'toolong'),
      Buffer.from([0x15, 0x00, 0x00, 0x01, 0x09]),
    ]);
    const deliver = encodeSubmitSm({ ...part, tlvs });
    deliver.writeUInt32BE(0x00000005, 4);
    expect(declaredTlvValues(deliver, [str, oct])).toEqual({ s: 'ab' });
    expect(declaredTlvValues(deliver, [])).toBeUndefined();
  });
});
