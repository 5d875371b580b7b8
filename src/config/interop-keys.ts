/**
 * A link's SMPP interoperability keys under their Kannel names, with the values the gateway sends, for people
 * (explain, the status, the links API): an operator moving from Kannel checks them key by key. Pure.
 */
import type { SmppKeys } from '../domain/admin-views.js';
import type { LinkInterop } from '../domain/link.js';

/** Kannel's spelling of each charset. */
const CHARSET_NAMES: Readonly<Record<string, string>> = { gsm: 'GSM', latin1: 'ISO-8859-1', ascii: 'ASCII', 'windows-1252': 'WINDOWS-1252' };

const WAIT_ACK_EXPIRE_CODES = { reconnect: 0, requeue: 1, wait: 2 } as const;

/** The keys in Kannel's order, each with the value used; unset optional keys are absent. */
export function interopKeys(i: LinkInterop): SmppKeys {
  return {
    ...(i.serviceType !== '' ? { 'service-type': i.serviceType } : {}),
    'esm-class': i.esmClass,
    ...(i.altCharset !== undefined ? { 'alt-charset': CHARSET_NAMES[i.altCharset] ?? i.altCharset } : {}),
    ...(i.altAddrCharset !== undefined ? { 'alt-addr-charset': CHARSET_NAMES[i.altAddrCharset] ?? i.altAddrCharset } : {}),
    'bind-addr-ton': i.bindAddrTon,
    'bind-addr-npi': i.bindAddrNpi,
    'interface-version': (i.interfaceVersion >> 4) * 10 + (i.interfaceVersion & 0x0f),
    priority: i.priority,
    ...(i.validityMinutes !== undefined ? { validityperiod: i.validityMinutes } : {}),
    'max-error-count': i.maxErrorCount,
    'dead-start': i.deadStart,
    'wait-ack-expire': WAIT_ACK_EXPIRE_CODES[i.waitAckExpire],
  };
}
