/**
 * Hands one MO to its service: picks the service, then calls its URL with a deadline (get-url, post-url, post-xml),
 * makes its answer here (text, file, exec: local-service.ts), or queues it for an SMPP client's binds. Success is any 2xx; everything else throws a typed
 * error for the queue to retry or give up on. The answer is returned (`serve`) for the queue to send back.
 *
 * Sent with httpCall (keep-alive) through the outbound guard, like the receipt callbacks: a service URL whose host
 * resolves into callbacks.deny-networks is refused, not called.
 */
import type { ClientDeliverJob } from '../dlr/callback-queue.js';
import { serviceKind, type Service } from '../domain/service.js';
import { httpCall, type HttpCall, type HttpCallResult } from '../http-client/http-call.js';
import type { OutboundGuard } from '../http-client/outbound-guard.js';
import { redactUrl } from '../observability/redact-url.js';
import { buildMoRequest, type MoRequest } from './build-mo-request.js';
import { MAX_OUTPUT_BYTES, runLocalService } from './local-service.js';
import { MoCallbackError, MoRequestError } from './mo-errors.js';
import { moDeliver } from './mo-deliver.js';
import type { MoMessage } from './mo-message.js';
import { selectService } from './select-service.js';
import type { ServiceAnswer } from './service-reply.js';

export type ForwardResult =
  /** method 'LOCAL': a text, file or exec service, answered here (status 200). */
  | { readonly kind: 'delivered'; readonly service: string; readonly status: number; readonly method: MoRequest['method'] | 'LOCAL' }
  /** Its service is an SMPP account: queued durably for the account's binds. */
  | { readonly kind: 'smpp'; readonly service: string; readonly account: string }
  /** No service takes it: Kannel logs and drops such a message, and so do we (a retry would find none either). */
  | { readonly kind: 'no-service'; readonly keyword: string | undefined };

/** What serving an MO came to: the service and its answer when one took it. */
export interface Served {
  readonly result: ForwardResult;
  readonly service?: Service;
  readonly answer?: ServiceAnswer;
}

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
    return (await this.serve(mo)).result;
  }

  /** forward, with the service and what it answered. */
  async serve(mo: MoMessage): Promise<Served> {
    const selection = selectService(this.services, mo.text, mo.smscId, mo.to, mo.account);
    if (selection.kind === 'none') return { result: { kind: 'no-service', keyword: selection.keyword } };
    const { service } = selection;
    const kind = serviceKind(service);
    if (service.smppAccount !== undefined) {
      const account = service.smppAccount;
      if (!this.opts.smpp) throw new MoRequestError('invalid-url', service.name, `smpp:${account}`, 'no SMPP server in this gateway');
      await this.opts.smpp([{ messageId: mo.id, seq: 0, deliver: moDeliver(mo, account) }]);
      return { result: { kind: 'smpp', service: service.name, account } };
    }
    if (kind === 'text' || kind === 'file' || kind === 'exec') {
      const body = await runLocalService(mo, service, this.opts.timeoutMs);
      return {
        result: { kind: 'delivered', service: service.name, status: 200, method: 'LOCAL' },
        service,
        answer: { kind: 'local', body },
      };
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
        readBody: MAX_OUTPUT_BYTES,
      },
      this.opts.timeoutMs,
    );
    if (r.ok)
      return {
        result: { kind: 'delivered', service: service.name, status: r.status, method: request.method },
        service,
        answer: { kind: 'http', status: r.status, headers: r.headers ?? {}, body: r.body ?? Buffer.alloc(0) },
      };
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
