/** What a client hears when a limit refuses its request (limit-replies.ts): Kannel's way on sendsms. */
import { describe, expect, it } from 'vitest';
import { kannelLimitReply, retryAfterSeconds } from '../../../src/http/limit-replies.js';
import type { LimitRefusal } from '../../../src/accounts/limit-gate.js';

const refusal = (reason: LimitRefusal['reason'], retryAfterMs: number | undefined): LimitRefusal => ({ reason, retryAfterMs, detail: '' });

describe('kannelLimitReply', () => {
  it.each([
    ['client-rate', 1500, { status: 503, body: 'Temporal failure, try again later.', retryAfterS: 2 }],
    ['account-rate', 10, { status: 503, body: 'Temporal failure, try again later.', retryAfterS: 1 }],
    ['over-tps', 999, { status: 503, body: 'Temporal failure, try again later.', retryAfterS: 1 }],
    ['too-many-at-once', undefined, { status: 400, body: "Too many messages at once for this account's max-tps, rejected" }],
    ['daily-quota', 3_600_000, { status: 403, body: 'Daily quota exceeded, rejected', retryAfterS: 3600 }],
    ['monthly-quota', 86_400_001, { status: 403, body: 'Monthly quota exceeded, rejected', retryAfterS: 86_401 }],
  ] as const)('%s (retry after %s ms) → %j', (reason, ms, reply) => {
    expect(kannelLimitReply(refusal(reason, ms))).toEqual(reply);
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds, never below 1', () => {
    expect([0, 1, 999, 1000, 1001].map(retryAfterSeconds)).toEqual([1, 1, 1, 1, 2]);
  });
});
