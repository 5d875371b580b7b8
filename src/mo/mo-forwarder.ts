/**
 * Hands one MO to its service over HTTP: picks the service, builds the request, sends it with a deadline. Success
 * is any 2xx; everything else throws a typed error for the queue to retry or give up on. The reply body is read
 * and dropped: Kannel would send it back to the handset as a reply SMS, which switchboard does not do (yet).
 *
 * Sent with httpCall (node:http, keep-alive) through the outbound guard, like the receipt callbacks: a service
 * URL whose host resolves into callbacks.deny-networks is refused, not called.
 */
import type { ClientDeliverJob } from '../dlr/callback-queue.js';
import type { Service } from '../domain/service.js';
import { httpCall, type HttpCall, type HttpCallResult } from '../http-client/http-call.js';
import type { OutboundGuard } from '../http-client/outbound-guard.js';
import { redactUrl } from '../observability/redact-url.js';
import { buildMoRequest, type MoRequest } from './build-mo-request.js';
import { MoCallbackError, MoRequestError } from './mo-errors.js';
import { moDeliver } from './mo-deliver.js';
import type { MoMessage } from './mo-message.js';
import { selectService } from './select-service.js';

export type ForwardResult =
  | { readonly kind: 'delivered'; readonly service: string; readonly status: number; readonly method: MoRequest['method'] }
  /** Its service is an SMPP account: queued durably for the account's binds. */
  | { readonly kind: 'smpp'; readonly service: string; readonly account: string }
  /** No service takes it: Kannel logs and drops such a message, and so do we (a retry would find none either). */
  | { readonly kind: 'no-service'; readonly keyword: string | undefined };

/** httpCall, or a stand-in in tests. */
export type HttpSend = (call: HttpCall, timeoutMs: number) => Promise<HttpCallResult>;

export interface MoForwarderOptions {
  readonly services: readonly Service[];
  readonly timeoutMs: number;
  /** Where service URLs may go (callbacks.deny-networks, deny-hosts). */
  readonly guard: OutboundGuard;
  /** For tests; httpCall by default. */
  readonly send?: HttpSend;
  /** Queues deliver_sm for SMPP accounts (the callback queue's per-account queues); unset: such services fail. */
  readonly smpp?: (jobs: readonly ClientDeliverJob[]) => Promise<void>;
}

export class MoForwarder {
  private readonly send: HttpSend;
  private services: readonly Service[];

  constructor(private readonly opts: MoForwarderOptions) {
    this.send = opts.send ?? httpCall;
    this.services = opts.services;
  }

  /** A reload's services: messages forwarded from now on are matched against them. */
  setServices(services: readonly Service[]): void {
    this.services = services;
  }

  async forward(mo: MoMessage): Promise<ForwardResult> {
    const selection = selectService(this.services, mo.text, mo.smscId, mo.to);
    if (selection.kind === 'none') return { kind: 'no-service', keyword: selection.keyword };
    const { service } = selection;
    if (service.smppAccount !== undefined) {
      const account = service.smppAccount;
      if (!this.opts.smpp) throw new MoRequestError('invalid-url', service.name, `smpp:${account}`, 'no SMPP server in this gateway');
      await this.opts.smpp([{ messageId: mo.id, seq: 0, deliver: moDeliver(mo, account) }]);
      return { kind: 'smpp', service: service.name, account };
    }
    const request = buildMoRequest(mo, service);
    const shown = redactUrl(request.url);
    const r = await this.send(
      {
        url: request.url,
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        guard: this.opts.guard,
      },
      this.opts.timeoutMs,
    );
    if (r.ok) return { kind: 'delivered', service: service.name, status: r.status, method: request.method };
    switch (r.kind) {
      case 'bad-url':
        throw new MoRequestError('invalid-url', service.name, shown, r.detail);
      case 'refused':
        throw new MoRequestError('refused', service.name, shown, r.detail);
      case 'status':
        throw new MoCallbackError('status', service.name, shown, r.status);
      case 'timeout':
        throw new MoCallbackError('timeout', service.name, shown, undefined);
      case 'connection':
        throw new MoCallbackError('connection', service.name, shown, undefined, { cause: new Error(r.detail) });
    }
  }
}
