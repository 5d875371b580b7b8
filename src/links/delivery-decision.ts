/**
 * What becomes of a message a link has taken from its route queue, decided from what travels with it (its delivery
 * state) and what just happened (an event): sent, recorded as submitted, failed for good, or back to the queue (at
 * once or not before a time). Pure. Every transition is table-tested (test/unit/links/delivery-decision.test.ts);
 * links/batch-run.ts carries the decisions out.
 *
 * Messages the SMSC accepted never go back. Link trouble (throttling, a lost or silent session) is not the message's
 * fault and counts no attempt; a temporary error counts one against max-attempts and waits its backoff in the queue,
 * where any link may take it; a submit that went unanswered counts one against max-unanswered (the SMSC may have it,
 * so sending again may duplicate it).
 */
import type { AcceptedPart, SendAttempt } from '../domain/delivery.js';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import type { DeliveryState } from '../queue/batch-codec.js';

export interface DeliveryPolicy {
  /** Submits answered with a temporary error before a message fails. */
  readonly maxAttempts: number;
  /** First delay before a temporary error is retried; doubles per attempt (capped at a minute). */
  readonly retryDelayMs: number;
  /** Submits that went unanswered before a message fails as "unanswered". */
  readonly maxUnanswered: number;
  /** How long the rest of a partly sent long message waits for its own link before any link resends it whole. */
  readonly pinWaitMs: number;
}

/** Sends of one message within one batch run before it goes back to the queue instead. */
export const MAX_RESENDS_PER_RUN = 20;

/** How soon a long message pinned to another link is looked at again (that link may take it meanwhile). */
export const PINNED_RETRY_MS = 200;

/** Longest wait of a temporary error's backoff. */
export const MAX_RETRY_DELAY_MS = 60_000;

/** A message of a batch while a link has it. */
export interface MessageInRun {
  readonly msg: { readonly validUntil?: number | undefined };
  readonly state: DeliveryState;
  /** Times given to the link again in this run (a guard against a link that refuses at once, forever). */
  readonly resends: number;
}

export type DeliveryEvent =
  /** The link took the message's batch from the queue. `linkTakesWork`: see links/may-take-work.ts. */
  | { readonly kind: 'taken'; readonly now: number; readonly linkId: string; readonly linkTakesWork: boolean }
  /** The link tried it. `linkTakesWork` matters only for an answer that settled nothing (a retry). */
  | { readonly kind: 'answered'; readonly attempt: SendAttempt; readonly now: number; readonly linkTakesWork: boolean }
  /** Taken back from the link before it started (link lost, time share used, lock lost, stopped by an operator). */
  | { readonly kind: 'withdrawn' };

export type FailReason = 'expired' | 'refused' | 'attempts-used-up' | 'unanswered';

export type BackReason =
  /** The rest of a long message waits for the link that sent its first parts. */
  | 'pinned'
  /** Taken while the link takes no work (its worker is being paused, it cannot send, operators stopped it). */
  | 'not-taking'
  /** A temporary error: not before its backoff. */
  | 'retry-later'
  /** An answer that settled nothing, and the link may not send it again now (or it was sent too often in this run). */
  | 'cannot-resend'
  | 'withdrawn';

/** `state`, where present, is the message's new delivery state; absent, it is unchanged. */
export type DeliveryDecision =
  /** Give it to the link: at the back of what it holds when taken, in front when sent again. */
  | {
      readonly kind: 'send';
      readonly front: boolean;
      readonly state?: DeliveryState;
      /** Sent again after an unanswered submit (the SMSC may have the earlier one). */
      readonly unanswered?: true;
    }
  /** Record it as submitted, with the parts the SMSC accepted (the attempt's result itself). */
  | { readonly kind: 'submitted'; readonly parts: readonly AcceptedPart[] }
  /** Record it as failed for good; `onLink`: the link it failed on is named in the record. */
  | {
      readonly kind: 'fail';
      readonly why: FailReason;
      readonly detail: string;
      readonly status: number | undefined;
      readonly onLink: boolean;
      readonly state?: DeliveryState;
    }
  /** Back to the queue, in the same job: at once (`notBefore` 0) or not before `notBefore`. */
  | {
      readonly kind: 'back';
      readonly why: BackReason;
      readonly notBefore: number;
      readonly state?: DeliveryState;
      readonly unanswered?: true;
    };

// The common decisions are constants: this runs for every message, twice.
const SEND_TAKEN: DeliveryDecision = { kind: 'send', front: false };
const NOT_TAKING: DeliveryDecision = { kind: 'back', why: 'not-taking', notBefore: 0 };
const WITHDRAWN: DeliveryDecision = { kind: 'back', why: 'withdrawn', notBefore: 0 };

export function decideDelivery(m: MessageInRun, event: DeliveryEvent, policy: DeliveryPolicy): DeliveryDecision {
  switch (event.kind) {
    case 'taken':
      return taken(m, event.now, event.linkId, event.linkTakesWork, policy);
    case 'answered':
      return answered(m, event.attempt, event.now, event.linkTakesWork, policy);
    case 'withdrawn':
      return WITHDRAWN;
  }
}

function taken(m: MessageInRun, now: number, linkId: string, linkTakesWork: boolean, policy: DeliveryPolicy): DeliveryDecision {
  const validUntil = m.msg.validUntil;
  if (validUntil !== undefined && now > validUntil)
    return { kind: 'fail', why: 'expired', detail: 'validity expired before it could be sent', status: undefined, onLink: false };
  const p = m.state.progress;
  if (p && p.link !== linkId) {
    // The rest of a long message belongs to the link that sent its first parts; give that link the chance.
    if (now - p.since < policy.pinWaitMs) return { kind: 'back', why: 'pinned', notBefore: now + PINNED_RETRY_MS };
    // Its link did not come back in time: any link sends it again, whole, with a new reference.
    const { progress: _gone, ...state } = m.state;
    return linkTakesWork ? { kind: 'send', front: false, state } : { kind: 'back', why: 'not-taking', notBefore: 0, state };
  }
  return linkTakesWork ? SEND_TAKEN : NOT_TAKING;
}

function answered(m: MessageInRun, a: SendAttempt, now: number, linkTakesWork: boolean, policy: DeliveryPolicy): DeliveryDecision {
  const r = a.result;
  switch (r.kind) {
    case 'submitted':
      return r;
    case 'failed':
      return { kind: 'fail', why: 'refused', detail: r.detail, status: r.status, onLink: true };
    case 'retry':
      break;
  }
  // Parts the SMSC took stay taken: the rest goes on this link, with the same reference.
  const progress = a.progress && a.progress.accepted.length > 0 ? { ...a.progress, since: now } : m.state.progress;
  let state: DeliveryState = { ...m.state, ...(progress ? { progress } : {}) };
  if (r.attempt) {
    const attempts = state.attempts + 1;
    state = { ...state, attempts };
    if (attempts >= policy.maxAttempts)
      return {
        kind: 'fail',
        why: 'attempts-used-up',
        detail: `${r.detail} (after ${attempts} attempts)`,
        status: undefined,
        onLink: true,
        state,
      };
    return {
      kind: 'back',
      why: 'retry-later',
      notBefore: now + cappedExponentialMs(attempts, policy.retryDelayMs, MAX_RETRY_DELAY_MS),
      state,
    };
  }
  if (r.maybeDelivered) {
    const unanswered = state.unanswered + 1;
    state = { ...state, unanswered };
    if (unanswered >= policy.maxUnanswered)
      return {
        kind: 'fail',
        why: 'unanswered',
        detail: `unanswered: no response to ${unanswered} submits (${r.detail})`,
        status: undefined,
        onLink: true,
        state,
      };
  }
  const flag = r.maybeDelivered ? ({ unanswered: true } as const) : {};
  if (linkTakesWork && m.resends < MAX_RESENDS_PER_RUN) return { kind: 'send', front: true, state, ...flag };
  return { kind: 'back', why: 'cannot-resend', notBefore: 0, state, ...flag };
}
