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
import { unifyNumber } from './unified-prefix.js';
import type { LoadedLists } from '../domain/number-lists.js';

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
  readonly account: Pick<Account, 'username' | 'forcedSmsc' | 'defaultSmsc' | 'allowedPrefix' | 'deniedPrefix'> &
    Partial<Pick<Account, 'allowedPrefixRegex' | 'deniedPrefixRegex'>>;
  readonly receiver: string;
  readonly requestedSmsc?: string | undefined;
  /** The gateway's sendsms-chars; without it the receiver's characters are not checked. */
  readonly sendsmsChars?: string | undefined;
  /** The gateway's unified-prefix (Kannel's core group), applied to the receiver before anything else. */
  readonly unifiedPrefix?: string | undefined;
  /** The loaded white and black lists; without them no list is checked. */
  readonly lists?: LoadedLists | undefined;
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
    case 'allowed-smsc-id-regex':
      return smscId === undefined
        ? `allowed-smsc-id-regex (${r.allowedSmscIdRegex ?? ''}) is set and the message has no smsc-id`
        : `allowed-smsc-id-regex (${r.allowedSmscIdRegex ?? ''}) does not match "${smscId}"`;
    case 'denied-smsc-id-regex':
      return `denied-smsc-id-regex (${r.deniedSmscIdRegex ?? ''}) matches "${smscId ?? ''}"`;
    case 'allowed-prefix-regex':
      return `allowed-prefix-regex (${r.allowedPrefixRegex ?? ''}) does not match ${receiver}`;
    case 'denied-prefix-regex':
      return `denied-prefix-regex (${r.deniedPrefixRegex ?? ''}) matches ${receiver}`;
    case 'preferred-prefix-regex':
      return `preferred-prefix-regex (${r.preferredPrefixRegex ?? ''}) matches ${receiver}`;
    case 'preferred-smsc-id-regex':
      return `preferred-smsc-id-regex (${r.preferredSmscIdRegex ?? ''}) matches "${smscId ?? ''}"`;
    case 'white-list':
      return `${receiver} is not in the link's white-list`;
    case 'white-list-regex':
      return `the link's white-list-regex does not match ${receiver}`;
    case 'black-list':
      return `${receiver} is in the link's black-list`;
    case 'black-list-regex':
      return `the link's black-list-regex matches ${receiver}`;
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
    case 'allowed-prefix-regex':
      return `account "${account.username}" allowed-prefix-regex (${account.allowedPrefixRegex ?? ''}) does not match ${receiver}`;
    case 'denied-prefix-regex':
      return `account "${account.username}" denied-prefix-regex (${account.deniedPrefixRegex ?? ''}) matches ${receiver}`;
    case 'white-list':
      return `${receiver} is not in account "${account.username}" white-list`;
    case 'white-list-regex':
      return `account "${account.username}" white-list-regex does not match ${receiver}`;
    case 'black-list':
      return `${receiver} is in account "${account.username}" black-list`;
    case 'black-list-regex':
      return `account "${account.username}" black-list-regex matches ${receiver}`;
    case 'global white-list':
      return `${receiver} is not in the sendsms white-list`;
    case 'global white-list-regex':
      return `the sendsms white-list-regex does not match ${receiver}`;
    case 'global black-list':
      return `${receiver} is in the sendsms black-list`;
    case 'global black-list-regex':
      return `the sendsms black-list-regex matches ${receiver}`;
  }
}

export function explainRoute(input: ExplainInput): RouteExplanation {
  const { links, account, lists } = input;
  // The gateway's unified-prefix comes first: every rule sees the number it makes.
  const receiver = unifyNumber(input.unifiedPrefix, input.receiver);
  const requestedSmsc = input.requestedSmsc || undefined;
  const { smscId, origin } = resolveSmscIdOrigin(account, requestedSmsc);
  const decision = computeRoute(links, smscId, receiver, lists);
  const route = decision.kind === 'send' ? decision.route : undefined;
  const tierOf = (id: string): LinkTier =>
    route?.preferred.includes(id) ? 'preferred' : route?.fallback.includes(id) ? 'fallback' : 'not-eligible';
  const explained = links.map((link): LinkExplanation => {
    const e = linkEligibilityFor(link, smscId, receiver, lists);
    const seen = unifyNumber(link.routing.unifiedPrefix, receiver);
    return {
      link: link.id,
      smscId: link.smscId,
      tier: tierOf(link.id),
      usability: e.usability,
      rule: e.rule,
      reason: describeEligibility(link, e, smscId, seen),
    };
  });
  const refusal = receiverRefusal(account, receiver, input.sendsmsChars, {
    account: lists?.accounts.get(account.username),
    sendsms: lists?.sendsms,
  });
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
