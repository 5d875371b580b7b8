/**
 * What the submits of one message mean for the message (classifyOutcomes). Kannel's rules (reference/kannel.md
 * §3.1, §4.2): a permanent submit_sm_resp error fails the whole message (parts never go separately); temporary
 * errors are retried; link trouble is not the message's fault.
 */
import { describe, it, expect } from 'vitest';
import { classifyOutcomes } from '../../../src/links/classify-outcomes.js';
import { type SendResult } from '../../../src/domain/delivery.js';
import { type AcceptedPart } from '../../../src/domain/delivery.js';
import type { SubmitOutcome } from '../../../src/smpp/bind.js';

const acc = (id: string): SubmitOutcome => ({ kind: 'accepted', messageId: id });
const permanent = (status: number): SubmitOutcome => ({ kind: 'refused', status, action: 'permanent' });
const temporary = (status: number): SubmitOutcome => ({ kind: 'refused', status, action: 'retry' });
const throttled = (status = 0x58): SubmitOutcome => ({ kind: 'refused', status, action: 'throttle' });
const dropped = (status = 0x04): SubmitOutcome => ({ kind: 'refused', status, action: 'drop-session' });
const unanswered = (detail = 'session closed'): SubmitOutcome => ({ kind: 'unanswered', detail });
const notSent = (detail = 'link down'): SubmitOutcome => ({ kind: 'not-sent', detail });

const part = (seq: number, smscMessageId: string): AcceptedPart => ({ seq, smscMessageId });

/** Parts numbered from 1 in the order given. */
const seqd = (...outcomes: SubmitOutcome[]): Array<{ seq: number; outcome: SubmitOutcome }> =>
  outcomes.map((outcome, i) => ({ seq: i + 1, outcome }));

describe('classifyOutcomes', () => {
  it.each<[string, Array<{ seq: number; outcome: SubmitOutcome }>, AcceptedPart[], SendResult]>([
    // everything accepted
    ['one part accepted', seqd(acc('m1')), [], { kind: 'submitted', parts: [part(1, 'm1')] }],
    [
      'three parts accepted',
      seqd(acc('a'), acc('b'), acc('c')),
      [],
      { kind: 'submitted', parts: [part(1, 'a'), part(2, 'b'), part(3, 'c')] },
    ],
    [
      'answers in any order: parts sorted by number',
      [
        { seq: 3, outcome: acc('c') },
        { seq: 1, outcome: acc('a') },
        { seq: 2, outcome: acc('b') },
      ],
      [],
      { kind: 'submitted', parts: [part(1, 'a'), part(2, 'b'), part(3, 'c')] },
    ],
    [
      'the rest of a message whose first part went through earlier',
      [
        { seq: 2, outcome: acc('b') },
        { seq: 3, outcome: acc('c') },
      ],
      [part(1, 'a')],
      { kind: 'submitted', parts: [part(1, 'a'), part(2, 'b'), part(3, 'c')] },
    ],
    ['nothing left to send', [], [part(1, 'a')], { kind: 'submitted', parts: [part(1, 'a')] }],

    // one part refused for good fails the whole message, whatever else happened
    ['a permanent refusal', seqd(permanent(0x0b)), [], { kind: 'failed', status: 0x0b, detail: 'refused with status 0xb', accepted: [] }],
    [
      'a permanent refusal after accepted parts: they are reported, the message fails',
      seqd(acc('a'), permanent(0x0a), acc('c')),
      [],
      { kind: 'failed', status: 0x0a, detail: 'refused with status 0xa', accepted: [part(1, 'a'), part(3, 'c')] },
    ],
    [
      'permanent beats temporary',
      seqd(temporary(0x08), permanent(0x45)),
      [],
      { kind: 'failed', status: 0x45, detail: 'refused with status 0x45', accepted: [] },
    ],
    [
      'permanent beats link trouble',
      seqd(throttled(), unanswered(), notSent(), permanent(0x66)),
      [],
      { kind: 'failed', status: 0x66, detail: 'refused with status 0x66', accepted: [] },
    ],
    [
      'the first permanent status is the one reported',
      seqd(permanent(0x0b), permanent(0x0a)),
      [],
      { kind: 'failed', status: 0x0b, detail: 'refused with status 0xb', accepted: [] },
    ],
    [
      'earlier accepted parts are kept on failure',
      [{ seq: 2, outcome: permanent(0x0b) }],
      [part(1, 'a')],
      { kind: 'failed', status: 0x0b, detail: 'refused with status 0xb', accepted: [part(1, 'a')] },
    ],

    // a temporary SMSC error counts an attempt
    [
      'a temporary error',
      seqd(temporary(0x08)),
      [],
      { kind: 'retry', attempt: true, detail: 'temporary error 0x8', accepted: [], maybeDelivered: false },
    ],
    [
      'ESME_RX_T_APPN',
      seqd(temporary(0x64)),
      [],
      { kind: 'retry', attempt: true, detail: 'temporary error 0x64', accepted: [], maybeDelivered: false },
    ],
    [
      'temporary beats link trouble for the attempt count',
      seqd(throttled(), temporary(0x08)),
      [],
      { kind: 'retry', attempt: true, detail: 'temporary error 0x8', accepted: [], maybeDelivered: false },
    ],
    [
      'temporary with an unanswered part may have been delivered',
      seqd(temporary(0x08), unanswered()),
      [],
      { kind: 'retry', attempt: true, detail: 'temporary error 0x8', accepted: [], maybeDelivered: true },
    ],
    [
      'the first temporary detail is kept',
      seqd(temporary(0x64), temporary(0x08)),
      [],
      { kind: 'retry', attempt: true, detail: 'temporary error 0x64', accepted: [], maybeDelivered: false },
    ],

    // link trouble: throttling, a dropped or silent session, a part never written — no attempt counted
    [
      'throttled',
      seqd(throttled(0x58)),
      [],
      { kind: 'retry', attempt: false, detail: 'throttled (0x58)', accepted: [], maybeDelivered: false },
    ],
    [
      'queue full (throttle action)',
      seqd(throttled(0x14)),
      [],
      { kind: 'retry', attempt: false, detail: 'throttled (0x14)', accepted: [], maybeDelivered: false },
    ],
    [
      'the session must be dropped',
      seqd(dropped(0x04)),
      [],
      { kind: 'retry', attempt: false, detail: 'session dropped (0x4)', accepted: [], maybeDelivered: false },
    ],
    [
      'unanswered: the SMSC may have it',
      seqd(unanswered('timeout after 30000 ms')),
      [],
      { kind: 'retry', attempt: false, detail: 'no response: timeout after 30000 ms', accepted: [], maybeDelivered: true },
    ],
    [
      'not sent',
      seqd(notSent('not bound')),
      [],
      { kind: 'retry', attempt: false, detail: 'not sent: not bound', accepted: [], maybeDelivered: false },
    ],
    [
      'the first link-trouble detail is kept',
      seqd(notSent('a'), throttled(), unanswered('b')),
      [],
      { kind: 'retry', attempt: false, detail: 'not sent: a', accepted: [], maybeDelivered: true },
    ],

    // partial acceptance keeps the accepted parts (sorted) so they are not sent again
    [
      'partial: accepted parts kept, sorted',
      [
        { seq: 3, outcome: acc('c') },
        { seq: 2, outcome: notSent() },
        { seq: 1, outcome: acc('a') },
      ],
      [],
      { kind: 'retry', attempt: false, detail: 'not sent: link down', accepted: [part(1, 'a'), part(3, 'c')], maybeDelivered: false },
    ],
    [
      'partial with earlier parts and a throttled one',
      [
        { seq: 3, outcome: throttled() },
        { seq: 2, outcome: acc('b') },
      ],
      [part(1, 'a')],
      { kind: 'retry', attempt: false, detail: 'throttled (0x58)', accepted: [part(1, 'a'), part(2, 'b')], maybeDelivered: false },
    ],
    [
      'partial with a temporary error',
      seqd(acc('a'), temporary(0x08)),
      [],
      { kind: 'retry', attempt: true, detail: 'temporary error 0x8', accepted: [part(1, 'a')], maybeDelivered: false },
    ],
  ])('%s', (_what, sent, already, expected) => {
    expect(classifyOutcomes(sent, already)).toEqual(expected);
  });

  it('does not change the parts accepted earlier', () => {
    const already = [part(2, 'b')];
    classifyOutcomes([{ seq: 1, outcome: acc('a') }], already);
    expect(already).toEqual([part(2, 'b')]);
  });

  it('defaults to no parts accepted earlier', () => {
    expect(classifyOutcomes(seqd(acc('x')))).toEqual({ kind: 'submitted', parts: [part(1, 'x')] });
  });
});
