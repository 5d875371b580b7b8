/**
 * Hands one MO to its service over HTTP: picks the service, builds the request, sends it with a deadline. Success
 * is any 2xx; everything else throws a typed error for the queue to retry or give up on. The reply body is read
 * and dropped: Kannel would send it back to the handset as a reply SMS, which switchboard does not do (yet).
 */
import type { Service } from '../domain/service.js';
import { buildMoRequest, type MoRequest } from './build-mo-request.js';
import { MoCallbackError, MoRequestError } from './mo-errors.js';
import type { MoMessage } from './mo-message.js';
import { selectService } from './select-service.js';

export type ForwardResult =
  | { readonly kind: 'delivered'; readonly service: string; readonly status: number; readonly method: MoRequest['method'] }
  /** No service takes it: Kannel logs and drops such a message, and so do we (a retry would find none either). */
  | { readonly kind: 'no-service'; readonly keyword: string | undefined };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface MoForwarderOptions {
  readonly services: readonly Service[];
  readonly timeoutMs: number;
  /** For tests; the global fetch by default. */
  readonly fetch?: FetchLike;
}

/** The URL without its query, for logs and errors: the query carries the text and the addresses. */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : `${url.slice(0, cut)}?…`;
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

export class MoForwarder {
  private readonly fetch: FetchLike;

  constructor(private readonly opts: MoForwarderOptions) {
    this.fetch = opts.fetch ?? ((url, init) => fetch(url, init));
  }

  async forward(mo: MoMessage): Promise<ForwardResult> {
    const selection = selectService(this.opts.services, mo.text, mo.smscId);
    if (selection.kind === 'none') return { kind: 'no-service', keyword: selection.keyword };
    const { service } = selection;
    const request = buildMoRequest(mo, service);
    const shown = redactUrl(request.url);
    try {
      new URL(request.url);
    } catch (e) {
      throw new MoRequestError(service.name, shown, { cause: e });
    }

    let response: Response;
    try {
      response = await this.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      // Read to the end so the connection goes back to the pool; the deadline covers the body too.
      await response.arrayBuffer();
    } catch (e) {
      throw new MoCallbackError(isTimeout(e) ? 'timeout' : 'connection', service.name, shown, undefined, { cause: e });
    }
    if (response.status < 200 || response.status > 299) {
      throw new MoCallbackError('status', service.name, shown, response.status);
    }
    return { kind: 'delivered', service: service.name, status: response.status, method: request.method };
  }
}
