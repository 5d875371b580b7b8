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
import { listRefusal } from '../routing/number-list.js';
import { unifyNumber } from '../routing/unified-prefix.js';
import type { LoadedLists } from '../domain/number-lists.js';
import { BUILTIN_SMPP_META_KEYS } from '../domain/tlv.js';
import { parseMetaData, tlvValueProblem, type MetaGroups } from '../smpp/tlv.js';
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
  /** The gateway's unified-prefix (Kannel's core group): receivers are unified with it before any check. */
  readonly unifiedPrefix?: string | undefined;
  /** The loaded white and black lists (messages/number-lists.ts); none when absent. */
  readonly lists?: LoadedLists | undefined;
}

export type PrepareError =
  | { readonly code: 'sender-missing' }
  | { readonly code: 'receivers-denied'; readonly denied: readonly string[] }
  | { readonly code: 'charset'; readonly detail: string }
  | { readonly code: 'unencodable'; readonly detail: string }
  | { readonly code: 'too-many-parts'; readonly parts: number; readonly max: number }
  /** The user data header leaves no room in a part for any of the text: no number of parts would carry it. */
  | { readonly code: 'udh-no-room'; readonly udhOctets: number }
  /** meta-data that cannot be read, or a TLV no link of the route declares, or a value its smpp-tlv cannot carry. */
  | { readonly code: 'meta-data'; readonly detail: string };

export type ReceiverOutcome =
  | { readonly kind: 'queue'; readonly message: NewMessage; readonly route: Route; readonly parts: number }
  | { readonly kind: 'not-routable'; readonly to: string; readonly reason: string };

export type PrepareResult =
  | { readonly ok: true; readonly outcomes: readonly ReceiverOutcome[]; readonly denied: readonly string[] }
  | { readonly ok: false; readonly error: PrepareError };

/** The address keys Kannel reads from meta-data must be numbers it can write in one octet. */
function builtinProblem(meta: MetaGroups): string | undefined {
  const smpp = meta['smpp'];
  if (smpp === undefined) return undefined;
  for (const key of BUILTIN_SMPP_META_KEYS) {
    const v = smpp[key];
    if (v !== undefined && !(/^\d{1,3}$/.test(v) && Number(v) <= 255)) return `${key} must be 0 to 255, got ${JSON.stringify(v)}`;
  }
  if (smpp['data_coding'] !== undefined)
    return 'data_coding in meta-data is not supported: give coding, charset, mclass or alt-dcs instead';
  return undefined;
}

/**
 * Every TLV named in the `smpp` group must be declared (smpp-tlv) for some link of the route, and fit each
 * declaration that may send it. A name no link of the route knows would never reach the SMSC: refused, said why.
 */
function tlvProblem(smpp: Readonly<Record<string, string>>, route: Route, linksById: ReadonlyMap<string, Link>): string | undefined {
  const links = [...route.preferred, ...route.fallback].flatMap((id) => linksById.get(id) ?? []);
  for (const [name, value] of Object.entries(smpp)) {
    if (BUILTIN_SMPP_META_KEYS.has(name)) continue;
    const defs = links.flatMap((l) => l.tlvs.filter((t) => t.name === name));
    if (defs.length === 0) {
      const known = [...new Set(links.flatMap((l) => l.tlvs.map((t) => t.name)))];
      return `unknown TLV ${JSON.stringify(name)}: no smpp-tlv group declares it for ${links.map((l) => l.id).join(', ')} (${known.length > 0 ? `declared: ${known.join(', ')}` : 'none declared'})`;
    }
    for (const def of defs) {
      const problem = tlvValueProblem(def, value);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Kannel's sender precedence: faked-sender, then from, then default-sender, then global-sender. */
export function resolveSender(account: Account, from: string | undefined, globalSender: string | undefined): string | undefined {
  return account.fakedSender || from || account.defaultSender || globalSender || undefined;
}

export function prepareSubmission(sub: Submission, ctx: PrepareContext): PrepareResult {
  const from = resolveSender(sub.account, sub.from, ctx.globalSender);
  if (from === undefined) return { ok: false, error: { code: 'sender-missing' } };

  const allowed: string[] = [];
  const denied: string[] = [];
  const receiverLists = ctx.lists && { account: ctx.lists.accounts.get(sub.account.username), sendsms: ctx.lists.sendsms };
  for (const given of sub.receivers) {
    // Kannel's unified-prefix first, so the account's rules, the lists and routing all see the unified number.
    const to = unifyNumber(ctx.unifiedPrefix, given);
    (receiverRefusal(sub.account, to, ctx.sendsmsChars, receiverLists) === undefined ? allowed : denied).push(to);
  }
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

  let meta: MetaGroups | undefined;
  let metaData: string | undefined;
  if (sub.metaData) {
    const parsed = parseMetaData(sub.metaData);
    if (!parsed.ok) return { ok: false, error: { code: 'meta-data', detail: parsed.problem } };
    meta = parsed.groups;
    const builtin = builtinProblem(meta);
    if (builtin) return { ok: false, error: { code: 'meta-data', detail: builtin } };
    // Stored as given (it reads), as Kannel keeps it: the links read it again when they send.
    metaData = sub.metaData;
  }

  const smscId = resolveSmscId(sub.account, sub.smsc);
  const linksById = ctx.linksById ?? new Map(ctx.links.map((l) => [l.id, l]));
  const udh = sub.text.udh && sub.text.udh.length > 0 ? sub.text.udh : undefined;
  const udhB64 = udh?.toString('base64');
  const priority = sub.priority ?? 0;

  const outcomes: ReceiverOutcome[] = [];
  // The gateway-wide lists (Kannel's core white/black-list-sender and -receiver) refuse as bearerbox does: not routable.
  const senderRefused = ctx.lists ? listRefusal(ctx.lists.senders, from) : undefined;
  for (const to of allowed) {
    const receiverRefused = ctx.lists ? listRefusal(ctx.lists.receivers, to) : undefined;
    if (senderRefused !== undefined || receiverRefused !== undefined) {
      outcomes.push({
        kind: 'not-routable',
        to,
        reason:
          senderRefused !== undefined
            ? `the sender ${from} is refused by the gateway's ${senderRefused.replace('list', 'list-sender')}`
            : `the receiver is refused by the gateway's ${receiverRefused!.replace('list', 'list-receiver')}`,
      });
      continue;
    }
    const decision = computeRoute(ctx.links, smscId, to, ctx.lists);
    if (decision.kind === 'reject') {
      outcomes.push({ kind: 'not-routable', to, reason: decision.reason });
      continue;
    }
    const route = sub.preferSmscId === undefined ? decision.route : preferSmscId(decision.route, linksById, sub.preferSmscId);
    if (meta?.['smpp'] !== undefined) {
      const problem = tlvProblem(meta['smpp'], route, linksById);
      if (problem) return { ok: false, error: { code: 'meta-data', detail: problem } };
    }
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const parts = partsOf(piece.encoded, route, linksById, udh);
      if (parts === Number.POSITIVE_INFINITY) return { ok: false, error: { code: 'udh-no-room', udhOctets: udh?.length ?? 0 } };
      if (parts > sub.account.maxMessages) return { ok: false, error: { code: 'too-many-parts', parts, max: sub.account.maxMessages } };
      const message = messageOf(sub, ctx, { to, from, route, piece, udhB64, priority, smscId, metaData, first: i === 0 });
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
  /** Kannel's meta-data as given, once checked (the links read its TLVs again when they send). */
  readonly metaData: string | undefined;
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
  if (sub.priority === 0) message.priorityGiven = true;
  if (sub.protocolId !== undefined) message.protocolId = sub.protocolId;
  if (sub.replyPath) message.replyPath = true;
  if (sub.validityMinutes !== undefined) message.validUntil = ctx.nowMs + sub.validityMinutes * 60_000;
  if (sub.deferredMinutes !== undefined) message.deliverAt = ctx.nowMs + sub.deferredMinutes * 60_000;
  if (m.first && sub.dlrMask !== undefined && sub.dlrMask > 0) message.dlrMask = sub.dlrMask;
  if (m.first && sub.dlrUrl) message.dlrUrl = sub.dlrUrl;
  if (m.first && sub.callbackUrl) message.callbackUrl = sub.callbackUrl;
  if (sub.billing) message.billing = sub.billing;
  if (sub.binfo) message.binfo = sub.binfo;
  if (m.metaData) message.metaData = m.metaData;
  if (smscId) message.smscId = smscId;
  return message;
}
