/**
 * What a link does with a message and what comes of it, as the link (links/), the drain that feeds it from the
 * route queues, and the recording of outcomes (dlr/report-dispatcher.ts) all speak it. Types only.
 */
import type { Link } from './link.js';
import type { QueuedMessage } from './message.js';

/** A part the SMSC accepted, with the id it gave. */
export interface AcceptedPart {
  /** 1-based part number. */
  readonly seq: number;
  readonly smscMessageId: string;
}

export type SendResult =
  | { readonly kind: 'submitted'; readonly parts: readonly AcceptedPart[] }
  | { readonly kind: 'failed'; readonly status: number | undefined; readonly detail: string; readonly accepted: readonly AcceptedPart[] }
  /**
   * Not (fully) submitted; send again. `attempt`: the SMSC refused it with a temporary error, which counts
   * against max-attempts; link trouble (throttling, a lost or silent session) does not.
   */
  | {
      readonly kind: 'retry';
      readonly attempt: boolean;
      readonly detail: string;
      /** Parts the SMSC already took: they are not sent again. */
      readonly accepted: readonly AcceptedPart[];
      /** Some part went out without an answer: the SMSC may have it, so a resend may duplicate it. */
      readonly maybeDelivered: boolean;
    };

/** Where a partly sent long message stands: the rest must go over the same link with the same reference. */
export interface SendProgress {
  readonly link: string;
  readonly ref: number;
  readonly accepted: readonly AcceptedPart[];
}

export interface SendAttempt {
  readonly result: SendResult;
  readonly bind: string | undefined;
  /** For a message of several parts with some accepted: where it stands (the rest goes on this link). */
  readonly progress: SendProgress | undefined;
  /** Parts written for this attempt (what the caller confirms once the outcome is recorded). */
  readonly parts: number;
}

/** One message handed to the link. */
export interface SendJob {
  readonly msg: QueuedMessage;
  /** Parts an earlier try got accepted, and their reference. */
  readonly progress: SendProgress | undefined;
  /** The concatenation reference of a message of several parts (see needsRef), else undefined. */
  readonly ref: number | undefined;
  /** Hears once what became of the message. */
  readonly done: (attempt: SendAttempt) => void;
}

/** Where the outcome of each message goes (its record, and the reports its client asked for); `done` once durable. */
export interface SubmitOutcomes {
  submitted(msg: QueuedMessage, link: Link, parts: readonly AcceptedPart[], now: number, done: () => void): void;
  failed(
    msg: QueuedMessage,
    detail: string,
    status: number | undefined,
    link: Link | undefined,
    now: number,
    wire: string,
    done: () => void,
  ): void;
}
