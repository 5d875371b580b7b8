/**
 * The JSON API's error catalogue: one stable code per failure, with its HTTP status and what it means. Clients
 * branch on `code`; the README lists every one, and a test fails when one is missing there.
 * Pure.
 */
export const API_ERRORS = {
  invalid_request: { status: 400, description: 'The body or a parameter does not match the schema; `details` says where.' },
  unauthorized: { status: 401, description: 'Missing or wrong credentials (HTTP Basic: account username and password).' },
  forbidden_ip: { status: 403, description: 'The account may not be used from this client address.' },
  sender_missing: { status: 400, description: 'No `from`, and neither the account nor the gateway has a default sender.' },
  receivers_denied: { status: 400, description: "Every receiver was refused by the allowed characters or the account's prefix rules." },
  charset_invalid: { status: 400, description: 'The text could not be read in the given charset.' },
  text_unencodable: { status: 400, description: 'The text has characters the requested coding cannot carry; nothing was changed or sent.' },
  too_many_parts: { status: 400, description: "The text needs more parts than the account's max-messages." },
  too_many_receivers: {
    status: 400,
    description: 'The request lists more receivers, all its messages together, than http.max-recipients.',
  },
  rate_limited: {
    status: 429,
    description:
      'Too many requests from this client address (http.ip-rate-limit), too many failed logins from it (20 at once, then one per 3 s), or too many requests for this account (request-rate-limit); `Retry-After` says when to try again.',
  },
  tps_exceeded: {
    status: 429,
    description:
      'The account is sending above its max-tps (max-tps-mode refuse), or pacing the request would hold it longer than max-tps-delay (pace); `Retry-After` says when it fits.',
  },
  too_many_at_once: {
    status: 400,
    description:
      "The request has more SMS than the account's max-tps ever lets through at once (max-tps-burst; in pace mode, what max-tps-delay can pace); send fewer per request.",
  },
  quota_exceeded: {
    status: 429,
    description: "The account's daily-quota or monthly-quota (UTC) is used up; `Retry-After` says when the next period starts.",
  },
  callback_url_denied: {
    status: 400,
    description:
      "The `dlrUrl` or `callbackUrl` names an address or host that callbacks may not reach (callbacks.deny-networks, callbacks.deny-hosts; the account's callback-allow overrides them).",
  },
  invalid_tlv: {
    status: 400,
    description:
      'A name in `tlvs` that no smpp-tlv group declares for the links the message may take, or a value its declaration cannot carry.',
  },
  not_routable: { status: 403, description: 'No configured link could ever carry the message.' },
  body_too_large: { status: 413, description: 'The request body is larger than http.max-body-size.' },
  unsupported_media_type: { status: 415, description: 'The request body is not JSON.' },
  not_found: { status: 404, description: "No such message (or not one of this account's), or no such path." },
  temporarily_unavailable: {
    status: 503,
    description: 'Redis cannot take messages right now, or the gateway is shutting down; nothing was accepted. Retry later.',
  },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly index?: number; readonly details?: unknown };
}

export function apiError(
  code: ApiErrorCode,
  message: string,
  extra: { index?: number; details?: unknown } = {},
): { status: number; body: ApiErrorBody } {
  return { status: API_ERRORS[code].status, body: { error: { code, message, ...extra } } };
}
