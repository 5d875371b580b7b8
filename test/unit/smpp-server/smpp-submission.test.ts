import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src/domain/account.js';
import type { ClientSubmit } from '../../../src/smpp/client-session.js';
import { acceptAnswer, SERVER_STATUS } from '../../../src/smpp-server/server-status.js';
import { smppSubmission } from '../../../src/smpp-server/smpp-submission.js';

const ACCOUNT: Account = {
  username: 'esme',
  password: 'x',
  name: 'esme',
  defaultSmsc: undefined,
  forcedSmsc: undefined,
  defaultSender: undefined,
  fakedSender: undefined,
  maxMessages: 10,
  allowIp: [],
  denyIp: [],
  callbackAllow: [],
  allowedPrefix: [],
  deniedPrefix: [],
};
const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

function submit(over: Partial<ClientSubmit> = {}): ClientSubmit {
  return {
    command: 'submit_sm',
    serviceType: '',
    source: { addr: '4711', ton: 1, npi: 1 },
    destinations: [{ addr: '46700000001', ton: 1, npi: 1 }],
    distributionLists: [],
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    dataCoding: 0,
    shortMessage: Buffer.from('hello'),
    messagePayload: undefined,
    sar: undefined,
    ...over,
  };
}

describe('smppSubmission', () => {
  it('a plain submit_sm: GSM text, no receipt, no times', () => {
    const r = smppSubmission(submit(), ACCOUNT, NOW);
    expect(r.ok && r.submission).toMatchObject({ from: '4711', receivers: ['46700000001'], dlrMask: undefined, callbackUrl: undefined });
    expect(r.ok && r.submission.text).toMatchObject({ coding: 0, charset: 'utf-8' });
    expect(r.ok && r.submission.text.text.toString()).toBe('hello');
  });

  it('registered_delivery asks the receipts of the account itself, over SMPP; times become minutes from now', () => {
    const r = smppSubmission(
      submit({ registeredDelivery: 1, validityPeriod: '000000010000000R', scheduleDeliveryTime: '260131123000000+', priorityFlag: 2 }),
      ACCOUNT,
      NOW,
    );
    expect(r.ok && r.submission).toMatchObject({
      dlrMask: 0x13,
      callbackUrl: 'smpp:esme',
      validityMinutes: 60,
      deferredMinutes: 30,
      priority: 2,
    });
  });

  it('UCS-2 stays UCS-2 when GSM cannot carry it; 8-bit data stays octets; SAR becomes a concatenation UDH', () => {
    const ucs2 = smppSubmission(submit({ dataCoding: 8, shortMessage: Buffer.from('пр', 'utf16le').swap16() }), ACCOUNT, NOW);
    expect(ucs2.ok && ucs2.submission.text.coding).toBe(2);
    const binary = smppSubmission(submit({ dataCoding: 4, shortMessage: Buffer.from([0, 1, 2, 255]) }), ACCOUNT, NOW);
    expect(binary.ok && binary.submission.text).toMatchObject({ coding: 1, text: Buffer.from([0, 1, 2, 255]) });
    const sar = smppSubmission(submit({ sar: { ref: 7, total: 2, seq: 1 } }), ACCOUNT, NOW);
    expect(sar.ok && sar.submission.text.udh).toEqual(Buffer.from('050003070201', 'hex'));
  });

  it('refuses what the accept path cannot take, each with its status', () => {
    expect(smppSubmission(submit({ validityPeriod: 'x' }), ACCOUNT, NOW)).toMatchObject({
      ok: false,
      status: SERVER_STATUS.ESME_RINVEXPIRY,
    });
    expect(smppSubmission(submit({ scheduleDeliveryTime: 'x' }), ACCOUNT, NOW)).toMatchObject({
      ok: false,
      status: SERVER_STATUS.ESME_RINVSCHED,
    });
    expect(smppSubmission(submit({ distributionLists: ['friends'] }), ACCOUNT, NOW)).toMatchObject({
      ok: false,
      status: SERVER_STATUS.ESME_RINVDLNAME,
    });
    expect(smppSubmission(submit({ destinations: [] }), ACCOUNT, NOW)).toMatchObject({
      ok: false,
      status: SERVER_STATUS.ESME_RINVNUMDESTS,
    });
  });
});

describe('acceptAnswer', () => {
  it('maps the accept path outcomes to command_status values a client retries, or must not', () => {
    const limited = (reason: 'over-tps' | 'daily-quota') => ({
      ok: false as const,
      error: { code: 'limited' as const, refusal: { reason, retryAfterMs: 100, detail: '' } },
    });
    expect(acceptAnswer(limited('over-tps'), 0x0b)).toMatchObject({ ok: false, status: SERVER_STATUS.ESME_RTHROTTLED });
    expect(acceptAnswer(limited('daily-quota'), 0x0b)).toMatchObject({ ok: false, status: SERVER_STATUS.ESME_RMSGQFUL });
    expect(acceptAnswer({ ok: false, error: { code: 'unavailable', detail: 'down' } }, 0x0b)).toMatchObject({
      status: SERVER_STATUS.ESME_RSYSERR,
    });
    expect(acceptAnswer({ ok: false, error: { code: 'sender-missing' } }, 0x0b)).toMatchObject({ status: SERVER_STATUS.ESME_RINVSRCADR });
    const mixed = acceptAnswer(
      {
        ok: true,
        denied: ['4699'],
        receivers: [
          { to: '4670', status: 'accepted', id: 'a.0', parts: 1 },
          { to: '4800', status: 'not-routable', reason: 'no link' },
        ],
      },
      0x401,
    );
    expect(mixed).toEqual({
      ok: true,
      receivers: [
        { to: '4699', status: SERVER_STATUS.ESME_RINVDSTADR, id: undefined },
        { to: '4670', status: 0, id: 'a.0' },
        { to: '4800', status: 0x401, id: undefined },
      ],
    });
  });
});
