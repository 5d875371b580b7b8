/**
 * Kannel's SMS hub mode (bb_smscconn.c route_incoming_to_smsc): an MO from a link with `reroute`, `reroute-smsc-id`
 * or a matching `reroute-receiver` is not handed to the services but sent straight out as an MT through the accept
 * path (durable, routed, recorded, with receipts), keeping its sender, receiver, text, coding, class and UDH.
 *
 * `rerouteTarget` is the pure decision; MoRerouter sends. Rerouted messages carry `reroute:<link id>` as their
 * account. As for a service's answer, Redis refusing the message fails the MO's job, which is tried again; a message
 * that can never be sent (no link may carry it) is logged and dropped, as Kannel answers the SMSC and drops it.
 */
import type { Logger } from 'pino';
import type { Account } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import { dcsToAlphabet, type TextRequest } from '../encoding/index.js';
import type { Submission } from '../messages/prepare-submission.js';
import { MoReplyError } from './mo-errors.js';
import type { MoMessage } from './mo-message.js';
import { gatewayAccount, type AcceptBatch } from './reply-sender.js';

/** The smsc-id the MT is routed with, and the rule that decided; undefined: the MO goes to the services. */
export function rerouteTarget(
  mo: Pick<MoMessage, 'to' | 'smscId'>,
  link: Pick<Link, 'reroute'> | undefined,
): { readonly smscId: string; readonly rule: 'reroute' | 'reroute-smsc-id' | 'reroute-receiver' } | undefined {
  const r = link?.reroute;
  if (r === undefined) return undefined;
  if (r.all) return { smscId: mo.smscId, rule: 'reroute' };
  if (r.toSmscId !== undefined) return { smscId: r.toSmscId, rule: 'reroute-smsc-id' };
  const byReceiver = Object.hasOwn(r.byReceiver, mo.to) ? r.byReceiver[mo.to] : undefined;
  return byReceiver === undefined ? undefined : { smscId: byReceiver, rule: 'reroute-receiver' };
}

/** The MT an MO becomes: its text as it came (8-bit data as data, UCS-2 kept UCS-2), its class, indication and UDH. */
export function reroutedText(mo: MoMessage): TextRequest {
  const udh = mo.udhHex === undefined ? undefined : Buffer.from(mo.udhHex, 'hex');
  const common = {
    ...(mo.mclass !== undefined ? { mclass: mo.mclass } : {}),
    ...(mo.mwi !== undefined ? { mwi: mo.mwi } : {}),
    ...(udh !== undefined ? { udh } : {}),
  };
  if (mo.coding === 1 && mo.binaryHex !== undefined) return { text: Buffer.from(mo.binaryHex, 'hex'), coding: 1, ...common };
  const ucs2 = dcsToAlphabet(mo.dataCoding).alphabet === 'ucs2';
  return {
    text: Buffer.from(mo.text, 'utf8'),
    charset: 'utf-8',
    ...(ucs2 ? { coding: 2 as const } : udh !== undefined ? { coding: 0 as const } : {}),
    ...common,
  };
}

export function rerouteAccount(linkId: string): Account {
  return gatewayAccount(`reroute:${linkId}`, `reroute:${linkId}`);
}

export type RerouteOutcome =
  | { readonly kind: 'queued'; readonly id: string; readonly smscId: string; readonly rule: string }
  | { readonly kind: 'dropped'; readonly reason: string };

export interface MoRerouterOptions {
  /** Every configured link by id (kept current by a reload). */
  readonly links: ReadonlyMap<string, Link>;
  readonly accept: AcceptBatch;
  readonly logger: Logger;
}

export class MoRerouter {
  constructor(private readonly opts: MoRerouterOptions) {}

  /** Undefined when the MO is not rerouted (it goes to the services); throws when it should be tried again. */
  async reroute(mo: MoMessage): Promise<RerouteOutcome | undefined> {
    const target = rerouteTarget(mo, this.opts.links.get(mo.linkId));
    if (target === undefined) return undefined;
    const sub: Submission = {
      account: rerouteAccount(mo.linkId),
      from: mo.from,
      receivers: [mo.to],
      text: reroutedText(mo),
      smsc: target.smscId,
      validityMinutes: undefined,
      deferredMinutes: undefined,
      dlrMask: undefined,
      dlrUrl: undefined,
      protocolId: mo.protocolId || undefined,
      replyPath: undefined,
      priority: undefined,
      billing: undefined,
      binfo: mo.serviceType || undefined,
      metaData: undefined,
    };
    const context = { mo: mo.id, link: mo.linkId, from: mo.from, to: mo.to, smscId: target.smscId, rule: target.rule };
    const r = await this.opts.accept([sub]);
    const result = r.ok ? r.results[0] : r.result;
    if (result === undefined || !result.ok) {
      const error = result?.ok === false ? result.error : undefined;
      if (error?.code === 'unavailable') throw new MoReplyError(`reroute:${mo.linkId}`, error.detail);
      this.opts.logger.warn({ ...context, reason: error }, 'rerouted MO cannot be sent; dropped');
      return { kind: 'dropped', reason: error?.code ?? 'refused' };
    }
    const receiver = result.receivers[0];
    if (receiver === undefined || receiver.status === 'not-routable') {
      this.opts.logger.warn(
        { ...context, reason: receiver?.status === 'not-routable' ? receiver.reason : undefined },
        'rerouted MO is not routable; dropped',
      );
      return { kind: 'dropped', reason: 'not-routable' };
    }
    this.opts.logger.debug({ ...context, id: receiver.id }, 'MO rerouted as MT');
    return { kind: 'queued', id: receiver.id, smscId: target.smscId, rule: target.rule };
  }
}
