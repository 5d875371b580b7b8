import { describe, expect, it } from 'vitest';
import { planKey, PLANNED_MASKS, receiptPlans } from '../../../src/dlr/receipt-plan.js';
import { STATUS_CODES } from '../../../src/messages/record-codec.js';

describe('planKey', () => {
  it('is the mask of a single-part message with a report target, 0 without one, and none for several parts', () => {
    expect(planKey({ dlrMask: 3, dlrUrl: 'http://h/' }, 1)).toBe('3');
    expect(planKey({ dlrMask: 31, callbackUrl: 'http://h/' }, 1)).toBe('31');
    expect(planKey({ dlrMask: 3 }, 1)).toBe('0');
    expect(planKey({ dlrUrl: 'http://h/' }, 1)).toBe('0');
    expect(planKey({ dlrMask: 3, dlrUrl: 'http://h/' }, 2)).toBeUndefined();
    expect(planKey({ dlrMask: PLANNED_MASKS, dlrUrl: 'http://h/' }, 1)).toBeUndefined();
    expect(planKey({ dlrMask: -1, dlrUrl: 'http://h/' }, 1)).toBeUndefined();
  });
});

describe('receiptPlans', () => {
  const plans = receiptPlans();

  it('has, per state, the report the masks that want it claim, and the status after it', () => {
    expect(plans.PLAN_ONCE).toMatchObject({ delivered: 'r1:1', undeliverable: 'r1:2', expired: 'r1:34', enroute: 'r1:4' });
    expect(plans.PLAN_STATUS).toMatchObject({
      delivered: STATUS_CODES.delivered,
      expired: STATUS_CODES.expired,
      rejected: STATUS_CODES.undeliverable,
      buffered: STATUS_CODES.buffered,
    });
    const wants = (state: string, mask: number): boolean => plans.PLAN_MASKS[state]![mask] === '1';
    for (const masks of Object.values(plans.PLAN_MASKS)) expect(masks).toHaveLength(PLANNED_MASKS);
    expect([0, 1, 2, 3, 31].map((m) => wants('delivered', m))).toEqual([false, true, false, true, true]);
    expect([1, 2, 0x20, 3].map((m) => wants('expired', m))).toEqual([false, true, true, true]);
    expect([3, 4, 7].map((m) => wants('buffered', m))).toEqual([false, true, true]);
  });
});
