/**
 * The check in front of a status endpoint: the policy of status-access.ts, with the given password verified like
 * an account's (constant time; hashes cached once verified).
 */
import { parseStoredSecret } from './password-hash.js';
import type { PasswordVerifier } from './password-verifier.js';
import type { StatusAccess } from './status-access.js';

/** 'closed': no password is set and the interface is not loopback-only, so no password can open it. */
export type StatusCheck = 'ok' | 'wrong' | 'closed' | 'busy';

export type StatusGate = (password: string | undefined) => Promise<StatusCheck>;

export function statusGate(access: StatusAccess, verifier: PasswordVerifier): StatusGate {
  if (access.kind === 'open') return () => Promise.resolve('ok');
  if (access.kind === 'closed') return () => Promise.resolve('closed');
  const secrets = access.passwords.map((p, i) => {
    const parsed = parseStoredSecret(p);
    if (!parsed.ok) throw new Error(`status password: ${parsed.problem}`);
    return { id: `status:${i}`, secret: parsed.secret };
  });
  return async (given) => {
    if (given === undefined) return 'wrong';
    let busy = false;
    for (const { id, secret } of secrets) {
      const v = await verifier.verify(id, secret, given);
      if (v === 'ok') return 'ok';
      busy ||= v === 'busy';
    }
    return busy ? 'busy' : 'wrong';
  };
}
