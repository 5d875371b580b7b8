/**
 * Kannel's sendsms replies, status and body exactly as smsbox sends them (reference/kannel.md §1.3), so existing
 * clients that parse them keep working. Replies Kannel does not have (a text that cannot be encoded, too many
 * parts, an oversize body) follow its style: a sentence ending in ", rejected" and a 4xx status.
 * Pure.
 */
export interface KannelReply {
  readonly status: number;
  readonly body: string;
  /** Sent as Retry-After (seconds) when set: a refusal over a rate limit, max-tps or a quota. */
  readonly retryAfterS?: number;
}

const r = (status: number, body: string): KannelReply => ({ status, body });

export const KannelReplies = {
  accepted: r(202, '0: Accepted for delivery'),
  queued: r(202, '3: Queued for later delivery'),
  authFailed: r(403, 'Authorization failed for sendsms'),
  notRoutable: r(403, 'Not routable. Do not try again.'),
  temporaryFailure: r(503, 'Temporal failure, try again later.'),
  missingReceiver: r(400, 'Missing receiver number, rejected'),
  /** Kannel's POST (headers or XML document) words it so. */
  missingReceivers: r(400, 'Missing receiver(s) number(s), rejected'),
  emptyReceiver: r(400, 'Empty receiver number not allowed, rejected'),
  udhMisformed: r(400, 'UDH field misformed, rejected'),
  udhTooLong: r(400, 'UDH field is too long, rejected'),
  /** Kannel 1.4.5's words (smsbox.c) when every receiver is refused by the lists or the prefix rules. */
  numbersDenied: r(400, 'Number(s) has/have been denied by white- and/or black-lists.'),
  senderMissing: r(400, 'Sender missing and no global set, rejected'),
  charsetMisformed: r(400, 'Charset or body misformed, rejected'),
  unsupportedContentType: r(415, 'Unsupported content-type, rejected'),
  sendingFailed: r(500, 'Sending failed.'),
  unknownRequest: r(404, 'Unknown request.'),
  bodyTooLarge: r(413, 'Request body too large, rejected'),
  tooManyReceivers: r(400, 'Too many receivers, rejected'),
  /** The dlr-url names an address or host callbacks may not reach (callbacks.deny-networks, deny-hosts). */
  dlrUrlDenied: r(400, 'DLR-URL host not allowed, rejected'),
  /** validity=0: a message valid for no time at all could never be delivered (Kannel queues it and lets it expire). */
  validityZero: r(400, 'Validity of 0 minutes: the message could never be delivered, rejected'),
  /** A user data header that leaves no room for any text in a part (a 140-octet UDH with a text). */
  udhNoRoom: r(400, 'UDH field leaves no room for the text, rejected'),
  /** smsbox.c words the account check differently from the other fields. */
  accountMisformed: r(400, 'Account field misformed or too long, rejected'),
  /** meta-data Kannel would have sent without the TLV (an undeclared name, a value its smpp-tlv cannot carry): said, not dropped. */
  metaDataRefused: (detail: string): KannelReply => r(400, `Meta-Data field misformed: ${detail}, rejected`),
  /** Kannel's `<Field> field misformed, rejected`, with Kannel's spelling of the field. */
  fieldMisformed: (field: string): KannelReply => r(400, `${field} field misformed, rejected`),
  unencodable: (detail: string): KannelReply => r(400, `Text cannot be sent in the requested coding (${detail}), rejected`),
  tooManyParts: (parts: number, max: number): KannelReply =>
    r(400, `Message needs ${parts} parts, more than max-messages (${max}), rejected`),
  /** Over a rate limit or max-tps: Kannel's "try again later" (its reply when its queue is full), with when. */
  throttled: (retryAfterS: number): KannelReply => ({ ...r(503, 'Temporal failure, try again later.'), retryAfterS }),
  /** More SMS in one request than the account's max-tps ever lets through at once. */
  tooManyAtOnce: r(400, "Too many messages at once for this account's max-tps, rejected"),
  dailyQuotaExceeded: (retryAfterS: number): KannelReply => ({ ...r(403, 'Daily quota exceeded, rejected'), retryAfterS }),
  monthlyQuotaExceeded: (retryAfterS: number): KannelReply => ({ ...r(403, 'Monthly quota exceeded, rejected'), retryAfterS }),
} as const;

/** Kannel's immediate-sendsms-reply answer: "Sent.", the receivers refused, and the messages per receiver when more than one. */
export function sentReply(denied: readonly string[], splits: number): KannelReply {
  return r(
    202,
    `Sent.${denied.length > 0 ? ` Denied receivers are: ${denied.join(' ')}` : ''}${splits > 1 ? ` Message splits: ${splits}` : ''}`,
  );
}

/** The first message's answer, naming the receivers refused (Kannel's own words for them). */
export function withDeniedReply(ack: KannelReply, denied: readonly string[]): KannelReply {
  return r(ack.status, `${ack.body}. Denied receivers are: ${denied.join(' ')}`);
}
