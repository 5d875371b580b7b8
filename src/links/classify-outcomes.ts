/**
 * What the outcomes of a message's submits mean for the message. Pure, so every combination is table-tested.
 * Kannel's rule is kept: one part refused for good fails the whole message.
 */
import type { AcceptedPart, SendResult } from '../domain/delivery.js';
import type { SubmitOutcome } from '../smpp/bind.js';

/** The result for a message of one part, without the arrays classifyOutcomes builds (this runs per message). */
export function classifyOutcome(o: SubmitOutcome): SendResult {
  switch (o.kind) {
    case 'accepted':
      return { kind: 'submitted', parts: [{ seq: 1, smscMessageId: o.messageId }] };
    case 'refused':
      if (o.action === 'permanent')
        return { kind: 'failed', status: o.status, detail: `refused with status 0x${o.status.toString(16)}`, accepted: [] };
      if (o.action === 'retry')
        return { kind: 'retry', attempt: true, detail: `temporary error 0x${o.status.toString(16)}`, accepted: [], maybeDelivered: false };
      return {
        kind: 'retry',
        attempt: false,
        detail: o.action === 'throttle' ? `throttled (0x${o.status.toString(16)})` : `session dropped (0x${o.status.toString(16)})`,
        accepted: [],
        maybeDelivered: false,
      };
    case 'unanswered':
      return { kind: 'retry', attempt: false, detail: `no response: ${o.detail}`, accepted: [], maybeDelivered: true };
    case 'not-sent':
      return { kind: 'retry', attempt: false, detail: `not sent: ${o.detail}`, accepted: [], maybeDelivered: false };
  }
}

/** `sent`: the parts just submitted, by part number; `alreadyAccepted`: parts an earlier try got through. */
export function classifyOutcomes(
  sent: ReadonlyArray<{ readonly seq: number; readonly outcome: SubmitOutcome }>,
  alreadyAccepted: readonly AcceptedPart[] = [],
): SendResult {
  const accepted: AcceptedPart[] = [...alreadyAccepted];
  let permanent: { status: number; detail: string } | undefined;
  let temporary: string | undefined;
  let linkTrouble: string | undefined;
  let maybeDelivered = false;
  for (const { seq, outcome: o } of sent) {
    switch (o.kind) {
      case 'accepted':
        accepted.push({ seq, smscMessageId: o.messageId });
        break;
      case 'refused':
        if (o.action === 'permanent') permanent ??= { status: o.status, detail: `refused with status 0x${o.status.toString(16)}` };
        else if (o.action === 'retry') temporary ??= `temporary error 0x${o.status.toString(16)}`;
        else
          linkTrouble ??=
            o.action === 'throttle' ? `throttled (0x${o.status.toString(16)})` : `session dropped (0x${o.status.toString(16)})`;
        break;
      case 'unanswered':
        maybeDelivered = true;
        linkTrouble ??= `no response: ${o.detail}`;
        break;
      case 'not-sent':
        linkTrouble ??= `not sent: ${o.detail}`;
        break;
    }
  }
  accepted.sort((a, b) => a.seq - b.seq);
  if (permanent) return { kind: 'failed', status: permanent.status, detail: permanent.detail, accepted };
  if (temporary) return { kind: 'retry', attempt: true, detail: temporary, accepted, maybeDelivered };
  if (linkTrouble) return { kind: 'retry', attempt: false, detail: linkTrouble, accepted, maybeDelivered };
  return { kind: 'submitted', parts: accepted };
}
