/**
 * The payload of a route queue job: several messages, each a compact positional array rather than an object with
 * long keys. A queued message is stored once per message in Redis and serialised on the accept path, so its size
 * is memory and CPU (a 200-byte object became about 110 bytes). Optional fields sit in one small object, and
 * what a link learned while trying (attempts, unanswered submits, the parts of a long message already accepted)
 * travels with the message when it goes back to the queue.
 */
import type { Alphabet, NewMessage, QueuedMessage } from '../domain/message.js';
import type { AcceptedPart } from '../domain/delivery.js';

/** Optional message fields, by short key. */
interface WireExtras {
  s?: string;
  u?: string;
  pid?: number;
  rp?: 1;
  v?: number;
  d?: number;
  k?: number;
  l?: string;
  c?: string;
  b?: string;
  i?: string;
  md?: string;
  x?: string;
  pg?: 1;
}

/** What earlier tries left: attempts with temporary errors, unanswered submits, a long message's progress. */
export interface DeliveryState {
  /** Submits refused with a temporary error (count against max-attempts). */
  readonly attempts: number;
  /** Submits that went unanswered (count against max-unanswered). */
  readonly unanswered: number;
  /** A long message whose first parts were accepted: the rest go on this link with this reference. */
  readonly progress?: { readonly link: string; readonly ref: number; readonly accepted: readonly AcceptedPart[]; readonly since: number };
}

interface WireState {
  a?: number;
  n?: number;
  g?: { l: string; r: number; p: [number, string][]; t: number };
}

type WireMessage = [
  id: string,
  account: string,
  from: string,
  to: string,
  dataCoding: number,
  alphabet: number,
  body: string,
  acceptedAt: number,
  priority: number,
  extras?: WireExtras | 0,
  state?: WireState,
];

/** A route queue job's data. */
export interface BatchData {
  /** Messages, oldest first. */
  readonly m: WireMessage[];
  /**
   * bullmq's stalled counter when the job last went back to the queue in order; a job taken with a higher one was
   * interrupted by a crash while a link held it, and its messages are checked against their records first.
   */
  readonly sc?: number;
  /** The commit this job was written in, when that commit wrote several jobs (see producer.ts). */
  readonly c?: string;
}

export interface BatchItem {
  readonly msg: QueuedMessage;
  readonly state: DeliveryState;
}

export const NO_STATE: DeliveryState = { attempts: 0, unanswered: 0 };

const ALPHABETS: readonly Alphabet[] = ['gsm7', 'ucs2', 'latin1', 'binary'];
const ALPHABET_CODE: Readonly<Record<Alphabet, number>> = { gsm7: 0, ucs2: 1, latin1: 2, binary: 3 };

export type { NewMessage };

function extrasOf(m: NewMessage): WireExtras | 0 {
  let x: WireExtras | undefined;
  const put = <K extends keyof WireExtras>(k: K, v: WireExtras[K]): void => {
    (x ??= {})[k] = v;
  };
  if (m.service !== m.account) put('s', m.service);
  if (m.udh !== undefined) put('u', m.udh);
  if (m.protocolId !== undefined) put('pid', m.protocolId);
  if (m.replyPath) put('rp', 1);
  if (m.validUntil !== undefined) put('v', m.validUntil);
  if (m.deliverAt !== undefined) put('d', m.deliverAt);
  if (m.dlrMask !== undefined) put('k', m.dlrMask);
  if (m.dlrUrl !== undefined) put('l', m.dlrUrl);
  if (m.callbackUrl !== undefined) put('c', m.callbackUrl);
  if (m.billing !== undefined) put('b', m.billing);
  if (m.binfo !== undefined) put('i', m.binfo);
  if (m.metaData !== undefined) put('md', m.metaData);
  if (m.smscId !== undefined) put('x', m.smscId);
  if (m.priorityGiven) put('pg', 1);
  return x ?? 0;
}

function wireState(s: DeliveryState): WireState | undefined {
  if (s.attempts === 0 && s.unanswered === 0 && !s.progress) return undefined;
  const w: WireState = {};
  if (s.attempts) w.a = s.attempts;
  if (s.unanswered) w.n = s.unanswered;
  if (s.progress)
    w.g = { l: s.progress.link, r: s.progress.ref, p: s.progress.accepted.map((p) => [p.seq, p.smscMessageId]), t: s.progress.since };
  return w;
}

export function encodeMessage(id: string, m: NewMessage, state: DeliveryState = NO_STATE): WireMessage {
  const w: WireMessage = [
    id,
    m.account,
    m.from,
    m.to,
    m.dataCoding,
    ALPHABET_CODE[m.alphabet],
    m.body,
    m.acceptedAt,
    m.priority,
    extrasOf(m),
  ];
  const st = wireState(state);
  if (st) w.push(st);
  return w;
}

export function encodeItems(items: readonly BatchItem[], stalledCounter?: number): BatchData {
  const m = items.map((i) => encodeMessage(i.msg.id, i.msg, i.state));
  return stalledCounter ? { m, sc: stalledCounter } : { m };
}

/** Reads a job's messages back; `route` is the key of the queue the job came from. */
export function decodeBatch(data: BatchData, route: string): BatchItem[] {
  return data.m.map((w) => {
    const [id, account, from, to, dataCoding, alphabet, body, acceptedAt, priority, extras, st] = w;
    const x: WireExtras = extras || {};
    const msg: QueuedMessage = {
      id,
      account,
      service: x.s ?? account,
      from,
      to,
      dataCoding,
      alphabet: ALPHABETS[alphabet] ?? 'binary',
      body,
      priority,
      route,
      acceptedAt,
      ...(x.u !== undefined ? { udh: x.u } : {}),
      ...(x.pid !== undefined ? { protocolId: x.pid } : {}),
      ...(x.rp ? { replyPath: true } : {}),
      ...(x.v !== undefined ? { validUntil: x.v } : {}),
      ...(x.d !== undefined ? { deliverAt: x.d } : {}),
      ...(x.k !== undefined ? { dlrMask: x.k } : {}),
      ...(x.l !== undefined ? { dlrUrl: x.l } : {}),
      ...(x.c !== undefined ? { callbackUrl: x.c } : {}),
      ...(x.b !== undefined ? { billing: x.b } : {}),
      ...(x.i !== undefined ? { binfo: x.i } : {}),
      ...(x.md !== undefined ? { metaData: x.md } : {}),
      ...(x.x !== undefined ? { smscId: x.x } : {}),
      ...(x.pg ? { priorityGiven: true as const } : {}),
    };
    const state: DeliveryState = st
      ? {
          attempts: st.a ?? 0,
          unanswered: st.n ?? 0,
          ...(st.g
            ? {
                progress: {
                  link: st.g.l,
                  ref: st.g.r,
                  accepted: st.g.p.map(([seq, smscMessageId]) => ({ seq, smscMessageId })),
                  since: st.g.t,
                },
              }
            : {}),
        }
      : NO_STATE;
    return { msg, state };
  });
}
