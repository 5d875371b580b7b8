/**
 * http.ip-rate-limit on the sendsms port: every request to sendsms or the JSON API's messages is counted for its
 * client address before anything else is done for it (no body read, no password checked), so a flood costs one
 * shared Redis check per request. Registered only when the limit is set; /health and the status are not counted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LimitVerdict } from '../accounts/limit-gate.js';
import { kannelLimitReply, sendApiLimitError } from './limit-replies.js';
import { lingerAfterReply } from './lingering-close.js';
import { apiError } from './api-errors.js';
import { KannelReplies } from './kannel-replies.js';
import { RETRY_AFTER_SECONDS, sendKannel } from './sendsms-route.js';

export interface ClientLimit {
  checkClient(ip: string): Promise<LimitVerdict>;
}

const counted = (url: string): boolean => url.startsWith('/cgi-bin/sendsms') || url.startsWith('/api/v1/messages');

export function registerClientRateLimit(app: FastifyInstance, limit: ClientLimit, lingerMs: number): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!counted(req.url)) return;
    const api = req.url.startsWith('/api/');
    let verdict: LimitVerdict;
    try {
      verdict = await limit.checkClient(req.ip);
    } catch (e) {
      // A Redis fault (503) is logged once per outage by the request path's circuit; anything else here is a bug.
      if ((e as { statusCode?: unknown }).statusCode !== 503) req.log.error({ err: e }, 'cannot check the client address rate limit');
      lingerAfterReply(req.raw, lingerMs);
      if (api)
        return reply
          .code(503)
          .header('retry-after', RETRY_AFTER_SECONDS)
          .send(apiError('temporarily_unavailable', 'cannot check rate limits right now; nothing was accepted').body);
      return sendKannel(reply, KannelReplies.temporaryFailure);
    }
    if (verdict.ok) return;
    // Answered before the body is read: the connection lingers so that the client reads the refusal.
    lingerAfterReply(req.raw, lingerMs);
    return api ? sendApiLimitError(reply, verdict.refusal) : sendKannel(reply, kannelLimitReply(verdict.refusal));
  });
}
