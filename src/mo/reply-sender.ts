/**
 * Sends a service's answer back to the handset through the accept path, as any message (durable, routed, with its
 * own record, history and receipts): every SMS of one answer is accepted together or not at all. The messages carry
 * the service as their account (`sms-service:<name>`), so they are told apart from any sendsms-user's, and no
 * account's limits or callback-allow apply to them.
 *
 * Redis refusing the messages fails the MO's job, which is tried again, service call included: an answer is sent at
 * least once, and twice when Redis fails between the service's answer and the queue. An answer that can never be
 * sent (not routable, not encodable) is logged and dropped, as Kannel drops it.
 */
import type { Logger } from 'pino';
import type { Account } from '../domain/account.js';
import type { Service } from '../domain/service.js';
import { MAX_PARTS } from '../encoding/index.js';
import type { AcceptResult } from '../messages/accept-service.js';
import type { Submission } from '../messages/prepare-submission.js';
import { MoReplyError } from './mo-errors.js';
import type { MoMessage } from './mo-message.js';
import { planReply, type ReplyContext, type ReplyMessage, type ServiceAnswer } from './service-reply.js';

/** The accept path (AcceptService.acceptBatch). */
export type AcceptBatch = (
  subs: readonly Submission[],
) => Promise<{ ok: true; results: AcceptResult[] } | { ok: false; index: number; result: AcceptResult }>;

/** What the MO queue hands an answer to. */
export interface ReplySink {
  /** Resolves once the answer is queued (or there is none to send); throws when it should be tried again. */
  send(mo: MoMessage, service: Service, answer: ServiceAnswer): Promise<ReplyOutcome>;
}

export type ReplyOutcome =
  | { readonly kind: 'queued'; readonly ids: readonly string[]; readonly truncated: boolean }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'dropped'; readonly reason: string };

/** The identity an answer is sent under. */
export function serviceAccount(service: Service): Account {
  return gatewayAccount(`sms-service:${service.name}`, service.name);
}

/**
 * An account of the gateway's own, for messages it sends on its own behalf (a service's answer, a rerouted MO): no
 * login, no limits, no sender rules.
 */
export function gatewayAccount(username: string, name: string): Account {
  return {
    username,
    password: '',
    name,
    defaultSmsc: undefined,
    forcedSmsc: undefined,
    defaultSender: undefined,
    fakedSender: undefined,
    // An answer was already cut to its service's max-messages; the link's split must not refuse it again.
    maxMessages: MAX_PARTS,
    allowIp: [],
    denyIp: [],
    callbackAllow: [],
    allowedPrefix: [],
    deniedPrefix: [],
  };
}

export function replySubmission(account: Account, m: ReplyMessage): Submission {
  return {
    account,
    from: m.from,
    receivers: [m.to],
    text: m.text,
    smsc: m.smsc,
    validityMinutes: m.validityMinutes,
    deferredMinutes: m.deferredMinutes,
    dlrMask: m.dlrMask,
    dlrUrl: m.dlrUrl,
    protocolId: m.protocolId,
    replyPath: m.replyPath,
    priority: m.priority,
    billing: m.billing,
    binfo: m.binfo,
    metaData: m.metaData,
    preferSmscId: m.preferSmscId,
  };
}

export interface ReplySenderOptions {
  readonly accept: AcceptBatch;
  readonly context: () => ReplyContext;
  readonly logger: Logger;
}

export class ReplySender implements ReplySink {
  constructor(private readonly opts: ReplySenderOptions) {}

  async send(mo: MoMessage, service: Service, answer: ServiceAnswer): Promise<ReplyOutcome> {
    const log = this.opts.logger;
    const context = { mo: mo.id, service: service.name, to: mo.from };
    const plan = planReply(mo, service, answer, this.opts.context());
    if (plan.kind === 'none') return { kind: 'none', reason: plan.reason };
    if (plan.ignored.length > 0)
      log.warn(
        { ...context, fields: plan.ignored },
        'the service set X-Kannel-* fields of its answer without accept-x-kannel-headers; ignored',
      );
    const account = serviceAccount(service);
    const r = await this.opts.accept(plan.messages.map((m) => replySubmission(account, m)));
    if (!r.ok) {
      const error = r.result.ok ? undefined : r.result.error;
      if (error?.code === 'unavailable') throw new MoReplyError(service.name, error.detail);
      const reason = error === undefined ? 'refused' : error.code;
      log.warn({ ...context, reason: error }, "the service's answer cannot be sent; dropped");
      return { kind: 'dropped', reason };
    }
    const ids: string[] = [];
    for (const result of r.results) {
      if (!result.ok) continue;
      for (const receiver of result.receivers) {
        if (receiver.status === 'not-routable') {
          log.warn({ ...context, reason: receiver.reason }, "the service's answer is not routable; dropped");
          return { kind: 'dropped', reason: 'not-routable' };
        }
        ids.push(receiver.id);
      }
    }
    return { kind: 'queued', ids, truncated: plan.truncated };
  }
}
