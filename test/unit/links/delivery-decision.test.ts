/**
 * What becomes of a message a link took (decideDelivery), one row per transition: taken from the queue (sent,
 * expired, pinned to another link, not taken now), answered (submitted, refused for good, a temporary error's
 * backoff and max-attempts, an unanswered submit and max-unanswered, link trouble sent again or handed back), and
 * withdrawn from the link (link lost, time share used).
 */
import { describe, expect, it } from 'vitest';
import type { AcceptedPart, SendAttempt, SendResult } from '../../../src/domain/delivery.js';
import {
  decideDelivery,
  MAX_RESENDS_PER_RUN,
  type DeliveryDecision,
  type DeliveryEvent,
  type DeliveryPolicy,
  type MessageInRun,
} from '../../../src/links/delivery-decision.js';
import type { DeliveryState } from '../../../src/queue/batch-codec.js';

const NOW = 1_000_000;
const policy: DeliveryPolicy = { maxAttempts: 12, retryDelayMs: 1000, maxUnanswered: 2, pinWaitMs: 60_000 };

const part = (seq: number, smscMessageId: string): AcceptedPart => ({ seq, smscMessageId });
const fresh: DeliveryState = { attempts: 0, unanswered: 0 };
const pinnedTo = (link: string, since: number): DeliveryState => ({
  ...fresh,
  progress: { link, ref: 7, accepted: [part(1, 'a')], since },
});

const message = (state: DeliveryState = fresh, opts: { validUntil?: number; resends?: number } = {}): MessageInRun => ({
  msg: opts.validUntil !== undefined ? { validUntil: opts.validUntil } : {},
  state,
  resends: opts.resends ?? 0,
});

const taken = (linkTakesWork = true): DeliveryEvent => ({ kind: 'taken', now: NOW, linkId: 'A', linkTakesWork });
const answered = (result: SendResult, linkTakesWork = true, progress?: SendAttempt['progress']): DeliveryEvent => ({
  kind: 'answered',
  attempt: { result, bind: 'A/1', progress, parts: 1 },
  now: NOW,
  linkTakesWork,
});

const submitted: SendResult = { kind: 'submitted', parts: [part(1, 'x')] };
const refused: SendResult = { kind: 'failed', status: 0x0b, detail: 'refused with status 0xb', accepted: [] };
const temporary: SendResult = { kind: 'retry', attempt: true, detail: 'temporary error 0x8', accepted: [], maybeDelivered: false };
const throttled: SendResult = { kind: 'retry', attempt: false, detail: 'throttled (0x58)', accepted: [], maybeDelivered: false };
const notSent: SendResult = { kind: 'retry', attempt: false, detail: 'not sent: link down', accepted: [], maybeDelivered: false };
const unanswered: SendResult = { kind: 'retry', attempt: false, detail: 'no response: timeout', accepted: [], maybeDelivered: true };

describe('decideDelivery', () => {
  it.each<[string, MessageInRun, DeliveryEvent, DeliveryDecision]>([
    // taken from the queue
    ['taken: to the link, behind what it holds', message(), taken(), { kind: 'send', front: false }],
    ['taken within its validity: sent', message(fresh, { validUntil: NOW + 1 }), taken(), { kind: 'send', front: false }],
    [
      'taken past its validity: failed, on no link',
      message(fresh, { validUntil: NOW - 1 }),
      taken(),
      { kind: 'fail', why: 'expired', detail: 'validity expired before it could be sent', status: undefined, onLink: false },
    ],
    [
      'past its validity even while the link takes no work',
      message(fresh, { validUntil: NOW - 1 }),
      taken(false),
      { kind: 'fail', why: 'expired', detail: 'validity expired before it could be sent', status: undefined, onLink: false },
    ],
    ['taken while the link takes no work: back at once', message(), taken(false), { kind: 'back', why: 'not-taking', notBefore: 0 }],
    [
      'the rest of a long message pinned to another link, lately: back, looked at again shortly',
      message(pinnedTo('B', NOW - 1000)),
      taken(),
      { kind: 'back', why: 'pinned', notBefore: NOW + 200 },
    ],
    [
      'pinned to another link that did not come back in time: sent whole, its progress dropped',
      message(pinnedTo('B', NOW - 60_000)),
      taken(),
      { kind: 'send', front: false, state: fresh },
    ],
    [
      'pinned too long, and the link takes no work: back at once, its progress dropped',
      message(pinnedTo('B', NOW - 60_000)),
      taken(false),
      { kind: 'back', why: 'not-taking', notBefore: 0, state: fresh },
    ],
    [
      'the rest of a long message pinned to this link: sent, progress kept',
      message(pinnedTo('A', NOW - 1000)),
      taken(),
      { kind: 'send', front: false },
    ],

    // answered: an outcome to record
    ['submitted: recorded with its parts', message(), answered(submitted), { kind: 'submitted', parts: [part(1, 'x')] }],
    [
      'refused for good: failed on this link with the status',
      message(),
      answered(refused),
      { kind: 'fail', why: 'refused', detail: 'refused with status 0xb', status: 0x0b, onLink: true },
    ],

    // answered: a temporary error counts an attempt and waits in the queue
    [
      'a temporary error: back, not before the first retry delay',
      message(),
      answered(temporary),
      { kind: 'back', why: 'retry-later', notBefore: NOW + 1000, state: { attempts: 1, unanswered: 0 } },
    ],
    [
      'a second temporary error: the delay doubles',
      message({ attempts: 1, unanswered: 0 }),
      answered(temporary),
      { kind: 'back', why: 'retry-later', notBefore: NOW + 2000, state: { attempts: 2, unanswered: 0 } },
    ],
    [
      'the delay is capped at a minute',
      message({ attempts: 9, unanswered: 0 }),
      answered(temporary),
      { kind: 'back', why: 'retry-later', notBefore: NOW + 60_000, state: { attempts: 10, unanswered: 0 } },
    ],
    [
      'a temporary error that uses the last attempt: failed',
      message({ attempts: 11, unanswered: 0 }),
      answered(temporary),
      {
        kind: 'fail',
        why: 'attempts-used-up',
        detail: 'temporary error 0x8 (after 12 attempts)',
        status: undefined,
        onLink: true,
        state: { attempts: 12, unanswered: 0 },
      },
    ],
    [
      'a temporary error with an unanswered part counts the attempt, not the unanswered submit',
      message(),
      answered({ ...temporary, maybeDelivered: true }),
      { kind: 'back', why: 'retry-later', notBefore: NOW + 1000, state: { attempts: 1, unanswered: 0 } },
    ],

    // answered: link trouble is not the message's fault
    ['throttled: sent again, in front', message(), answered(throttled), { kind: 'send', front: true, state: fresh }],
    [
      'not sent (link down) while the link still sends: sent again',
      message(),
      answered(notSent),
      { kind: 'send', front: true, state: fresh },
    ],
    [
      'throttled while the link can no longer send: back at once',
      message(),
      answered(throttled, false),
      { kind: 'back', why: 'cannot-resend', notBefore: 0, state: fresh },
    ],
    [
      'throttled once too often in this run: back at once',
      message(fresh, { resends: MAX_RESENDS_PER_RUN }),
      answered(throttled),
      { kind: 'back', why: 'cannot-resend', notBefore: 0, state: fresh },
    ],
    [
      'one resend short of the limit: sent again',
      message(fresh, { resends: MAX_RESENDS_PER_RUN - 1 }),
      answered(throttled),
      { kind: 'send', front: true, state: fresh },
    ],

    // answered: a submit that went unanswered (the SMSC may have it)
    [
      'unanswered: sent again, counted',
      message(),
      answered(unanswered),
      { kind: 'send', front: true, state: { attempts: 0, unanswered: 1 }, unanswered: true },
    ],
    [
      'unanswered while the link can no longer send: back, counted',
      message(),
      answered(unanswered, false),
      { kind: 'back', why: 'cannot-resend', notBefore: 0, state: { attempts: 0, unanswered: 1 }, unanswered: true },
    ],
    [
      'unanswered for the last time: failed',
      message({ attempts: 0, unanswered: 1 }),
      answered(unanswered),
      {
        kind: 'fail',
        why: 'unanswered',
        detail: 'unanswered: no response to 2 submits (no response: timeout)',
        status: undefined,
        onLink: true,
        state: { attempts: 0, unanswered: 2 },
      },
    ],

    // answered: a long message partly accepted keeps its progress on this link
    [
      'parts accepted before the trouble: progress kept, stamped now',
      message(),
      answered({ ...throttled, accepted: [part(1, 'a')] }, true, { link: 'A', ref: 9, accepted: [part(1, 'a')] }),
      { kind: 'send', front: true, state: { ...fresh, progress: { link: 'A', ref: 9, accepted: [part(1, 'a')], since: NOW } } },
    ],
    [
      'no part accepted this time: the earlier progress stays',
      message(pinnedTo('A', NOW - 5000)),
      answered(throttled, true, { link: 'A', ref: 7, accepted: [] }),
      { kind: 'send', front: true, state: pinnedTo('A', NOW - 5000) },
    ],

    // withdrawn from the link before it started
    [
      'withdrawn (link lost, time share used): back at once',
      message(),
      { kind: 'withdrawn' },
      { kind: 'back', why: 'withdrawn', notBefore: 0 },
    ],
  ])('%s', (_what, m, event, expected) => {
    expect(decideDelivery(m, event, policy)).toEqual(expected);
  });

  it('leaves the state it was given alone', () => {
    const state: DeliveryState = { attempts: 1, unanswered: 1 };
    decideDelivery(message(state), answered(unanswered), policy);
    decideDelivery(message(state), answered(temporary), policy);
    expect(state).toEqual({ attempts: 1, unanswered: 1 });
  });
});
