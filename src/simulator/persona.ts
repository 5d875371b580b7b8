/**
 * The simulator's personas: named SMSC behaviours for tests, demos and benchmarks. Pure: given the persona and the
 * submit's position, say what the SMSC does with it.
 */
import { STATUS } from '../smpp/command-status.js';

export type Persona =
  | { readonly name: 'happy' }
  /** Every Nth submit is answered ESME_RTHROTTLED. */
  | { readonly name: 'throttling'; readonly every: number }
  /** Binds and answers enquire_link, never answers a submit. */
  | { readonly name: 'black-hole' }
  /** Binds, then answers nothing at all (a hung SMSC with the TCP session up). */
  | { readonly name: 'hang' }
  /** Refuses every bind with this command_status. */
  | { readonly name: 'bind-refused'; readonly status: number }
  /** Answers every submit after a fixed delay. */
  | { readonly name: 'slow'; readonly delayMs: number }
  /** Drops the TCP session (no unbind) when the Nth submit of the session arrives, without answering it. */
  | { readonly name: 'disconnect-after'; readonly count: number }
  /** Answers the Nth submit of a session with bytes that are not a PDU. */
  | { readonly name: 'garbage'; readonly after: number }
  /** Refuses every submit with this command_status. */
  | { readonly name: 'reject'; readonly status: number }
  /** Never answers a submit to this destination; answers every other at once (a message the SMSC swallows). */
  | { readonly name: 'swallow'; readonly destination: string };

export const PERSONA_HELP = `personas:
  happy                  answers everything at once
  throttling[:N]         every Nth submit gets ESME_RTHROTTLED (default 10)
  black-hole             binds, answers enquire_link, never answers a submit
  hang                   binds, then answers nothing
  bind-refused[:STATUS]  refuses binds (default 0x0d ESME_RBINDFAIL)
  slow[:MS]              answers every submit after MS milliseconds (default 200)
  disconnect-after[:N]   drops the session at the Nth submit (default 100)
  garbage[:N]            sends bytes that are not a PDU at the Nth submit (default 1)
  reject[:STATUS]        refuses every submit (default 0x0b ESME_RINVDSTADR)
  swallow:DEST           never answers a submit to DEST; answers the others`;

function num(arg: string | undefined, def: number, what: string): number {
  if (arg === undefined || arg === '') return def;
  const n = arg.startsWith('0x') ? Number.parseInt(arg.slice(2), 16) : Number(arg);
  if (!Number.isInteger(n) || n < 0) throw new Error(`persona ${what}: expected a non-negative integer, got ${JSON.stringify(arg)}`);
  return n;
}

/** Parses `name[:arg]`, e.g. `throttling:5`; throws with the list of personas on a bad name. */
export function parsePersona(spec: string): Persona {
  const [name, arg] = spec.split(':', 2) as [string, string | undefined];
  switch (name) {
    case 'happy':
      return { name };
    case 'black-hole':
      return { name };
    case 'hang':
      return { name };
    case 'throttling':
      return { name, every: Math.max(1, num(arg, 10, 'throttling')) };
    case 'bind-refused':
      return { name, status: num(arg, STATUS.ESME_RBINDFAIL, 'bind-refused') };
    case 'slow':
      return { name, delayMs: num(arg, 200, 'slow') };
    case 'disconnect-after':
      return { name, count: Math.max(1, num(arg, 100, 'disconnect-after')) };
    case 'garbage':
      return { name, after: Math.max(1, num(arg, 1, 'garbage')) };
    case 'reject':
      return { name, status: num(arg, STATUS.ESME_RINVDSTADR, 'reject') };
    case 'swallow':
      if (!arg) throw new Error('persona swallow: give the destination, e.g. swallow:4670000001');
      return { name, destination: arg };
    default:
      throw new Error(`unknown persona ${JSON.stringify(name)}\n${PERSONA_HELP}`);
  }
}

export type SubmitReaction =
  | { readonly kind: 'respond'; readonly status: number; readonly delayMs: number }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'disconnect' }
  | { readonly kind: 'garbage' };

/**
 * What the SMSC does with a submit. `simulatorIndex` counts submits across the simulator (throttling spreads over
 * binds as a real SMSC's would); `sessionIndex` counts within the session (1-based).
 */
export function reactToSubmit(p: Persona, simulatorIndex: number, sessionIndex: number, destination = ''): SubmitReaction {
  switch (p.name) {
    case 'happy':
      return { kind: 'respond', status: STATUS.ESME_ROK, delayMs: 0 };
    case 'throttling':
      return { kind: 'respond', status: simulatorIndex % p.every === 0 ? STATUS.ESME_RTHROTTLED : STATUS.ESME_ROK, delayMs: 0 };
    case 'black-hole':
    case 'hang':
      return { kind: 'ignore' };
    case 'bind-refused':
      return { kind: 'respond', status: STATUS.ESME_RINVBNDSTS, delayMs: 0 };
    case 'slow':
      return { kind: 'respond', status: STATUS.ESME_ROK, delayMs: p.delayMs };
    case 'disconnect-after':
      return sessionIndex >= p.count ? { kind: 'disconnect' } : { kind: 'respond', status: STATUS.ESME_ROK, delayMs: 0 };
    case 'garbage':
      return sessionIndex >= p.after ? { kind: 'garbage' } : { kind: 'respond', status: STATUS.ESME_ROK, delayMs: 0 };
    case 'reject':
      return { kind: 'respond', status: p.status, delayMs: 0 };
    case 'swallow':
      return destination === p.destination ? { kind: 'ignore' } : { kind: 'respond', status: STATUS.ESME_ROK, delayMs: 0 };
  }
}

export function personaName(p: Persona): string {
  switch (p.name) {
    case 'throttling':
      return `throttling:${p.every}`;
    case 'bind-refused':
      return `bind-refused:0x${p.status.toString(16)}`;
    case 'slow':
      return `slow:${p.delayMs}`;
    case 'disconnect-after':
      return `disconnect-after:${p.count}`;
    case 'garbage':
      return `garbage:${p.after}`;
    case 'reject':
      return `reject:0x${p.status.toString(16)}`;
    case 'swallow':
      return `swallow:${p.destination}`;
    default:
      return p.name;
  }
}
