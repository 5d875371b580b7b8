/**
 * Replies to a request over a rate limit, max-tps or a quota (accounts/limit-gate.ts): on the JSON API its error
 * code with 429 and Retry-After; on sendsms Kannel's way, "Temporal failure, try again later." (what Kannel answers
 * when it cannot take a message now) with Retry-After, and a Kannel-style sentence where trying again soon is no use.
 */
import type { FastifyReply } from 'fastify';
import type { LimitRefusal } from '../accounts/limit-gate.js';
import { apiError, type ApiErrorCode } from './api-errors.js';
import { KannelReplies, type KannelReply } from './kannel-replies.js';

/** Retry-After in whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function kannelLimitReply(r: LimitRefusal): KannelReply {
  const after = retryAfterSeconds(r.retryAfterMs ?? 0);
  switch (r.reason) {
    case 'client-rate':
    case 'account-rate':
    case 'over-tps':
      return KannelReplies.throttled(after);
    case 'too-many-at-once':
      return KannelReplies.tooManyAtOnce;
    case 'daily-quota':
      return KannelReplies.dailyQuotaExceeded(after);
    case 'monthly-quota':
      return KannelReplies.monthlyQuotaExceeded(after);
  }
}

const API_CODES: Record<LimitRefusal['reason'], ApiErrorCode> = {
  'client-rate': 'rate_limited',
  'account-rate': 'rate_limited',
  'over-tps': 'tps_exceeded',
  'too-many-at-once': 'too_many_at_once',
  'daily-quota': 'quota_exceeded',
  'monthly-quota': 'quota_exceeded',
};

export function sendApiLimitError(reply: FastifyReply, r: LimitRefusal): FastifyReply {
  const e = apiError(
    API_CODES[r.reason],
    r.retryAfterMs === undefined ? r.detail : `${r.detail}; retry after ${retryAfterSeconds(r.retryAfterMs)} s`,
  );
  if (r.retryAfterMs !== undefined) reply.header('retry-after', String(retryAfterSeconds(r.retryAfterMs)));
  return reply.code(e.status).send(e.body);
}
