/**
 * Why a message goes where it goes: for one account, receiver and requested smsc-id, every link with its tier
 * (preferred, fallback, or not eligible) and the routing key that decided it, and the resulting route. It answers
 * from the configuration alone, with the same functions the accept path uses (resolveSmscIdOrigin, receiverRefusal,
 * linkEligibilityFor, computeRoute), so it cannot disagree with them. Pure.
 *
 * Live state (whether a link is bound, healthy, how deep its queue is) is not known here. A caller that knows it adds
 * its own fields to each link: RouteExplanation is generic in the link type.
 */
import type { Account } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import {
  computeRoute,
  linkEligibilityFor,
  resolveSmscIdOrigin,
  type LinkEligibility,
  type Route,
  type SmscIdOrigin,
} from './compute-route.js';
import { receiverRefusal, type ReceiverRefusal } from './receiver-refusal.js';

export type LinkTier = 'preferred' | 'fallback' | 'not-eligible';

export interface LinkExplanation {
  /** The link's id (smsc-admin-id, or derived from its smsc-id). */
  readonly link: string;
  readonly smscId: string;
  readonly tier: LinkTier;
  /** -1: the link may never carry this message; 0: it may; 1: it is preferred for it (Kannel's smscconn_usable). */
  readonly usability: -1 | 0 | 1;
  /** The key that excluded the link or made it preferred; undefined when it may carry the message and nothing prefers it. */
  readonly rule: LinkEligibility['rule'];
  /** The same in words, with the values involved. */
  readonly reason: string;
}

export interface RouteExplanation<L extends LinkExplanation = LinkExplanation> {
  readonly account: string;
  readonly receiver: string;
  /** The smsc-id the request asked for (`smsc=`), if any. */
  readonly requestedSmsc: string | undefined;
  /** The message's smsc-id after forced-smsc and default-smsc, and where it came from. */
  readonly smscId: string | undefined;
  readonly smscIdOrigin: SmscIdOrigin;
  /** The check that refuses this receiver before any link is considered (sendsms-chars, the account's prefixes). */
  readonly receiverRefused: { readonly rule: ReceiverRefusal; readonly reason: string } | undefined;
  readonly routable: boolean;
  /** The route a routable message is queued on; also given when the receiver is refused, to show what the links would do. */
  readonly route: Route | undefined;
  /** Why it is not routable. */
  readonly reason: string | undefined;
  /** Every configured link, in configuration order. */
  readonly links: readonly L[];
}

export interface ExplainInput {
  readonly links: readonly Link[];
  readonly account: Pick<Account, 'username' | 'forcedSmsc' | 'defaultSmsc' | 'allowedPrefix' | 'deniedPrefix'>;
  readonly receiver: string;
  readonly requestedSmsc?: string | undefined;
  /** The gateway's sendsms-chars; without it the receiver's characters are not checked. */
  readonly sendsmsChars?: string | undefined;
}

const list = (xs: readonly string[]): string => xs.join(';');
const quoted = (smscId: string | undefined): string => (smscId === undefined ? 'no smsc-id' : `smsc-id "${smscId}"`);

/** The decision of linkEligibilityFor in words. */
export function describeEligibility(link: Pick<Link, 'routing'>, e: LinkEligibility, smscId: string | undefined, receiver: string): string {
  const r = link.routing;
  switch (e.rule) {
    case 'receive-only':
      return 'port is 0: the link only receives';
    case 'allowed-smsc-id':
      return smscId === undefined
        ? `allowed-smsc-id (${list(r.allowedSmscId)}) is set and the message has no smsc-id`
        : `allowed-smsc-id (${list(r.allowedSmscId)}) does not list "${smscId}"`;
    case 'denied-smsc-id':
      return `denied-smsc-id (${list(r.deniedSmscId)}) lists "${smscId ?? ''}"`;
    case 'allowed-prefix':
      return `allowed-prefix (${list(r.allowedPrefix)}) does not match ${receiver}`;
    case 'denied-prefix':
      return r.allowedPrefix.length > 0
        ? `denied-prefix (${list(r.deniedPrefix)}) matches ${receiver} and allowed-prefix (${list(r.allowedPrefix)}) does not`
        : `denied-prefix (${list(r.deniedPrefix)}) matches ${receiver}`;
    case 'preferred-smsc-id':
      return `preferred-smsc-id (${list(r.preferredSmscId)}) lists "${smscId ?? ''}"`;
    case 'preferred-prefix':
      return `preferred-prefix (${list(r.preferredPrefix)}) matches ${receiver}`;
    case undefined:
      return `may carry it (${quoted(smscId)}); no rule prefers it`;
  }
}

function describeRefusal(refusal: ReceiverRefusal, account: ExplainInput['account'], receiver: string): string {
  switch (refusal) {
    case 'sendsms-chars':
      return `the receiver ${JSON.stringify(receiver)} has characters outside sendsms-chars`;
    case 'allowed-prefix':
      return `account "${account.username}" allowed-prefix (${list(account.allowedPrefix)}) does not match ${receiver}`;
    case 'denied-prefix':
      return `account "${account.username}" denied-prefix (${list(account.deniedPrefix)}) matches ${receiver}`;
  }
}

export function explainRoute(input: ExplainInput): RouteExplanation {
  const { links, account, receiver } = input;
  const requestedSmsc = input.requestedSmsc || undefined;
  const { smscId, origin } = resolveSmscIdOrigin(account, requestedSmsc);
  const decision = computeRoute(links, smscId, receiver);
  const route = decision.kind === 'send' ? decision.route : undefined;
  const tierOf = (id: string): LinkTier =>
    route?.preferred.includes(id) ? 'preferred' : route?.fallback.includes(id) ? 'fallback' : 'not-eligible';
  const explained = links.map((link): LinkExplanation => {
    const e = linkEligibilityFor(link, smscId, receiver);
    return {
      link: link.id,
      smscId: link.smscId,
      tier: tierOf(link.id),
      usability: e.usability,
      rule: e.rule,
      reason: describeEligibility(link, e, smscId, receiver),
    };
  });
  const refusal = receiverRefusal(account, receiver, input.sendsmsChars);
  const receiverRefused = refusal === undefined ? undefined : { rule: refusal, reason: describeRefusal(refusal, account, receiver) };
  const reason = receiverRefused?.reason ?? (decision.kind === 'reject' ? decision.reason : undefined);
  return {
    account: account.username,
    receiver,
    requestedSmsc,
    smscId,
    smscIdOrigin: origin,
    receiverRefused,
    routable: reason === undefined,
    route,
    reason,
    links: explained,
  };
}
