/**
 * One table for what every SMPP command_status means to a submit: deliver it later, slow the link down, fail the
 * message for good, or drop the session. Kannel's classification (smsc_smpp.c) is the base: throttling and
 * queue-full slow the bind down and retry; system error and temporary application error retry; everything else is
 * permanent. We differ in one place, on purpose: ESME_RINVBNDSTS means the SMSC no longer thinks we are bound, so
 * the session is dropped and rebound and the message retried, instead of failing a message that did nothing wrong.
 * Pure.
 */
export type StatusAction = 'ok' | 'retry' | 'throttle' | 'permanent' | 'drop-session';

export const STATUS = {
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
} as const;

const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(STATUS).map(([name, code]) => [code, name]));

const ACTIONS: ReadonlyMap<number, StatusAction> = new Map<number, StatusAction>([
  [STATUS.ESME_ROK, 'ok'],
  [STATUS.ESME_RMSGQFUL, 'throttle'],
  [STATUS.ESME_RTHROTTLED, 'throttle'],
  [STATUS.ESME_RSYSERR, 'retry'],
  [STATUS.ESME_RX_T_APPN, 'retry'],
  [STATUS.ESME_RINVBNDSTS, 'drop-session'],
]);

/** What to do with a submit answered with this command_status (also for a generic_nack answering it). */
export function statusAction(status: number): StatusAction {
  return ACTIONS.get(status) ?? 'permanent';
}

/** `ESME_RTHROTTLED (0x58)`, or the bare hex code for vendor-specific values. */
export function statusName(status: number): string {
  const hex = `0x${status.toString(16).padStart(2, '0')}`;
  const name = NAMES.get(status);
  return name ? `${name} (${hex})` : hex;
}

/** Bind refusals that mean the configuration is wrong (credentials), not that the SMSC is busy. */
export function isCredentialRefusal(status: number): boolean {
  return status === STATUS.ESME_RINVPASWD || status === STATUS.ESME_RINVSYSID || status === STATUS.ESME_RINVSYSTYP;
}
