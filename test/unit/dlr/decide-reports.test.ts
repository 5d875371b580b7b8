import { describe, expect, it } from 'vitest';
import { aggregateStatus, reportsFor, type ReportContext } from '../../../src/dlr/decide-reports.js';
import { callbackBackoff } from '../../../src/dlr/callback-queue.js';
import { callbackRequest, reportEvent } from '../../../src/dlr/callback-request.js';

const single = (mask: number): ReportContext => ({ dlrMask: mask, policy: 'all-parts-final', totalParts: 1, partStates: [] });
const receipt = (seq: number, state: 'delivered' | 'buffered' | 'expired' | 'undeliverable' | 'enroute', text = 'id:1 stat:X') =>
  ({ kind: 'receipt', seq, state, text, smscMessageId: `m${seq}` }) as const;

describe('reportsFor: Kannel dlr-mask bits', () => {
  it.each([
    // [mask, event, expected types] — kannel.md §5.1
    [31, { kind: 'smsc-ack', smscMessageId: '9' } as const, [8]],
    [7, { kind: 'smsc-ack', smscMessageId: '9' } as const, []],
    [16, { kind: 'smsc-nack', status: 0x0b, detail: 'refused' } as const, [16]],
    [15, { kind: 'smsc-nack', status: 0x0b, detail: 'refused' } as const, []],
    [1, receipt(1, 'delivered'), [1]],
    [2, receipt(1, 'delivered'), []],
    [2, receipt(1, 'undeliverable'), [2]],
    [2, receipt(1, 'expired'), [0x22]], // EXPIRED carries the fail bit
    [4, receipt(1, 'enroute'), [4]],
    [3, receipt(1, 'buffered'), []],
    [0, receipt(1, 'delivered'), []],
    [-1, receipt(1, 'delivered'), []], // Kannel's "undefined" mask
  ])('mask %i, %o → %o', (mask, event, types) => {
    expect(reportsFor(single(mask), event).map((r) => r.type)).toEqual(types);
  });

  it('writes ACK/ and NACK/0x…/reason as Kannel does', () => {
    expect(reportsFor(single(31), { kind: 'smsc-ack', smscMessageId: '9' })[0]).toMatchObject({ text: 'ACK/', smscMessageId: '9' });
    expect(reportsFor(single(31), { kind: 'smsc-nack', status: 0x0b, detail: 'refused' })[0]?.text).toBe('NACK/0x0000000b/refused');
    expect(reportsFor(single(31), { kind: 'smsc-nack', status: undefined, detail: 'validity expired' })[0]?.text).toBe(
      'NACK/validity expired',
    );
  });
});

describe('reportsFor: long messages', () => {
  const ctx = (
    policy: 'all-parts-final' | 'per-part',
    states: ('delivered' | 'buffered' | 'expired' | 'undeliverable' | undefined)[],
  ): ReportContext => ({
    dlrMask: 31,
    policy,
    totalParts: 3,
    partStates: states,
  });
  it('all-parts-final: nothing until every part is final, then one report', () => {
    expect(reportsFor(ctx('all-parts-final', ['delivered', undefined, undefined]), receipt(1, 'delivered'))).toEqual([]);
    expect(reportsFor(ctx('all-parts-final', ['delivered', 'delivered', undefined]), receipt(2, 'delivered'))).toEqual([]);
    const last = reportsFor(ctx('all-parts-final', ['delivered', 'delivered', 'delivered']), receipt(3, 'delivered'));
    expect(last.map((r) => [r.type, r.onceKey, r.seq])).toEqual([[1, 'final', undefined]]);
  });
  it('all-parts-final: any failed part makes the message failed; expired stays expired', () => {
    expect(reportsFor(ctx('all-parts-final', ['delivered', 'undeliverable', 'delivered']), receipt(3, 'delivered'))[0]?.type).toBe(2);
    expect(reportsFor(ctx('all-parts-final', ['expired', 'delivered', 'delivered']), receipt(3, 'delivered'))[0]?.type).toBe(0x22);
  });
  it('all-parts-final: an intermediate state is reported once for the message', () => {
    const r = reportsFor(ctx('all-parts-final', ['buffered', undefined, undefined]), receipt(1, 'buffered'));
    expect(r.map((x) => [x.type, x.onceKey])).toEqual([[4, 'intermediate:4']]);
  });
  it('per-part: every part reported with its number', () => {
    const r = reportsFor(ctx('per-part', ['delivered', undefined, undefined]), receipt(1, 'delivered'));
    expect(r.map((x) => [x.type, x.seq, x.onceKey])).toEqual([[1, 1, 'r1:1']]);
  });
});

describe('aggregateStatus', () => {
  it.each([
    [['delivered', 'delivered'], 'delivered'],
    [['delivered', 'expired'], 'expired'],
    [['delivered', 'undeliverable'], 'undeliverable'],
    [['buffered', undefined], 'buffered'],
    [[undefined, undefined], 'submitted'],
  ] as const)('%o → %s', (states, status) => {
    expect(aggregateStatus({ status: 'submitted', parts: states.map((receipt, i) => ({ seq: i + 1, smscMessageId: 'x', receipt })) })).toBe(
      status,
    );
  });
});

describe('callback requests', () => {
  const msg = {
    id: 'abc',
    account: 'acct',
    from: '4711',
    to: '+46700',
    service: 'svc',
    dlrUrl: 'http://h/dlr?t=%d&p=%p&a=%A&i=%i&o=%o',
    callbackUrl: undefined,
    status: 'delivered',
  };
  it('fills Kannel escapes into the dlr-url, URL-encoded', () => {
    const req = callbackRequest(
      { type: 1, text: 'id:1 stat:DELIVRD', smscMessageId: '1', onceKey: 'final' },
      msg,
      { smscId: 'carrier', systemId: 'bindA' },
      0,
    );
    // the account travels with the request: its callback-allow applies when it is sent
    expect(req).toEqual({ account: 'acct', url: 'http://h/dlr?t=1&p=%2B46700&a=id%3A1+stat%3ADELIVRD&i=carrier&o=bindA', method: 'GET' });
  });
  it('posts JSON to a callbackUrl', () => {
    const req = callbackRequest(
      { type: 8, text: 'ACK/', smscMessageId: '7', onceKey: 'ack' },
      { ...msg, dlrUrl: undefined, callbackUrl: 'https://c/x' },
      undefined,
      Date.UTC(2026, 0, 1),
    );
    expect(req?.method).toBe('POST');
    expect(req?.account).toBe('acct');
    expect(JSON.parse(req!.body!)).toEqual({
      id: 'abc',
      event: 'smsc-accepted',
      type: 8,
      status: 'delivered',
      to: '+46700',
      from: '4711',
      smscMessageId: '7',
      detail: 'ACK/',
      at: '2026-01-01T00:00:00.000Z',
    });
  });
  it('no target, no request', () => {
    expect(
      callbackRequest({ type: 1, text: '', smscMessageId: '', onceKey: 'x' }, { ...msg, dlrUrl: undefined }, undefined, 0),
    ).toBeUndefined();
  });
  it('names events', () => {
    expect([1, 2, 0x22, 4, 8, 16, 99].map(reportEvent)).toEqual([
      'delivered',
      'failed',
      'expired',
      'buffered',
      'smsc-accepted',
      'smsc-rejected',
      'type-99',
    ]);
  });
  it('backs off exponentially up to the cap', () => {
    const cfg = { retryDelayMs: 100, retryDelayMaxMs: 1000 };
    expect([1, 2, 3, 4, 5, 10].map((n) => callbackBackoff(n, cfg))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
