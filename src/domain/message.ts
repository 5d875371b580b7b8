/**
 * A message as it waits in a route queue: everything needed to submit it, already validated and encoded, so the
 * drain side does no parsing and no text encoding (only the per-link split). Kept compact: it is stored once per
 * message in Redis.
 */
export type Alphabet = 'gsm7' | 'ucs2' | 'latin1' | 'binary';

export interface QueuedMessage {
  /** Message id (also the queue job id). */
  readonly id: string;
  /** Account (sendsms-user) username. */
  readonly account: string;
  /** Service name of the account, reported as %n. */
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly dataCoding: number;
  readonly alphabet: Alphabet;
  /** Encoded text without any UDH, base64: unpacked septets, UTF-16BE, Latin-1 or raw octets. */
  readonly body: string;
  /** The client's own UDH (Kannel `udh`), base64, UDHL first. */
  readonly udh?: string;
  readonly protocolId?: number;
  readonly replyPath?: boolean;
  /** Kannel priority 0..3, higher first. */
  readonly priority: number;
  /** The request asked for priority 0 itself: a link's default priority does not replace it (a priority above 0 always wins). */
  readonly priorityGiven?: true;
  /** Epoch ms after which the message must not be sent (Kannel `validity`). */
  readonly validUntil?: number;
  /** Epoch ms the SMSC should deliver it at (Kannel `deferred`). */
  readonly deliverAt?: number;
  readonly dlrMask?: number;
  readonly dlrUrl?: string;
  /** JSON API: where JSON reports go (instead of a Kannel dlr-url). */
  readonly callbackUrl?: string;
  /** Kannel `account` (billing reference) and `binfo`. */
  readonly billing?: string;
  readonly binfo?: string;
  readonly metaData?: string;
  /** smsc-id the message carried when routed (forced/requested/default). */
  readonly smscId?: string;
  /** Route key (the queue it waits in). */
  readonly route: string;
  /** Accept time, epoch ms. */
  readonly acceptedAt: number;
}

/** A message as the accept path prepares it: named (given its id) only when it is written to its queue. */
export type NewMessage = Omit<QueuedMessage, 'id'>;
