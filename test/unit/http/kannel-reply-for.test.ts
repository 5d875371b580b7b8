import { describe, expect, it } from 'vitest';
import type { AcceptResult } from '../../../src/messages/accept-service.js';
import { kannelReplyFor } from '../../../src/http/sendsms-route.js';

const ok = (receivers: Extract<AcceptResult, { ok: true }>['receivers'], denied: string[] = []): AcceptResult => ({
  ok: true,
  receivers,
  denied,
});
const accepted = (to: string, id = 'x') => ({ to, status: 'accepted' as const, id, parts: 1 });

describe('kannelReplyFor', () => {
  it("the first message's answer, as Kannel's delayed reply", () => {
    expect(kannelReplyFor(ok([accepted('1')]))).toEqual({ status: 202, body: '0: Accepted for delivery' });
    expect(kannelReplyFor(ok([{ to: '1', status: 'queued', id: 'x', parts: 1 }]))).toEqual({
      status: 202,
      body: '3: Queued for later delivery',
    });
    expect(kannelReplyFor(ok([{ to: '1', status: 'not-routable', reason: 'r' }]))).toEqual({
      status: 403,
      body: 'Not routable. Do not try again.',
    });
  });

  it('names the receivers denied while others went', () => {
    expect(kannelReplyFor(ok([accepted('1')], ['4670abc', '46x']))).toEqual({
      status: 202,
      body: '0: Accepted for delivery. Denied receivers are: 4670abc 46x',
    });
  });

  it('immediate-sendsms-reply: Kannel\'s "Sent." with the denied receivers and the splits of one receiver\'s text', () => {
    expect(kannelReplyFor(ok([accepted('1')]), true)).toEqual({ status: 202, body: 'Sent.' });
    expect(kannelReplyFor(ok([accepted('1'), accepted('2')], ['4670abc']), true)).toEqual({
      status: 202,
      body: 'Sent. Denied receivers are: 4670abc',
    });
    expect(kannelReplyFor(ok([accepted('1', 'a'), accepted('1', 'b')]), true)).toEqual({ status: 202, body: 'Sent. Message splits: 2' });
  });
});
