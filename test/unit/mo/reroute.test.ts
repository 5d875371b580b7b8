import { describe, expect, it } from 'vitest';
import type { LinkReroute } from '../../../src/domain/link.js';
import { reroutedText, rerouteTarget } from '../../../src/mo/reroute.js';
import { mo } from './builders.js';

const rr = (over: Partial<LinkReroute>): { reroute: LinkReroute } => ({
  reroute: { all: false, toSmscId: undefined, byReceiver: {}, dlr: false, ...over },
});

describe('rerouteTarget (Kannel route_incoming_to_smsc)', () => {
  it('no reroute keys, or reroute-dlr alone: the MO goes to the services', () => {
    expect(rerouteTarget(mo(), undefined)).toBeUndefined();
    expect(rerouteTarget(mo(), { reroute: undefined })).toBeUndefined();
    expect(rerouteTarget(mo(), rr({ dlr: true }))).toBeUndefined();
  });

  it('reroute keeps the incoming smsc-id and wins over the others; reroute-smsc-id wins over reroute-receiver', () => {
    expect(rerouteTarget(mo({ smscId: 'in' }), rr({ all: true, toSmscId: 'x', byReceiver: { '1234': 'y' } }))).toEqual({
      smscId: 'in',
      rule: 'reroute',
    });
    expect(rerouteTarget(mo(), rr({ toSmscId: 'x', byReceiver: { '1234': 'y' } }))).toEqual({ smscId: 'x', rule: 'reroute-smsc-id' });
  });

  it('reroute-receiver matches the MO receiver exactly', () => {
    expect(rerouteTarget(mo({ to: '1234' }), rr({ byReceiver: { '1234': 'y' } }))).toEqual({ smscId: 'y', rule: 'reroute-receiver' });
    expect(rerouteTarget(mo({ to: '12345' }), rr({ byReceiver: { '1234': 'y' } }))).toBeUndefined();
    expect(rerouteTarget(mo({ to: 'constructor' }), rr({ byReceiver: {} }))).toBeUndefined();
  });
});

describe('reroutedText', () => {
  it('text as UTF-8 (GSM or UCS-2 as it fits), UCS-2 kept UCS-2, data kept data, class and UDH kept', () => {
    expect(reroutedText(mo({ text: 'hi' }))).toEqual({ text: Buffer.from('hi'), charset: 'utf-8' });
    expect(reroutedText(mo({ text: 'hi', dataCoding: 8 }))).toEqual({ text: Buffer.from('hi'), charset: 'utf-8', coding: 2 });
    expect(reroutedText(mo({ coding: 1, binaryHex: '00ff', dataCoding: 4, mclass: 1, udhHex: '0504158a0000' }))).toEqual({
      text: Buffer.from([0, 0xff]),
      coding: 1,
      mclass: 1,
      udh: Buffer.from('0504158a0000', 'hex'),
    });
  });
});
