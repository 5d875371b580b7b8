/**
 * The one table from SMPP command_status to what happens next. Kannel (smsc_smpp.c, reference/kannel.md §3.1):
 * RMSGQFUL, RTHROTTLED, RX_T_APPN and RSYSERR are temporary; every other error is permanent; RTHROTTLED also pauses
 * the bind. switchboard differs on purpose for RINVBNDSTS (drop the session and rebind).
 */
import { describe, it, expect } from 'vitest';
import { STATUS, isCredentialRefusal, statusAction, statusName, type StatusAction } from '../../../src/smpp/command-status.js';

describe('STATUS: the SMPP 3.4 values (section 5.1.3)', () => {
  it("has the spec's codes", () => {
    expect(STATUS).toEqual({
      ESME_ROK: 0x00,
      ESME_RINVMSGLEN: 0x01,
      ESME_RINVCMDLEN: 0x02,
      ESME_RINVCMDID: 0x03,
      ESME_RINVBNDSTS: 0x04,
      ESME_RALYBND: 0x05,
      ESME_RSYSERR: 0x08,
      ESME_RINVSRCADR: 0x0a,
      ESME_RINVDSTADR: 0x0b,
      ESME_RINVMSGID: 0x0c,
      ESME_RBINDFAIL: 0x0d,
      ESME_RINVPASWD: 0x0e,
      ESME_RINVSYSID: 0x0f,
      ESME_RMSGQFUL: 0x14,
      ESME_RINVSYSTYP: 0x53,
      ESME_RTHROTTLED: 0x58,
      ESME_RX_T_APPN: 0x64,
      ESME_RX_P_APPN: 0x65,
      ESME_RX_R_APPN: 0x66,
      ESME_RUNKNOWNERR: 0xff,
    });
  });
});

describe('statusAction', () => {
  it.each<[string, number, StatusAction]>([
    ['ESME_ROK', 0x00, 'ok'],
    // slow the bind down and send again
    ['ESME_RMSGQFUL', 0x14, 'throttle'],
    ['ESME_RTHROTTLED', 0x58, 'throttle'],
    // temporary: send again later, counts an attempt
    ['ESME_RSYSERR', 0x08, 'retry'],
    ['ESME_RX_T_APPN', 0x64, 'retry'],
    // on purpose: the SMSC thinks we are not bound
    ['ESME_RINVBNDSTS', 0x04, 'drop-session'],
    // everything else is permanent
    ['ESME_RINVMSGLEN', 0x01, 'permanent'],
    ['ESME_RINVCMDLEN', 0x02, 'permanent'],
    ['ESME_RINVCMDID', 0x03, 'permanent'],
    ['ESME_RALYBND', 0x05, 'permanent'],
    ['ESME_RINVSRCADR', 0x0a, 'permanent'],
    ['ESME_RINVDSTADR', 0x0b, 'permanent'],
    ['ESME_RINVMSGID', 0x0c, 'permanent'],
    ['ESME_RBINDFAIL', 0x0d, 'permanent'],
    ['ESME_RINVPASWD', 0x0e, 'permanent'],
    ['ESME_RINVSYSID', 0x0f, 'permanent'],
    ['ESME_RSUBMITFAIL', 0x45, 'permanent'],
    ['ESME_RINVSERTYP', 0x15, 'permanent'],
    ['ESME_RINVESMCLASS', 0x43, 'permanent'],
    ['ESME_RINVSYSTYP', 0x53, 'permanent'],
    ['ESME_RX_P_APPN', 0x65, 'permanent'],
    ['ESME_RX_R_APPN', 0x66, 'permanent'],
    ['ESME_RUNKNOWNERR', 0xff, 'permanent'],
    ['a vendor-specific code', 0x400, 'permanent'],
    ['a large vendor-specific code', 0x0000_04ff, 'permanent'],
  ])('%s (%i) → %s', (_name, status, action) => {
    expect(statusAction(status)).toBe(action);
  });

  it('only the four temporary codes of Kannel and RINVBNDSTS are not permanent', () => {
    const notPermanent: number[] = [];
    for (let s = 1; s <= 0x1ff; s++) if (statusAction(s) !== 'permanent') notPermanent.push(s);
    expect(notPermanent).toEqual([0x04, 0x08, 0x14, 0x58, 0x64]);
  });
});

describe('statusName', () => {
  it.each([
    [0x00, 'ESME_ROK (0x00)'],
    [0x04, 'ESME_RINVBNDSTS (0x04)'],
    [0x0b, 'ESME_RINVDSTADR (0x0b)'],
    [0x58, 'ESME_RTHROTTLED (0x58)'],
    [0xff, 'ESME_RUNKNOWNERR (0xff)'],
    [0x45, '0x45'],
    [0x400, '0x400'],
    [0x1, 'ESME_RINVMSGLEN (0x01)'],
  ])('%d → %s', (status, name) => {
    expect(statusName(status)).toBe(name);
  });
});

describe('isCredentialRefusal (Kannel stops the bind for good on these unless retry = yes)', () => {
  it.each([
    [0x0e, true],
    [0x0f, true],
    [0x53, true],
    [0x0d, false],
    [0x05, false],
    [0x08, false],
    [0x00, false],
    [0x58, false],
  ])('%i → %s', (status, expected) => {
    expect(isCredentialRefusal(status)).toBe(expected);
  });
});
