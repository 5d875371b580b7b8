/**
 * From a validated submission (either HTTP interface) to the messages to queue, or the reason to refuse it:
 * sender precedence, receiver checks, text encoding, the max-messages cap and routing. Pure: ids and the time are
 * passed in, and nothing is stored here.
 */
import type { Account } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import type { NewMessage } from '../domain/message.js';
import { countParts, encodeText, type TextRequest } from '../encoding/index.js';
import { computeRoute, preferSmscId, resolveSmscId, type Route } from '../routing/compute-route.js';
import { receiverRefusal } from '../routing/receiver-refusal.js';
import { shapeSubmission } from './shape-submission.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Submission {
  readonly account: Account;
  readonly from: string | undefined;
  readonly receivers: readonly string[];
  readonly text: TextRequest;
  readonly smsc: string | undefined;
  readonly validityMinutes: number | undefined;
  readonly deferredMinutes: number | undefined;
  readonly dlrMask: number | undefined;
  readonly dlrUrl: string | undefined;
  /** JSON API: reports go to this URL as JSON instead of a Kannel dlr-url. */
  readonly callbackUrl?: string | undefined;
  readonly protocolId: number | undefined;
  readonly replyPath: boolean | undefined;
  readonly priority: number | undefined;
  readonly billing: string | undefined;
  readonly binfo: string | undefined;
  readonly metaData: string | undefined;
  /** An answer to an MO: the links of this smsc-id (the MO's SMSC) go first in its route. */
  readonly preferSmscId?: string | undefined;
}

export interface PrepareContext {
  readonly links: readonly Link[];
  /** The same links by id, built once by the caller (this runs per request). */
  readonly linksById?: ReadonlyMap<string, Link>;
  readonly globalSender: string | undefined;
  readonly sendsmsChars: string;
  readonly nowMs: number;
}

export type PrepareError =
  | { readonly code: 'sender-missing' }
  | { readonly code: 'receivers-denied'; readonly denied: readonly string[] }
  | { readonly code: 'charset'; readonly detail: string }
  | { readonly code: 'unencodable'; readonly detail: string }
  | { readonly code: 'too-many-parts'; readonly parts: number; readonly max: number }
  /** The user data header leaves no room in a part for any of the text: no number of parts would carry it. */
  | { readonly code: 'udh-no-room'; readonly udhOctets: number };

export type ReceiverOutcome =
  | { readonly kind: 'queue'; readonly message: NewMessage; readonly route: Route; readonly parts: number }
  | { readonly kind: 'not-routable'; readonly to: string; readonly reason: string };

export type PrepareResult =
  | { readonly ok: true; readonly outcomes: readonly ReceiverOutcome[]; readonly denied: readonly string[] }
  | { readonly ok: false; readonly error: PrepareError };

/** Kannel's sender precedence: faked-sender, then from, then default-sender, then global-sender. */
export function resolveSender(account: Account, from: string | undefined, globalSender: string | undefined): string | undefined {
  return account.fakedSender || from || account.defaultSender || globalSender || undefined;
}

export function prepareSubmission(sub: Submission, ctx: PrepareContext): PrepareResult {
  const from = resolveSender(sub.account, sub.from, ctx.globalSender);
  if (from === undefined) return { ok: false, error: { code: 'sender-missing' } };

  const allowed: string[] = [];
  const denied: string[] = [];
  for (const to of sub.receivers) (receiverRefusal(sub.account, to, ctx.sendsmsChars) === undefined ? allowed : denied).push(to);
  if (allowed.length === 0) return { ok: false, error: { code: 'receivers-denied', denied } };

  // A sendsms-user with Kannel's text shaping may send one receiver several messages: each is queued on its own.
  const shaped = shapeSubmission(sub.text, sub.account);
  if (!shaped.ok) return { ok: false, error: shaped.error };
  const pieces: Piece[] = [];
  for (const text of shaped.texts) {
    const encoded = encodeText(text);
    if (!encoded.ok) return { ok: false, error: { code: encoded.error, detail: encoded.detail } };
    pieces.push({ encoded, body: encoded.payload.toString('base64') });
  }

  const smscId = resolveSmscId(sub.account, sub.smsc);
  const linksById = ctx.linksById ?? new Map(ctx.links.map((l) => [l.id, l]));
  const udh = sub.text.udh && sub.text.udh.length > 0 ? sub.text.udh : undefined;
  const udhB64 = udh?.toString('base64');
  const priority = sub.priority ?? 0;

  const outcomes: ReceiverOutcome[] = [];
  for (const to of allowed) {
    const decision = computeRoute(ctx.links, smscId, to);
    if (decision.kind === 'reject') {
      outcomes.push({ kind: 'not-routable', to, reason: decision.reason });
      continue;
    }
    const route = sub.preferSmscId === undefined ? decision.route : preferSmscId(decision.route, linksById, sub.preferSmscId);
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const parts = partsOf(piece.encoded, route, linksById, udh);
      if (parts === Number.POSITIVE_INFINITY) return { ok: false, error: { code: 'udh-no-room', udhOctets: udh?.length ?? 0 } };
      if (parts > sub.account.maxMessages) return { ok: false, error: { code: 'too-many-parts', parts, max: sub.account.maxMessages } };
      const message = messageOf(sub, ctx, { to, from, route, piece, udhB64, priority, smscId, first: i === 0 });
      outcomes.push({ kind: 'queue', message, route, parts });
    }
  }
  return { ok: true, outcomes, denied };
}

type Encoded = Extract<ReturnType<typeof encodeText>, { ok: true }>;

/** One message's text, encoded once for every receiver. */
interface Piece {
  readonly encoded: Encoded;
  readonly body: string;
}

/** The parts a message takes: the cap holds whichever link ends up carrying it, so the route's least generous split. */
function partsOf(encoded: Encoded, route: Route, linksById: ReadonlyMap<string, Link>, udh: Buffer | undefined): number {
  let parts = 1;
  for (const id of [...route.preferred, ...route.fallback]) {
    const link = linksById.get(id);
    if (link) parts = Math.max(parts, countParts(encoded.alphabet, encoded.payload, link.concatenation, udh));
  }
  return parts;
}

interface MessageParts {
  readonly to: string;
  readonly from: string;
  readonly route: Route;
  readonly piece: Piece;
  readonly udhB64: string | undefined;
  readonly priority: number;
  readonly smscId: string | undefined;
  /** Reports are asked for the first message of a shaped text only, as Kannel's sms_split does. */
  readonly first: boolean;
}

function messageOf(sub: Submission, ctx: PrepareContext, m: MessageParts): NewMessage {
  const { to, from, route, piece, udhB64, priority, smscId } = m;
  // Optional fields are set only when present, keeping the stored job small; assignments, not conditional
  // spreads, because this runs once per receiver on the accept path.
  const message: Mutable<NewMessage> = {
    account: sub.account.username,
    service: sub.account.name,
    from,
    to,
    dataCoding: piece.encoded.dataCoding,
    alphabet: piece.encoded.alphabet,
    body: piece.body,
    priority,
    route: route.key,
    acceptedAt: ctx.nowMs,
  };
  if (udhB64) message.udh = udhB64;
  if (sub.protocolId !== undefined) message.protocolId = sub.protocolId;
  if (sub.replyPath) message.replyPath = true;
  if (sub.validityMinutes !== undefined) message.validUntil = ctx.nowMs + sub.validityMinutes * 60_000;
  if (sub.deferredMinutes !== undefined) message.deliverAt = ctx.nowMs + sub.deferredMinutes * 60_000;
  if (m.first && sub.dlrMask !== undefined && sub.dlrMask > 0) message.dlrMask = sub.dlrMask;
  if (m.first && sub.dlrUrl) message.dlrUrl = sub.dlrUrl;
  if (m.first && sub.callbackUrl) message.callbackUrl = sub.callbackUrl;
  if (sub.billing) message.billing = sub.billing;
  if (sub.binfo) message.binfo = sub.binfo;
  if (sub.metaData) message.metaData = sub.metaData;
  if (smscId) message.smscId = smscId;
  return message;
}
