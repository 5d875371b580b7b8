/**
 * The command_status values the SMPP server answers with (SMPP 3.4 §5.1.3), and how the accept path's outcomes map
 * onto them: what a client retries (throttled, queue full, system error) and what it must not (bad address, bad
 * text). Pure.
 */
import type { AcceptResult } from '../messages/accept-service.js';
import { STATUS } from '../smpp/command-status.js';

export const SERVER_STATUS = {
  ...STATUS,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVOPTPARAMVAL: 0xc4,
} as const;

export interface ReceiverAnswer {
  readonly to: string;
  readonly status: number;
  readonly id: string | undefined;
}

export type AcceptAnswer =
  /** Per receiver, in the submit's order: its id when accepted, else the status refusing it. */
  | { readonly ok: true; readonly receivers: readonly ReceiverAnswer[] }
  | { readonly ok: false; readonly status: number; readonly detail: string };

/** The statuses for what the accept path answered; `notRoutable` is smpp-server.not-routable-status. */
export function acceptAnswer(result: AcceptResult, notRoutable: number): AcceptAnswer {
  if (result.ok) {
    const denied = new Set(result.denied);
    const receivers: ReceiverAnswer[] = [];
    for (const to of denied) receivers.push({ to, status: SERVER_STATUS.ESME_RINVDSTADR, id: undefined });
    for (const r of result.receivers)
      receivers.push(
        r.status === 'not-routable' ? { to: r.to, status: notRoutable, id: undefined } : { to: r.to, status: STATUS.ESME_ROK, id: r.id },
      );
    return { ok: true, receivers };
  }
  const e = result.error;
  switch (e.code) {
    case 'sender-missing':
      return { ok: false, status: SERVER_STATUS.ESME_RINVSRCADR, detail: 'no source_addr, and the account has no default sender' };
    case 'receivers-denied':
      return { ok: false, status: SERVER_STATUS.ESME_RINVDSTADR, detail: `receivers refused: ${e.denied.join(', ')}` };
    case 'charset':
    case 'unencodable':
      return { ok: false, status: SERVER_STATUS.ESME_RSUBMITFAIL, detail: e.detail };
    case 'too-many-parts':
      return { ok: false, status: SERVER_STATUS.ESME_RINVMSGLEN, detail: `${e.parts} parts; this account may send at most ${e.max}` };
    case 'udh-no-room':
      return { ok: false, status: SERVER_STATUS.ESME_RINVMSGLEN, detail: `a UDH of ${e.udhOctets} octets leaves no room for text` };
    case 'meta-data':
      return { ok: false, status: SERVER_STATUS.ESME_RINVOPTPARAMVAL, detail: e.detail };
    case 'unavailable':
      // Nothing was stored: the client must send it again, and a system error says so to every client.
      return { ok: false, status: SERVER_STATUS.ESME_RSYSERR, detail: e.detail };
    case 'limited': {
      const quota = e.refusal.reason === 'daily-quota' || e.refusal.reason === 'monthly-quota';
      return { ok: false, status: quota ? SERVER_STATUS.ESME_RMSGQFUL : SERVER_STATUS.ESME_RTHROTTLED, detail: e.refusal.detail };
    }
  }
}
