import { describe, it, expect } from 'vitest';
import {
  DlrMask,
  DlrType,
  dlrTypeForState,
  isIntermediate,
  keepsCorrelation,
  registeredDelivery,
  wants,
} from '../../../src/dlr/dlr-mask.js';
import type { ReceiptState } from '../../../src/domain/message-record.js';

describe('dlr-mask bits', () => {
  it('are the values of Kannel gw/dlr.h', () => {
    expect(DlrMask).toEqual({ success: 1, fail: 2, buffered: 4, smscSuccess: 8, smscFail: 16 });
    expect(DlrType.expired).toBe(0x22);
    expect(DlrType.unknown).toBe(0x42);
  });
});

describe('registeredDelivery (Kannel msg_to_pdu)', () => {
  it.each([
    [0, 0],
    [1, 1], // success only
    [2, 2], // failure only
    [3, 1], // success or failure
    [4, 16], // buffered only: intermediate notifications and no final receipt
    [5, 17],
    [6, 18],
    [7, 17],
    [8, 0], // SMSC ACK comes from submit_sm_resp
    [16, 0],
    [24, 0],
    [19, 1], // 1+2+16, the "final values only" mask from the Kannel DLR notes
    [31, 17],
    [-1, 0], // DLR_UNDEFINED
  ])('mask %i → registered_delivery %i', (mask, expected) => {
    expect(registeredDelivery(mask)).toBe(expected);
  });
});

describe('dlrTypeForState (Kannel handle_dlr)', () => {
  it.each([
    ['delivered', 1],
    ['expired', 0x22],
    ['deleted', 2],
    ['undeliverable', 2],
    ['rejected', 2],
    ['unknown', 2],
    ['accepted', 4],
    ['enroute', 4],
    ['buffered', 4],
  ] satisfies ReadonlyArray<readonly [ReceiptState, number]>)('%s → %i', (state, expected) => {
    expect(dlrTypeForState(state)).toBe(expected);
  });
});

describe('wants (Kannel dlr_find: type & mask)', () => {
  it.each([
    [1, DlrType.success, true],
    [2, DlrType.success, false],
    [2, DlrType.fail, true],
    [2, DlrType.expired, true], // expired carries the fail bit
    [1, DlrType.expired, false],
    [2, DlrType.unknown, true],
    [4, DlrType.buffered, true],
    [3, DlrType.buffered, false],
    [8, DlrType.smscSuccess, true],
    [16, DlrType.smscFail, true],
    [7, DlrType.smscSuccess, false],
    [31, DlrType.smscFail, true],
    [0, DlrType.success, false],
    [-1, DlrType.success, false], // -1 has every bit set in two's complement, but means "no mask"
  ])('mask %i, type %i → %s', (mask, type, expected) => {
    expect(wants(mask, type)).toBe(expected);
  });
});

describe('correlation lifetime (Kannel dlr_find)', () => {
  it('treats buffered and SMSC ACK as intermediate, the rest as final', () => {
    expect(isIntermediate(DlrType.buffered)).toBe(true);
    expect(isIntermediate(DlrType.smscSuccess)).toBe(true);
    expect(isIntermediate(DlrType.success)).toBe(false);
    expect(isIntermediate(DlrType.fail)).toBe(false);
    expect(isIntermediate(DlrType.expired)).toBe(false);
    expect(isIntermediate(DlrType.smscFail)).toBe(false);
  });

  it('keeps the record after an intermediate DLR only while a final one is wanted', () => {
    expect(keepsCorrelation(7, DlrType.buffered)).toBe(true);
    expect(keepsCorrelation(4, DlrType.buffered)).toBe(false);
    expect(keepsCorrelation(31, DlrType.success)).toBe(false);
    expect(keepsCorrelation(31, DlrType.expired)).toBe(false);
    expect(keepsCorrelation(-1, DlrType.buffered)).toBe(false);
  });
});
