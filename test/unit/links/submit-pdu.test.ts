/**
 * The submit_sm of one part (submitPdu), with Kannel's addressing (smsc_smpp.c msg_to_pdu; reference/kannel.md
 * §3.1: source-addr-autodetect, source/dest-addr-ton/npi, esm-class, validity, deferred, dlr-mask).
 */
import { describe, it, expect } from 'vitest';
import type { Link } from '../../../src/domain/link.js';
import type { QueuedMessage } from '../../../src/domain/message.js';
import { destAddress, smppAbsoluteTime, sourceAddress, submitPdu, type EncodedPart } from '../../../src/links/submit-pdu.js';
import { makeLink } from '../domain-builders.js';

type TonNpi = Pick<Link, 'sourceAddrTon' | 'sourceAddrNpi'>;
const AUTO: TonNpi = { sourceAddrTon: undefined, sourceAddrNpi: undefined };

describe("sourceAddress: Kannel's source-addr-autodetect", () => {
  it.each<[string, TonNpi, string, { addr: string; ton: number; npi: number }]>([
    // defaults: national (2), E.164 (1)
    ['digits', AUTO, '4711', { addr: '4711', ton: 2, npi: 1 }],
    ['a long number', AUTO, '46700000001', { addr: '46700000001', ton: 2, npi: 1 }],
    ['leading zeros stay', AUTO, '0046700000001', { addr: '0046700000001', ton: 2, npi: 1 }],
    // +digits: international (1), the + dropped
    ['+digits', AUTO, '+46700000001', { addr: '46700000001', ton: 1, npi: 1 }],
    // anything else: alphanumeric (5), unknown NPI (0), as written
    ['letters', AUTO, 'Bank', { addr: 'Bank', ton: 5, npi: 0 }],
    ['letters and digits', AUTO, 'Shop24', { addr: 'Shop24', ton: 5, npi: 0 }],
    ['a space', AUTO, '47 11', { addr: '47 11', ton: 5, npi: 0 }],
    ['a dash', AUTO, '47-11', { addr: '47-11', ton: 5, npi: 0 }],
    ['+ then letters keeps the +', AUTO, '+Bank', { addr: '+Bank', ton: 5, npi: 0 }],
    ['+ then digits and a letter', AUTO, '+4670a', { addr: '+4670a', ton: 5, npi: 0 }],
    ['non-ASCII digits are not digits', AUTO, '٤٧١١', { addr: '٤٧١١', ton: 5, npi: 0 }],
    // configured TON/NPI (both must be set) replace the defaults; autodetection still applies
    ['configured 1/1, digits', { sourceAddrTon: 1, sourceAddrNpi: 1 }, '4711', { addr: '4711', ton: 1, npi: 1 }],
    ['configured 0/0, digits', { sourceAddrTon: 0, sourceAddrNpi: 0 }, '4711', { addr: '4711', ton: 0, npi: 0 }],
    [
      'configured 3/9, +digits: TON international, NPI kept',
      { sourceAddrTon: 3, sourceAddrNpi: 9 },
      '+4711',
      { addr: '4711', ton: 1, npi: 9 },
    ],
    ['configured 1/1, letters: still alphanumeric', { sourceAddrTon: 1, sourceAddrNpi: 1 }, 'Bank', { addr: 'Bank', ton: 5, npi: 0 }],
    ['only TON configured: ignored', { sourceAddrTon: 5, sourceAddrNpi: undefined }, '4711', { addr: '4711', ton: 2, npi: 1 }],
    ['only NPI configured: ignored', { sourceAddrTon: undefined, sourceAddrNpi: 0 }, '4711', { addr: '4711', ton: 2, npi: 1 }],
  ])('%s: %j', (_what, link, from, expected) => {
    expect(sourceAddress(link, from)).toEqual(expected);
  });
});

describe("destAddress: the link's dest-addr-ton/npi; a leading + is international and dropped", () => {
  it.each<[string, Pick<Link, 'destAddrTon' | 'destAddrNpi'>, string, { addr: string; ton: number; npi: number }]>([
    ['defaults 2/1', { destAddrTon: 2, destAddrNpi: 1 }, '46700000001', { addr: '46700000001', ton: 2, npi: 1 }],
    ['+number', { destAddrTon: 2, destAddrNpi: 1 }, '+46700000001', { addr: '46700000001', ton: 1, npi: 1 }],
    ['configured 1/1', { destAddrTon: 1, destAddrNpi: 1 }, '46700000001', { addr: '46700000001', ton: 1, npi: 1 }],
    ['configured 0/0', { destAddrTon: 0, destAddrNpi: 0 }, '0700000001', { addr: '0700000001', ton: 0, npi: 0 }],
    ['configured NPI kept with +', { destAddrTon: 0, destAddrNpi: 9 }, '+4670', { addr: '4670', ton: 1, npi: 9 }],
    ['only the first + is dropped', { destAddrTon: 2, destAddrNpi: 1 }, '++4670', { addr: '+4670', ton: 1, npi: 1 }],
  ])('%s: %s', (_what, link, to, expected) => {
    expect(destAddress(link, to)).toEqual(expected);
  });
});

describe('smppAbsoluteTime: "YYMMDDhhmmsstnnp" in UTC', () => {
  it.each([
    [Date.UTC(2026, 0, 15, 12, 34, 56), '260115123456000+'],
    [Date.UTC(2000, 0, 1, 0, 0, 0), '000101000000000+'],
    [Date.UTC(1999, 11, 31, 23, 59, 59, 999), '991231235959000+'],
    [Date.UTC(2024, 1, 29, 7, 5, 9), '240229070509000+'],
    [Date.UTC(2109, 8, 3, 10, 0, 0), '090903100000000+'],
    // milliseconds are dropped, never rounded up into the next second
    [Date.UTC(2026, 5, 30, 23, 59, 59, 500), '260630235959000+'],
  ])('%d → %s', (epochMs, expected) => {
    const s = smppAbsoluteTime(epochMs);
    expect(s).toBe(expected);
    expect(s).toHaveLength(16);
  });
});

describe('submitPdu', () => {
  const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
  const msg = (over: Partial<QueuedMessage> = {}): QueuedMessage => ({
    id: 'm1',
    account: 'acme',
    service: 'acme',
    from: '4711',
    to: '+46700000001',
    dataCoding: 0,
    alphabet: 'gsm7',
    body: '',
    priority: 0,
    route: 'r',
    acceptedAt: NOW,
    ...over,
  });
  const part = (over: Partial<EncodedPart> = {}): EncodedPart => ({ shortMessage: Buffer.from('hello'), udhi: false, ...over });
  const link = makeLink('carrier');

  it('fills every field from the link, the message and the part', () => {
    const p = submitPdu(
      link,
      msg({
        binfo: 'CMT',
        protocolId: 0x40,
        priority: 2,
        dataCoding: 8,
        validUntil: NOW + 3_600_000,
        deliverAt: NOW + 60_000,
        dlrMask: 31,
      }),
      part(),
    );
    expect(p).toEqual({
      serviceType: 'CMT',
      sourceAddr: '4711',
      sourceTon: 2,
      sourceNpi: 1,
      destAddr: '46700000001',
      destTon: 1,
      destNpi: 1,
      esmClass: 0x03,
      protocolId: 0x40,
      priorityFlag: 2,
      scheduleDeliveryTime: '260115120100000+',
      validityPeriod: '260115130000000+',
      registeredDelivery: 17,
      dataCoding: 8,
      shortMessage: Buffer.from('hello'),
      sar: undefined,
      messagePayload: undefined,
    });
  });

  it('leaves optional fields empty or zero', () => {
    const p = submitPdu(link, msg(), part());
    expect(p).toMatchObject({
      serviceType: '',
      protocolId: 0,
      priorityFlag: 0,
      scheduleDeliveryTime: '',
      validityPeriod: '',
      registeredDelivery: 0,
    });
  });

  it.each([
    // esm-class 3 (store and forward), UDHI 0x40 and reply path 0x80 ORed in
    [false, undefined, 0x03],
    [true, undefined, 0x43],
    [false, true, 0x83],
    [true, true, 0xc3],
    [false, false, 0x03],
  ] as const)('udhi %s, reply path %s → esm_class %i', (udhi, replyPath, esm) => {
    expect(submitPdu(link, msg(replyPath === undefined ? {} : { replyPath }), part({ udhi })).esmClass).toBe(esm);
  });

  it.each([
    // registered_delivery from the dlr-mask (msg_to_pdu)
    [undefined, 0],
    [0, 0],
    [1, 1],
    [2, 2],
    [3, 1],
    [4, 16],
    [8, 0],
    [16, 0],
    [24, 0],
    [31, 17],
    [-1, 0],
  ])('dlr-mask %j → registered_delivery %d', (dlrMask, expected) => {
    expect(submitPdu(link, msg(dlrMask === undefined ? {} : { dlrMask }), part()).registeredDelivery).toBe(expected);
  });

  it("uses the link's address settings", () => {
    const l = makeLink('x', { sourceAddrTon: 1, sourceAddrNpi: 1, destAddrTon: 1, destAddrNpi: 1 });
    expect(submitPdu(l, msg({ from: '4711', to: '46700000001' }), part())).toMatchObject({
      sourceTon: 1,
      sourceNpi: 1,
      destTon: 1,
      destNpi: 1,
      destAddr: '46700000001',
    });
    expect(submitPdu(l, msg({ from: 'Bank' }), part())).toMatchObject({ sourceAddr: 'Bank', sourceTon: 5, sourceNpi: 0 });
  });

  it('passes SAR and message_payload through', () => {
    const sar = { ref: 7, total: 3, seq: 2 };
    expect(submitPdu(link, msg(), part({ sar })).sar).toEqual(sar);
    const payload = Buffer.from('x'.repeat(300));
    const p = submitPdu(link, msg(), part({ shortMessage: Buffer.alloc(0), messagePayload: payload }));
    expect(p.messagePayload).toBe(payload);
    expect(p.shortMessage.length).toBe(0);
  });
});

describe("submitPdu with a link's unified-prefix, as Kannel 1.4.5 sends it", () => {
  // Measured side by side: Debian's kannel 1.4.5-12 (bearerbox + smsbox) and switchboard, one smsc group with
  // unified-prefix = "+46,0046,0" (default dest-addr-ton/npi), sendsms to each receiver, the simulator's submit_sm.
  const link = makeLink('se', { routing: { unifiedPrefix: '+46,0046,0' } });
  const msg = (to: string): QueuedMessage => ({
    id: 'm1',
    account: 'a',
    service: 'a',
    from: '12345',
    to,
    dataCoding: 0,
    alphabet: 'gsm7',
    body: '',
    priority: 0,
    route: 'r',
    acceptedAt: 0,
  });
  it.each([
    ['0701234567', '46701234567', 1],
    ['0046701234567', '46701234567', 1],
    // no prefix to unify: sent as it came, with the link's dest-addr-ton (national), as Kannel does
    ['46701234567', '46701234567', 2],
    ['+46701234567', '46701234567', 1],
  ])('%s → %s, dest_addr_ton %i', (to, addr, ton) => {
    const p = submitPdu(link, msg(to), { shortMessage: Buffer.from('a'), udhi: false }, 0);
    expect({ addr: p.destAddr, ton: p.destTon, npi: p.destNpi, sourceTon: p.sourceTon }).toEqual({ addr, ton, npi: 1, sourceTon: 2 });
  });
});
